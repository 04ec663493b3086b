/// <reference types="mocha" />
// Replies that fail for real: a room of the test server that answers with the `openai` responder,
// a local server speaking the Chat Completions stream (test/server-plugin.mjs), which refuses one
// request and cuts another mid-reply. A host page must hear of each: stream start, stream end with
// the outcome, and `realstream-error` with `source: 'reply'`.
import { expect } from '@open-wc/testing';
import { testServer, uniqueRoom, waitFor } from '../../test/helpers.js';
import { $, $$, settle, text } from '../../test/mount.js';
import type { RealstreamChat } from './chat.js';

const opened: HTMLElement[] = [];
afterEach(() => {
  for (const el of opened.splice(0)) el.remove();
});

/** A chat in a fresh room whose replies come from the scripted provider, and what it fires. */
async function providerChat(): Promise<{ chat: RealstreamChat; events: string[] }> {
  const { host } = await testServer();
  const chat = document.createElement('realstream-chat');
  chat.host = host;
  chat.room = uniqueRoom('failures');
  chat.name = 'Ada';
  const wrapper = document.createElement('div');
  wrapper.style.blockSize = '640px';
  wrapper.append(chat);
  document.body.append(wrapper);
  opened.push(wrapper);
  const events: string[] = [];
  chat.addEventListener('realstream-stream-start', () => events.push('start'));
  chat.addEventListener('realstream-stream-end', (e) => events.push(`end:${e.detail.status}`));
  chat.addEventListener('realstream-error', (e) =>
    events.push(`error:${e.detail.source}:${e.detail.code}:${e.detail.message}`),
  );
  await waitFor('live', () => chat.client?.$status.get().state === 'live');
  // Dev mode: everyone is an operator guest, who may choose the room's responder.
  await chat.client!.configure({ responder: 'openai' });
  await settle(chat);
  return { chat, events };
}

const lastReply = (chat: RealstreamChat) => $$(chat, 'article.message--assistant').at(-1);

describe('realstream-chat replies that fail, against a real provider stream', () => {
  it('a reply refused before its first token: start, end failed, the error, Retry', async () => {
    const { chat, events } = await providerChat();
    await chat.client!.send('Please fail before you start');
    await waitFor('the reply failed', () => events.includes('end:failed'), 10_000);
    await settle(chat);
    expect(events).to.deep.equal([
      'start',
      'end:failed',
      'error:reply:bad_request:openai answered HTTP 400: The model refused the request.',
    ]);
    const reply = lastReply(chat)!;
    expect(reply.dataset.state).to.equal('error');
    expect(text(reply)).to.contain('The model refused the request.');
    expect($(reply, '[part~="retry-reply"]'), 'Retry offered').to.exist;
  });

  it('a reply cut after its first tokens: start, end failed with its text, the error', async () => {
    const { chat, events } = await providerChat();
    await chat.client!.send('Please fail after a few words');
    await waitFor('the reply failed', () => events.includes('end:failed'), 10_000);
    await settle(chat);
    expect(events.slice(0, 2)).to.deep.equal(['start', 'end:failed']);
    expect(events[2]).to.match(/^error:reply:connection_failed:/);
    expect(events).to.have.length(3);
    const reply = lastReply(chat)!;
    expect(reply.dataset.state).to.equal('error');
    expect(text(reply.querySelector('[part="message-body"]'))).to.equal('Half of a reply');
  });

  it('a reply that succeeds fires start and end complete, and no error', async () => {
    const { chat, events } = await providerChat();
    await chat.client!.send('Hello');
    await waitFor('the reply ended', () => events.some((e) => e.startsWith('end:')), 10_000);
    expect(events).to.deep.equal(['start', 'end:complete']);
    expect(text(lastReply(chat)!.querySelector('[part="message-body"]'))).to.equal(
      'A short reply.',
    );
  });
});
