/**
 * A reasoning reply against a real `partykit dev` and a provider streaming `reasoning_content`:
 * a link that drops mid-reasoning, and a page reloaded mid-reasoning, must end with the server's
 * reply, reasoning included, byte for byte, never showing reasoning twice or out of order.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '@realstream/testing/harness';
import { FakeUpstream, openAiChunk } from '../../server/src/responders/fake-upstream.js';
import { flakyLink } from '../test/flaky-ws.js';
import { journal, waitForClient } from '../test/diagnose.js';
import { restMessages, wire } from '../test/rest.js';
import { connect, type ClientMessage, type RealstreamClient } from './index.js';

const THOUGHT = Array.from({ length: 40 }, (_, i) => ` thought ${i} 🎉`);
const ANSWER = ['Rooms keep', ' every event', ' in order.'];
const LONG = 30_000;

const reply = (c: RealstreamClient): ClientMessage | undefined =>
  c.$messages.get().find((m) => m.author.kind === 'assistant');

/** Every reasoning text a client showed, in order. */
function watchReasoning(c: RealstreamClient, seen: string[]): void {
  c.$messages.listen(() => {
    const text = reply(c)?.reasoning?.text;
    if (text !== undefined && text !== seen.at(-1)) seen.push(text);
  });
}

describe('resume mid-reasoning', () => {
  let upstream: FakeUpstream;
  let server: TestServer;
  const clients: RealstreamClient[] = [];
  const open = (room: string, link = flakyLink()) => {
    const c = connect({
      host: server.host,
      room,
      name: 'Ada',
      WebSocket: link.WebSocket,
      reconnectDelayMs: { min: 100, max: 1000 },
    });
    clients.push(c);
    return { c: journal(c), link };
  };

  before(async () => {
    upstream = await FakeUpstream.start();
    // About 2 s of reasoning before the answer.
    upstream.handle(() => ({
      gapMs: 50,
      body: [
        openAiChunk({ role: 'assistant', content: '' }),
        ...THOUGHT.map((reasoning_content) => openAiChunk({ reasoning_content })),
        ...ANSWER.map((content) => openAiChunk({ content })),
        openAiChunk({}, 'stop'),
        'data: [DONE]\n\n',
      ],
    }));
    server = await startServer({
      vars: {
        REALSTREAM_RESPONDER: 'openai',
        REALSTREAM_OPENAI_BASE_URL: `${upstream.url}/v1`,
        REALSTREAM_OPENAI_MODEL: 'deepseek-reasoner',
        REALSTREAM_OPENAI_API_KEY: 'sk-resume-reasoning-0123456789',
      },
    });
  });
  after(async () => {
    await server?.stop();
    await upstream?.close();
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  /** Sends a question and waits until the reply has reasoned a little, but not all of it. */
  async function midReasoning(c: RealstreamClient): Promise<void> {
    await waitForClient(c, 'live', () => c.$status.get().state === 'live', LONG);
    await c.send('Think hard about rooms');
    await waitForClient(c, 'reasoning', () => (reply(c)?.reasoning?.text.length ?? 0) > 30, LONG);
    assert.equal(reply(c)?.text, '', 'the test interrupts a reply that is still reasoning');
    assert.equal(reply(c)?.reasoning?.ms, undefined);
  }

  /** The client's transcript is the server's, and it never showed reasoning it took back. */
  async function converged(c: RealstreamClient, room: string, seen: string[]): Promise<void> {
    await waitForClient(c, 'complete', () => reply(c)?.status === 'complete', LONG);
    const rest = await restMessages(server, room);
    assert.deepEqual(wire(c.transcript()), wire(rest));
    const final = rest.find((m) => m.author.kind === 'assistant')!;
    assert.equal(final.reasoning?.text, THOUGHT.join(''));
    assert.equal(final.text, ANSWER.join(''));
    assert.ok((final.reasoning?.ms ?? 0) > 0);
    for (const text of seen) {
      assert.ok(final.reasoning!.text.startsWith(text), 'no reasoning shown twice or out of order');
    }
  }

  it('replays the reasoning it missed after the socket dies', async () => {
    const { c, link } = open('think-drop');
    const seen: string[] = [];
    watchReasoning(c, seen);
    await midReasoning(c);
    link.current.terminate();
    await converged(c, 'think-drop', seen);
    assert.equal(c.stats.resumes, 1);
    assert.equal(c.stats.gaps, 0);
  });

  it('a page reloaded mid-reasoning picks it up from the snapshot and goes on', async () => {
    const first = open('think-reload');
    await midReasoning(first.c);
    const before = reply(first.c)!.reasoning!.text;
    first.c.close();
    // The reload: a new client, nothing remembered.
    const { c } = open('think-reload');
    const seen: string[] = [];
    watchReasoning(c, seen);
    await waitForClient(c, 'the reply', () => reply(c) !== undefined, LONG);
    const resumed = reply(c)!;
    assert.equal(resumed.status, 'streaming', 'reloaded while the model still reasons');
    assert.ok(resumed.reasoning!.text.startsWith(before), 'the snapshot has what was shown');
    await converged(c, 'think-reload', seen);
  });
});
