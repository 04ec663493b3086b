/**
 * Resume against a real `partykit dev`: a link that drops, stalls, or loses its server in the
 * middle of a streamed reply must end with the server's transcript, byte for byte, and must never
 * show text twice or out of order on the way.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '@realstream/testing/harness';
import { flakyLink, type FlakyLink } from '../test/flaky-ws.js';
import { journal, waitForClient } from '../test/diagnose.js';
import { postMessage, restMessages, wire } from '../test/rest.js';
import {
  connect,
  type ClientMessage,
  type ConnectOptions,
  type RealstreamClient,
} from './index.js';

const LONG = { timeoutMs: 45_000 };

/** Every text the client showed for the reply, in order. */
function watchReply(c: RealstreamClient): string[] {
  const seen: string[] = [];
  c.$messages.listen((ms) => {
    const reply = ms.find((m) => m.author.kind === 'assistant');
    if (reply && reply.text !== seen.at(-1)) seen.push(reply.text);
  });
  return seen;
}

const reply = (c: RealstreamClient): ClientMessage | undefined =>
  c.$messages.get().find((m) => m.author.kind === 'assistant');

describe('resume mid-stream', () => {
  let server: TestServer;
  const clients: RealstreamClient[] = [];
  const open = (room: string, link: FlakyLink, extra: Partial<ConnectOptions> = {}) => {
    const c = connect({
      host: server.host,
      room,
      name: 'Ada',
      WebSocket: link.WebSocket,
      reconnectDelayMs: { min: 100, max: 1000 },
      ...extra,
    });
    clients.push(c);
    return journal(c);
  };

  /** Sends a prompt and waits until the reply has streamed some text, but not all of it. */
  async function midStream(c: RealstreamClient): Promise<void> {
    await waitForClient(c, 'live', () => c.$status.get().state === 'live', LONG.timeoutMs);
    await c.send('Stream me something long');
    await waitForClient(
      c,
      'reply streaming',
      () => (reply(c)?.text.length ?? 0) > 20,
      LONG.timeoutMs,
    );
    assert.equal(
      reply(c)?.status,
      'streaming',
      'the test interrupts a reply that is still streaming',
    );
  }

  /** The reply ended as `status`, and the client's transcript is the server's. */
  async function converged(c: RealstreamClient, room: string, status: string, seen: string[]) {
    await waitForClient(c, `reply ${status}`, () => reply(c)?.status === status, LONG.timeoutMs);
    const rest = await restMessages(server, room);
    assert.deepEqual(wire(c.transcript()), wire(rest));
    const final = rest.find((m) => m.author.kind === 'assistant')!.text;
    if (status !== 'interrupted') {
      // Interrupted text is the last checkpoint, which may be shorter than what was streamed.
      for (const text of seen)
        assert.ok(final.startsWith(text), 'nothing shown twice or out of order');
    }
    return final;
  }

  before(async () => {
    // About 2 s per reply: long enough to interrupt under load, short enough to keep tests quick.
    server = await startServer({
      vars: {
        REALSTREAM_DEMO_TOKENS_PER_SECOND: 200,
        REALSTREAM_DEMO_REPLY_TOKENS: 400,
        REALSTREAM_SNAPSHOT_MESSAGES: 10,
      },
    });
  });
  after(() => server.stop());
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  it('replays what it missed after the socket dies', async () => {
    const link = flakyLink();
    const c = open('dropped', link);
    const seen = watchReply(c);
    await midStream(c);
    link.current.terminate();
    await converged(c, 'dropped', 'complete', seen);
    assert.equal(c.stats.resumes, 1);
    assert.equal(c.stats.snapshots, 1, 'resumed from the ring, not from a snapshot');
    assert.equal(c.stats.gaps, 0);
    assert.ok(link.received.some((f) => f.includes('"resume":"replay"')));
  });

  it('resumes the same way when asked to reconnect', async () => {
    const link = flakyLink();
    const c = open('asked', link);
    const seen = watchReply(c);
    await midStream(c);
    c.reconnect();
    await converged(c, 'asked', 'complete', seen);
    assert.equal(c.stats.resumes, 1);
    assert.equal(link.sockets.length, 2);
  });

  it('notices a link that went silent mid-stream, and resumes', async () => {
    const link = flakyLink();
    const c = open('silent', link, { stallTimeoutMs: 500, stallProbeMs: 500 });
    const seen = watchReply(c);
    await midStream(c);
    link.current.frozen = true;
    await converged(c, 'silent', 'complete', seen);
    assert.equal(c.stats.deadLinks, 1);
    assert.equal(c.stats.resumes, 1);
  });

  it('stops a streaming reply, keeping what was streamed', async () => {
    const link = flakyLink();
    const c = open('stopped', link);
    const seen = watchReply(c);
    await midStream(c);
    const { seq } = await c.stop(reply(c)!.id);
    assert.ok(seq > 0);
    const final = await converged(c, 'stopped', 'stopped', seen);
    assert.ok(final.length > 20);
  });

  it('joins while an old reply streams, and pages history past it without a hole', async () => {
    const a = open('old-reply', flakyLink());
    await midStream(a);
    // Push the streaming reply out of the snapshot page (10 messages).
    for (let i = 1; i <= 12; i++) await postMessage(server, 'old-reply', `later ${i}`);
    const b = open('old-reply', flakyLink(), { name: 'Bob' });
    await waitForClient(b, 'Bob live', () => b.$status.get().state === 'live', LONG.timeoutMs);
    assert.equal(reply(b)?.status, 'streaming', 'the snapshot carried the older streaming reply');
    assert.equal(b.$messages.get().length, 11, 'the page of 10, plus the reply');
    while (await b.loadOlder());
    await converged(b, 'old-reply', 'complete', []);
    assert.equal(b.transcript().length, 14);
  });

  // Last: it restarts the server under the other tests' feet.
  it('after a server restart mid-stream, shows the reply interrupted with the server text', async () => {
    const link = flakyLink();
    const c = open('restart', link);
    const seen = watchReply(c);
    await midStream(c);
    const before = c.stats.snapshots;
    await server.restart();
    await converged(c, 'restart', 'interrupted', seen);
    assert.equal(c.stats.snapshots, before + 1, 'a new server lifetime: resumed from a snapshot');
    assert.equal(c.$status.get().state, 'live');
    assert.equal(c.stats.gaps, 0);
  });
});
