/// <reference types="mocha" />
// <realstream-dashboard> against the real `partykit dev` the runner starts (dev mode: everyone is an
// operator): real traffic from a real client in the page must move the figures the dashboard shows.
import { expect } from '@open-wc/testing';
import { connect, type RealstreamClient } from '@realstream/client';
import { testServer, uniqueRoom, waitFor } from '../../test/helpers.js';
import { $, $$, settle, text } from '../../test/mount.js';
import type { RealstreamDashboard } from './dashboard.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const undo of cleanup.splice(0)) undo();
});

const value = (d: Element, id: string) => text($(d, `[part~="tile-${id}"] .tile__value`));
const detail = (d: Element, id: string) => text($(d, `[part~="tile-${id}"] .tile__detail`));

async function openDashboard(room: string): Promise<RealstreamDashboard> {
  const { host } = await testServer();
  const d = document.createElement('realstream-dashboard');
  d.host = host;
  d.room = room;
  d.name = 'Olga';
  document.body.append(d);
  cleanup.push(() => d.remove());
  await waitFor('the first figures', () => $(d, '[part~="tile-replies"]'));
  return d;
}

async function openClient(room: string, name: string): Promise<RealstreamClient> {
  const { host } = await testServer();
  const client = connect({ host, room, name });
  cleanup.push(() => client.close());
  await waitFor(`${name} live`, () => client.$status.get().state === 'live');
  return client;
}

/** Sends `text` and waits for the assistant's reply to it to complete. */
async function ask(client: RealstreamClient, text: string): Promise<void> {
  const { messageId } = await client.send(text);
  await waitFor(
    `the reply to "${text}"`,
    () =>
      client.$messages
        .get()
        .some(
          (m) =>
            m.replyTo === messageId && m.author.kind === 'assistant' && m.status === 'complete',
        ),
    30_000,
  ).catch((e: Error) => {
    // Say what the room had, so a slow or missing reply can be told apart.
    const seen = client.$messages
      .get()
      .map((m) => `${m.author.kind}:${m.status}:${m.replyTo ?? ''}`);
    throw new Error(`${e.message}; messages: ${seen.join(', ')}`);
  });
}

describe('realstream-dashboard on a real server', function () {
  this.timeout(90_000);

  it('moves with real traffic: messages, replies, TTFT, people, a tool, the tap', async () => {
    const room = uniqueRoom('dash');
    const d = await openDashboard(room);
    expect(d.client!.$status.get().devMode, 'the suite runs the server in dev mode').to.equal(true);
    expect(value(d, 'replies')).to.equal('0');
    // The tap runs while the feed is shown: open it before the traffic starts.
    d.section = 'feed';
    await waitFor('the tap', () => $$(d, '[part~="feed-row"]').length > 0);

    const ada = await openClient(room, 'Ada');
    for (const words of ['hello there', 'tell me a story', 'thanks, goodbye'])
      await ask(ada, words);
    const call = await ada.invokeTool('math.evaluate', { expression: '1+1' });
    const ended = await ada.waitForCall(call.callId);
    expect(ended.status).to.equal('done');

    // The tap: what Ada sent in, the reply's deltas out.
    const kept = d
      .feedNdjson()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { dir: string; type: string; frame: { text?: string } });
    const sends = kept.filter((e) => e.dir === 'in' && e.type === 'message.send');
    expect(sends.map((e) => e.frame.text)).to.deep.equal([
      'hello there',
      'tell me a story',
      'thanks, goodbye',
    ]);
    expect(kept.some((e) => e.dir === 'out' && e.type === 'event:message.delta')).to.equal(true);
    const shown = $$(d, '[part~="feed-row"]').map((r) => text(r.querySelector('.feed__type')));
    expect(shown.length, 'rows on screen').to.be.greaterThan(0);

    d.section = 'overview';
    await waitFor('3 replies and a tool call in the figures', async () => {
      await settle(d);
      return value(d, 'replies') === '3' && value(d, 'toolCalls') === '1';
    });
    expect(detail(d, 'messagesIn')).to.equal('3 in 15 min');
    expect(detail(d, 'replies')).to.equal('0 errors');
    const ttft = $(d, '[part~="tile-ttftP50"]');
    const unit = text(ttft.querySelector('.tile__unit'));
    const ms = Number(value(d, 'ttftP50').replace(/,/g, '')) * (unit === 's' ? 1000 : 1);
    expect(ms, `TTFT p50 ${value(d, 'ttftP50')} ${unit}`)
      .to.be.greaterThan(0)
      .and.below(10_000);
    expect(detail(d, 'ttftP50')).to.equal('of 3 replies');
    expect(value(d, 'people')).to.equal('2');

    d.section = 'people';
    await settle(d);
    const names = $$(d, '[part="people-table"] tbody th').map((c) => text(c));
    expect(names.sort()).to.deep.equal(['Ada', 'Olga']);

    d.section = 'tools';
    await settle(d);
    const tool = $(d, '[part="tools-table"] tr[data-tool="math.evaluate"]');
    expect([...tool.children].slice(0, 4).map((c) => text(c))).to.deep.equal([
      'math.evaluate',
      '1',
      '0',
      '0',
    ]);
    await expect(d).to.be.accessible();
  });

  it('saves the room’s system prompt for everyone, and holds no transcript itself', async () => {
    const room = uniqueRoom('dash-settings');
    const d = await openDashboard(room);
    const ada = await openClient(room, 'Ada');
    await ask(ada, 'hello there');
    d.section = 'settings';
    await waitFor('the settings form', async () => {
      await settle(d);
      return $(d, '[part="settings-prompt"]');
    });
    expect(
      $$(d, '[part="settings-responder"] option').map((o) => text(o)),
      'the deployment’s choices, from the welcome',
    ).to.include('demo');
    const prompt = $<HTMLTextAreaElement>(d, '[part="settings-prompt"]');
    prompt.value = 'Answer in haiku.';
    prompt.dispatchEvent(new Event('input'));
    await settle(d);
    $<HTMLButtonElement>(d, '[part="settings-save"]').click();
    await waitFor(
      'Ada sees the new prompt',
      () => ada.$settings.get()?.systemPrompt === 'Answer in haiku.',
    );
    await waitFor('the form shows it saved', async () => {
      await settle(d);
      return $<HTMLButtonElement>(d, '[part="settings-save"]').disabled;
    });
    expect(text($(d, '[part="settings-result"]'))).to.equal('Saved.');
    expect(ada.$messages.get().length, 'Ada holds the conversation').to.equal(2);
    expect(d.client!.$messages.get(), 'the dashboard holds none of it').to.deep.equal([]);
  });
});
