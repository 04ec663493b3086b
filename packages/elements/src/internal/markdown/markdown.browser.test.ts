/// <reference types="mocha" />
import { expect, fixture, html } from '@open-wc/testing';
import { render } from 'lit';
import { XSS_PAYLOADS, inertProblems } from '../../../test/xss.js';
import { defaultMarkdownStrings as strings } from './context.js';
import { safeHref } from './links.js';
import { markdownStyles } from './markdown.styles.js';
import { MarkdownStream, renderMarkdown } from './stream.js';

/** Renders markdown into a fresh container (with the prose styles, like the chat does). */
function md(text: string): HTMLElement {
  const div = document.createElement('div');
  div.className = 'md';
  render(renderMarkdown(text, strings), div);
  document.body.append(div);
  return div;
}

/** The DOM as a string without Lit's comment markers, to compare two renders. */
function shape(el: Element): string {
  const clone = el.cloneNode(true) as Element;
  const walker = document.createTreeWalker(clone, NodeFilter.SHOW_COMMENT);
  const comments: Node[] = [];
  while (walker.nextNode()) comments.push(walker.currentNode);
  comments.forEach((c) => c.parentNode!.removeChild(c));
  return clone.outerHTML.replace(/>\s+</g, '><').replace(/\s+/g, ' ');
}

const DEMO = [
  '**Demo responder** (offline, no model): you said _"hi"_. Here is a sample reply about **latency**.',
  '',
  "Every token you see was streamed through the room's event log, so a refresh resumes.",
  '',
  '### What a room guarantees',
  '',
  '1. Every event has a room-wide `seq`.',
  '2. Durable events are stored before they are sent.',
  '3. Deltas carry an `offset`, so replays never duplicate text.',
  '',
  '- Presence and typing are live but never replayed.',
  '- Reply seed: `abc123`.',
  '',
  '```ts',
  "const client = connect({ host: 'localhost:1999', room: 'lobby' });",
  'client.$messages.subscribe((messages) => render(messages));',
  '```',
  '',
  '| Event | Stored | Replayed |',
  '| --- | :---: | ---: |',
  '| message.created | yes | yes |',
  '| message.delta | checkpoint | from the ring |',
  '',
  '> Set `REALSTREAM_RESPONDER` to a real provider to talk to a model.',
].join('\n');

// Constructs whose meaning changes as text arrives: setext headings, loose lists, lazy quotes.
const TRICKY = [
  'Title',
  '=====',
  '',
  '1. one',
  '',
  '2. two',
  '   continued',
  '',
  '> quote',
  'lazy line',
  '',
  '[ref]: https://example.com/ref',
  '',
  'A [reference][ref] and `code` and ~~gone~~.',
  '',
  '    indented code',
  '',
  '- [x] done',
  '- [ ] open',
  '',
  '***',
  '',
  '    code one',
  '',
  '    code two',
  '',
  '> first quote',
  '',
  '> second quote',
  '',
  '- a',
  '',
  '  still a',
  '- b',
  '',
  '| h1 | h2 |',
  '| -- | -- |',
  '| c1 | c2 |',
  'after table',
  '',
  '<div>',
  'raw',
  '</div>',
  '',
  'Tail',
  '---',
].join('\n');

afterEach(() => {
  document.querySelectorAll('body > .md').forEach((el) => el.remove());
});

