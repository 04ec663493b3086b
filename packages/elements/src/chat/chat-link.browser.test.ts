/// <reference types="mocha" />
// The link pill against a real `partykit dev`, under real link failures: a link that stops
// forwarding mid-reply (a TCP proxy that freezes its connections, see test/server-plugin.mjs) and
// a device that goes offline (Chromium's own network emulation over CDP).
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { serverMessages, testServer, uniqueRoom, waitFor } from '../../test/helpers.js';
import { $, $$, settle, text } from '../../test/mount.js';
import type { RealstreamChat } from './chat.js';

const opened: HTMLElement[] = [];
afterEach(() => {
  for (const el of opened.splice(0)) el.remove();
});

async function openChat(host: string): Promise<RealstreamChat> {
  const chat = document.createElement('realstream-chat');
  chat.host = host;
  chat.room = uniqueRoom('link');
  chat.name = 'Ada';
  const wrapper = document.createElement('div');
  wrapper.style.blockSize = '640px';
  wrapper.append(chat);
  document.body.append(wrapper);
  opened.push(wrapper);
  await waitFor('live', () => chat.client?.$status.get().state === 'live');
  await settle(chat);
  return chat;
}

const pill = (chat: RealstreamChat) => $(chat, '[part="link-status"]');
const replies = (chat: RealstreamChat) => $$(chat, 'article.message--assistant');

describe('realstream-chat link pill under real failures', () => {
  it('leaves "Live" within 2 s of a stall during a stream, and recovers the reply', async () => {
    const { host } = (await (await fetch('/__realstream-proxy')).json()) as { host: string };
    const chat = await openChat(host);
    const client = chat.client!;
    await client.send('Tell me about stalls');
    const reply = await waitFor('reply streaming', () => replies(chat)[0]);
    const length = () => text(reply.querySelector('[part="message-body"]')).length;
    await waitFor('some text', () => length() > 40);
    expect(reply.dataset.state).to.equal('streaming');
    expect(pill(chat).dataset.state).to.equal('live');

    const { frozen } = await (await fetch('/__realstream-proxy/freeze', { method: 'POST' })).json();
    expect(frozen, 'the chat’s socket went through the proxy').to.be.greaterThan(0);
    const stalledAt = performance.now();
    await waitFor('the pill leaves Live', () => pill(chat).dataset.state !== 'live', 2_000);
    const took = performance.now() - stalledAt;
    expect(took, `left Live after ${Math.round(took)} ms`).to.be.below(2_000);
    expect(pill(chat).dataset.state).to.equal('stalled');
    expect(text(pill(chat))).to.equal('Stream stalled, checking the connection…');

    // Nothing answers the probe: the link is given up and replaced (a new socket flows again).
    await waitFor('the stall named', () => pill(chat).dataset.state === 'stream-lost', 6_000);
    await waitFor('the reply complete', () => reply.dataset.state !== 'streaming', 20_000);
    expect(client.stats.deadLinks).to.equal(1);
    const server = await serverMessages(chat.room!);
    expect(client.transcript().map((m) => m.text)).to.deep.equal(server.map((m) => m.text));
  });

  it('leaves "Live" at once when the device goes offline, and reconnects when it is back', async () => {
    const { host } = await testServer();
    const chat = await openChat(host);
    const client = chat.client!;
    const connects = client.stats.connects;

    // What the page sees while its network is gone for 2 s, sampled as it happens.
    const seen: { at: number; state: string | undefined; onLine: boolean }[] = [];
    let offlineAt = 0;
    const onOffline = () => (offlineAt = performance.now());
    window.addEventListener('offline', onOffline);
    const sample = setInterval(
      () =>
        seen.push({
          at: performance.now(),
          state: pill(chat).dataset.state,
          onLine: navigator.onLine,
        }),
      25,
    );
    try {
      await executeServerCommand('network-offline', { ms: 2_000 });
    } finally {
      clearInterval(sample);
      window.removeEventListener('offline', onOffline);
    }
    expect(offlineAt, 'the browser fired offline').to.be.greaterThan(0);
    await settle(chat);
    const shown = seen.find((s) => s.state === 'device-offline');
    expect(shown, `pill states seen: ${[...new Set(seen.map((s) => s.state))].join(', ')}`).to
      .exist;
    const took = shown!.at - offlineAt;
    // At once: the next render (a loaded 2-core CI box gets some slack).
    expect(took, `"No network" shown ${Math.round(took)} ms after offline`).to.be.below(300);
    const after = seen.filter((s) => s.at >= shown!.at && !s.onLine);
    expect(after.length, 'samples while offline').to.be.greaterThan(10);
    expect(
      after.every((s) => s.state === 'device-offline'),
      'never Live again while offline',
    ).to.equal(true);

    await waitFor('live again', () => client.$status.get().state === 'live', 3_000);
    expect(client.stats.connects).to.be.greaterThan(connects);
    await settle(chat);
    expect(pill(chat).dataset.state).to.be.oneOf(['resumed', 'live']);
  });
});
