/// <reference types="mocha" />
// Numbers and units in the element's language (its nearest `lang`), through Intl.NumberFormat, and
// isolated so that a right-to-left page does not turn "12 ms" into "ms 12".
import { expect } from '@open-wc/testing';
import { FakeClient, toolCall } from '../../test/fake-client.js';
import { $, toolsWith, unmountAll } from '../../test/mount.js';
import { formatCount, formatLatency } from '../dashboard/model.js';
import { defaultDashboardStrings } from '../dashboard/strings.js';
import { formatBytes } from '../dashboard/amounts.js';
import { formatDuration, localeOf } from './numbers.js';

afterEach(unmountAll);

/** A tools panel whose history holds one finished call of `ms`, in `lang` and `dir`. */
async function panelWithCall(lang: string, dir: 'rtl' | 'ltr', ms: number) {
  const fake = new FakeClient();
  const call = toolCall('math.evaluate', { status: 'done', result: 4 });
  call.endedAt = call.startedAt + ms;
  fake.$calls.set([call]);
  const tools = await toolsWith(fake, (el) => {
    el.setAttribute('lang', lang);
    el.setAttribute('dir', dir);
  });
  return $(tools, '[part="call-duration"]');
}

/** Where, left to right, the first character matching `re` of a text node is drawn. */
function leftOf(el: Element, re: RegExp): number {
  const node = [...el.childNodes].find(
    (n) => n.nodeType === Node.TEXT_NODE && re.test(n.textContent!),
  )!;
  const at = node.textContent!.search(re);
  const range = document.createRange();
  range.setStart(node, at);
  range.setEnd(node, at + 1);
  return range.getBoundingClientRect().left;
}

describe('numbers and units in the element’s locale', () => {
  it('takes the nearest lang, and the browser’s for none or a bad one', () => {
    const outer = document.createElement('div');
    outer.lang = 'ar-EG';
    const inner = document.createElement('span');
    outer.append(inner);
    expect(localeOf(inner)).to.equal('ar-EG');
    inner.setAttribute('lang', 'not a tag!');
    expect(formatDuration(12, localeOf(inner)), 'a bad tag: the browser’s').to.equal(
      formatDuration(12, undefined),
    );
    expect(localeOf(document.createElement('i'))).to.equal(
      document.documentElement.lang || undefined,
    );
  });

  it('a tool call’s duration in Arabic, right to left, reads as Arabic writes it', async () => {
    const el = await panelWithCall('ar', 'rtl', 12);
    const expected = new Intl.NumberFormat('ar', {
      style: 'unit',
      unit: 'millisecond',
      unitDisplay: 'short',
      maximumFractionDigits: 0,
    }).format(12);
    expect(el.textContent!.trim()).to.equal(expected);
    expect(el.textContent).not.to.contain('ms');
    expect(el.localName, 'isolated from the surrounding text').to.equal('bdi');
  });

  it('an English duration inside a right-to-left page still reads "12 ms", not "ms 12"', async () => {
    const el = await panelWithCall('en', 'rtl', 12);
    expect(el.textContent!.trim()).to.equal('12 ms');
    expect(leftOf(el, /1/)).to.be.below(leftOf(el, /m/), 'the figure is drawn left of its unit');
  });

  it('German figures and units', async () => {
    const el = await panelWithCall('de', 'ltr', 2500);
    expect(el.textContent!.trim()).to.equal('2,5 Sek.');
    expect(formatCount(1234, 'de')).to.equal('1.234');
    expect(formatLatency(1234, 'de')).to.deep.equal({ value: '1,23', unit: 'Sek.' });
    expect(formatBytes(1536, 'de')).to.equal('1,5 kB');
    expect(formatDuration(842.4, 'ar')).to.equal(
      new Intl.NumberFormat('ar', {
        style: 'unit',
        unit: 'millisecond',
        unitDisplay: 'short',
      }).format(842),
    );
    expect(defaultDashboardStrings.latency(42, 'ar')).to.equal(`+${formatDuration(42, 'ar')}`);
  });
});