describe('markdown renderer', () => {
  it('renders headings, emphasis, strong, strikethrough and line breaks', () => {
    const el = md('# One\n## Two\n###### Six\n\n*em* _em_ **strong** ~~del~~\nnext line');
    expect(el.querySelector('h1')!.textContent).to.equal('One');
    expect(el.querySelector('h2')!.textContent).to.equal('Two');
    expect(el.querySelector('h6')!.textContent).to.equal('Six');
    expect([...el.querySelectorAll('em')].map((e) => e.textContent)).to.deep.equal(['em', 'em']);
    expect(el.querySelector('strong')!.textContent).to.equal('strong');
    expect(el.querySelector('del')!.textContent).to.equal('del');
    expect(el.querySelector('p br')).to.exist;
  });

  it('renders ordered, unordered, nested and task lists', () => {
    const el = md('3. three\n4. four\n   - nested a\n   - nested b\n\n- [x] done\n- [ ] open');
    const ol = el.querySelector('ol')!;
    expect(ol.getAttribute('start')).to.equal('3');
    expect(ol.children).to.have.length(2);
    expect([...ol.querySelectorAll('ul li')].map((li) => li.textContent!.trim())).to.deep.equal([
      'nested a',
      'nested b',
    ]);
    const tasks = el.querySelectorAll('.md-task__box');
    expect([...tasks].map((t) => t.getAttribute('aria-label'))).to.deep.equal(['Done', 'Not done']);
  });

  it('renders tables with header cells and alignment', () => {
    const el = md('| a | b | c |\n| :- | :-: | -: |\n| 1 | *2* | 3 |');
    expect([...el.querySelectorAll('th')].map((th) => th.textContent)).to.deep.equal([
      'a',
      'b',
      'c',
    ]);
    expect(el.querySelector('td em')!.textContent).to.equal('2');
    expect(el.querySelectorAll('td')[1].className).to.equal('md-align-center');
    expect(el.querySelectorAll('td')[2].className).to.equal('md-align-right');
    expect(el.querySelector('.md-table')!.getAttribute('role')).to.equal('region');
  });

  it('renders block quotes, inline code, rules and decoded entities', () => {
    const el = md('> quoted **bold**\n\n`a < b && c`\n\n---\n\nTom &amp; Jerry &lt;3 &#x1F600;');
    expect(el.querySelector('blockquote strong')!.textContent).to.equal('bold');
    expect(el.querySelector('code.md-codespan')!.textContent).to.equal('a < b && c');
    expect(el.querySelector('hr')).to.exist;
    expect(el.lastElementChild!.textContent).to.equal('Tom & Jerry <3 \u{1F600}');
  });

  it('renders fenced code with a language label and a copy button that copies the code', async () => {
    const el = md('```ts\nconst a = 1 < 2;\n```\n\n```\nplain\n```');
    const [ts, plain] = el.querySelectorAll('figure.md-code');
    expect(ts.querySelector('.md-code__lang')!.textContent).to.equal('ts');
    expect(ts.querySelector('code')!.className).to.equal('language-ts');
    expect(ts.querySelector('code')!.textContent).to.equal('const a = 1 < 2;');
    expect(plain.querySelector('.md-code__lang')!.textContent).to.equal('code');
    const copied: string[] = [];
    const original = navigator.clipboard.writeText;
    navigator.clipboard.writeText = async (text: string) => void copied.push(text);
    try {
      ts.querySelector<HTMLButtonElement>('.md-code__copy')!.click();
      await new Promise((r) => setTimeout(r));
      expect(copied).to.deep.equal(['const a = 1 < 2;']);
      expect(ts.querySelector('.md-code__status')!.textContent).to.equal('Copied');
    } finally {
      navigator.clipboard.writeText = original;
    }
  });

  it('keeps http(s) and mailto links, opening in a new tab without an opener', () => {
    const el = md(
      '[a](https://example.com/x) [b](http://example.com) [c](mailto:ada@example.com) <https://auto.example>',
    );
    const links = [...el.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal([
      'https://example.com/x',
      'http://example.com/',
      'mailto:ada@example.com',
      'https://auto.example/',
    ]);
    for (const a of links) {
      expect(a.target).to.equal('_blank');
      expect(a.rel).to.equal('noopener noreferrer');
    }
  });

  it('shows other links as plain text', () => {
    const el = md(
      '[js](javascript:alert(1)) [rel](/local/path) [data](data:text/html,x) [ftp](ftp://x.example)',
    );
    expect(el.querySelectorAll('a')).to.have.length(0);
    expect([...el.querySelectorAll('.md-link--blocked')].map((s) => s.textContent)).to.deep.equal([
      'js',
      'rel',
      'data',
      'ftp',
    ]);
  });

  it('allows only absolute http(s) and mailto hrefs', () => {
    expect(safeHref('https://a.example/p?q#h')).to.equal('https://a.example/p?q#h');
    for (const bad of [
      'javascript:x',
      ' JAVASCRIPT:x',
      'java\tscript:x',
      '\u0001javascript:x',
      'data:x',
      '//evil.example',
      '/p',
      '#top',
      '',
    ]) {
      expect(safeHref(bad), bad).to.equal(null);
    }
  });

  it('shows raw HTML as text', () => {
    const el = md('<div class="x">block</div>\n\ninline <b>bold</b> text');
    expect(el.querySelector('div.x')).to.equal(null);
    expect(el.querySelector('b')).to.equal(null);
    expect(el.querySelector('.md-raw')!.textContent).to.equal('<div class="x">block</div>');
    expect(el.textContent).to.contain('inline <b>bold</b> text');
  });

  it('keeps every XSS payload inert and visible as text', async () => {
    window.__xss = undefined;
    const all = md(XSS_PAYLOADS.join('\n\n'));
    const each = XSS_PAYLOADS.map((p) => md(p));
    // Handlers would run on load/error/focus: give the browser two frames to try.
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    for (const [i, el] of [all, ...each].entries()) {
      expect(inertProblems(el), XSS_PAYLOADS[i - 1] ?? 'all').to.deep.equal([]);
    }
    expect(each[0].textContent).to.contain('<script>window.__xss = 1</script>');
    expect(window.__xss).to.equal(undefined);
  });

  it('is accessible', async () => {
    const el = await fixture(html`<div class="md">${renderMarkdown(DEMO, strings)}</div>`);
    await expect(el).to.be.accessible();
  });
});

describe('streaming markdown', () => {
  it('renders every prefix of a reply exactly as a full render would', () => {
    for (const text of [DEMO, TRICKY]) {
      const stream = new MarkdownStream(strings);
      const live = document.createElement('div');
      for (let i = 0; i <= text.length; i += 1) {
        const prefix = text.slice(0, i);
        render(stream.render(prefix), live);
        const fresh = document.createElement('div');
        render(renderMarkdown(prefix, strings), fresh);
        if (shape(live) !== shape(fresh)) {
          expect(
            shape(live),
            `prefix of ${i} chars: ${JSON.stringify(prefix.slice(-30))}`,
          ).to.equal(shape(fresh));
        }
      }
    }
  });

  it('lexes and renders only the growing tail: complete blocks keep their DOM untouched', async () => {
    const stream = new MarkdownStream(strings);
    const el = document.createElement('div');
    document.body.append(el);
    const cut = DEMO.indexOf('```ts');
    render(stream.render(DEMO.slice(0, cut)), el);
    const before = [...el.children].slice(0, -1); // the last block may still grow
    expect(before.length).to.be.greaterThan(3);
    const mutations: MutationRecord[] = [];
    const observer = new MutationObserver((records) => mutations.push(...records));
    for (const node of before)
      observer.observe(node, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
    const lexedBefore = stream.stats.lexedChars;
    for (let i = cut; i <= DEMO.length; i += 7) render(stream.render(DEMO.slice(0, i)), el);
    render(stream.render(DEMO), el);
    observer.takeRecords().forEach((r) => mutations.push(r));
    observer.disconnect();
    expect(mutations, 'mutations inside complete blocks').to.have.length(0);
    for (const node of before) expect(node.isConnected, node.outerHTML.slice(0, 40)).to.equal(true);
    // Each render lexed about the tail, not the whole text again.
    const renders = Math.ceil((DEMO.length - cut) / 7) + 1;
    expect(stream.stats.lexedChars - lexedBefore).to.be.lessThan(renders * (DEMO.length - cut));
    expect(stream.stats.lexedChars - lexedBefore).to.be.lessThan(renders * cut);
    el.remove();
  });

  it('starts over when the text is not an extension of what it rendered', () => {
    const stream = new MarkdownStream(strings);
    const el = document.createElement('div');
    render(stream.render('first paragraph\n\nsecond paragraph\n\nthird'), el);
    render(stream.render('first paragraph\n\nsecond'), el);
    expect([...el.querySelectorAll('p')].map((p) => p.textContent)).to.deep.equal([
      'first paragraph',
      'second',
    ]);
  });
});

// Keep the prose styles importable from tests (the chat adopts them).
void markdownStyles;
