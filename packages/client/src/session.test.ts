/**
 * The connection lifecycle through the client: final and back-off close codes, the heartbeat
 * and stall watchdog, tokens on reconnect. (Against a real server with a secret: link.test.ts.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@realstream/testing/harness';
import { HEARTBEAT_PING } from '@realstream/protocol';
import type { RealstreamError } from './index.js';
import { fakeServer, frames } from '../test/fake-socket.js';
import { events, fakeClient as client, live } from '../test/fake-client.js';

describe('session: close codes, watchdog, tokens', () => {
  for (const [code, state, reason] of [
    [4401, 'unauthorised', 'unauthorised'],
    [4403, 'forbidden', 'forbidden'],
    [4400, 'offline', 'invalid_room'],
    [4500, 'offline', 'server_misconfigured'],
  ] as const) {
    it(`stays down after close ${code} and shows ${state} with the server's reason`, async () => {
      const server = fakeServer();
      const c = client(server);
      const s = await server.socket(0);
      s.accept();
      const pending = c.send('queued before the refusal');
      s.drop(code, `closed with ${code}`);
      assert.equal(c.$status.get().state, state);
      const why = c.$status.get().reason;
      assert.equal(why?.code, reason);
      assert.equal(why?.closeCode, code);
      assert.equal(why?.serverReason, `closed with ${code}`);
      assert.equal(why?.retrying, false);
      assert.match(why?.message ?? '', new RegExp(`closed with ${code}`));
      await assert.rejects(pending, (err: RealstreamError) => err.code !== 'closed');
      // The reconnect delay is 10-50 ms: twenty times that without a new socket is no loop.
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(server.sockets.length, 1);
    });
  }

  it('backs off after 4408 (room full) and tries again', async () => {
    const server = fakeServer();
    const c = client(server);
    const s = await server.socket(0);
    s.accept();
    s.drop(4408, 'room is full (2 connections)');
    assert.equal(c.$status.get().state, 'connecting');
    const why = c.$status.get().reason;
    assert.equal(why?.code, 'room_full');
    assert.equal(why?.retrying, true);
    assert.ok((why?.retryInMs ?? 0) > 0);
    assert.match(why?.message ?? '', /^room is full \(2 connections\): retrying in \d+ s$/);
    const next = await server.socket(1);
    next.accept();
    next.deliver(frames.welcome(0, 'snapshot'));
    next.deliver(frames.snapshot(0));
    await waitFor('live', () => c.$status.get().state === 'live');
  });

  it('declares a silent link dead while a reply streams, and resumes on a new socket', async () => {
    const server = fakeServer();
    const c = client(server, { stallTimeoutMs: 200, stallProbeMs: 100 });
    const s = await live(server, 0, c, 1, [frames.message('a1', 1, 'x', 'streaming')]);
    const next = await server.socket(1);
    assert.equal(s.frames('ping').length, 1, 'a probe went out before giving up');
    assert.equal(c.stats.deadLinks, 1);
    next.accept();
    assert.equal(next.frames('hello')[0].since, 1);
  });

  it('says "stalled" while a streaming link is silent, and "live" again when a frame comes', async () => {
    const server = fakeServer();
    const c = client(server, { stallTimeoutMs: 200, stallProbeMs: 400 });
    const seen = events(c);
    const s = await live(server, 0, c, 1, [frames.message('a1', 1, 'x', 'streaming')]);
    await waitFor('stalled', () => c.$status.get().state === 'stalled');
    assert.equal(s.frames('ping').length, 1, 'the probe went out with the notice');
    s.deliver({ type: 'pong', t: 0 });
    assert.equal(c.$status.get().state, 'live', 'a frame proves the link at once');
    // Silent again, and this time the probe goes unanswered: dead, as a stalled stream.
    await server.socket(1);
    assert.equal(c.$status.get().state, 'reconnecting', 'not live once the link is given up');
    const dead = seen.filter((e) => e.type === 'dead-link');
    assert.equal(dead.length, 1);
    assert.equal(dead[0].type === 'dead-link' && dead[0].during, 'stream');
  });

  it('counts reasoning deltas as a reply streaming: one that only reasons is not stalled', async () => {
    const server = fakeServer();
    const c = client(server, { stallTimeoutMs: 200, stallProbeMs: 400 });
    const s = await live(server, 0, c, 1, [frames.message('a1', 1, '', 'streaming')]);
    const states = new Set<string>();
    const off = c.$status.subscribe((st) => states.add(st.state));
    // Five times the stall window of reasoning and no answer text, a delta every 100 ms.
    let thought = '';
    for (let seq = 2; seq <= 11; seq++) {
      const piece = `step ${seq}. `;
      s.deliver({
        type: 'event',
        seq,
        at: 2 + seq,
        event: {
          type: 'message.delta',
          messageId: 'a1',
          offset: thought.length,
          text: piece,
          part: 'reasoning',
        },
      });
      thought += piece;
      await new Promise((r) => setTimeout(r, 100));
    }
    off();
    assert.deepEqual([...states], ['live'], 'never stalled, never reconnecting');
    assert.equal(server.sockets.length, 1);
    const reply = c.$messages.get().find((m) => m.id === 'a1');
    assert.equal(reply?.reasoning?.text, thought);
    assert.equal(reply?.text, '');
  });

  it('calls an idle link that misses its pong lost, not a stalled stream', async () => {
    const server = fakeServer();
    const c = client(server, { pingIntervalMs: 100, pongTimeoutMs: 100 });
    const seen = events(c);
    await live(server, 0, c, 0);
    await server.socket(1);
    const dead = seen.find((e) => e.type === 'dead-link');
    assert.ok(dead && dead.type === 'dead-link');
    assert.equal(dead.during, 'idle');
    assert.match(dead.reason, /no pong/);
    assert.equal(c.$status.get().state, 'reconnecting');
  });

  it('sends the heartbeat as the exact bytes a Durable Object can auto-answer', async () => {
    const server = fakeServer();
    const c = client(server, { pingIntervalMs: 50 });
    const s = await live(server, 0, c, 0);
    await waitFor('ping', () => s.frames('ping').length === 1);
    assert.ok(s.raw.includes(HEARTBEAT_PING), s.raw.join(' | '));
  });

  it('leaves "live" at once on the browser\'s offline, and reconnects at once on online', async () => {
    // What a browser window offers the client: the events, and navigator.onLine.
    const win = new EventTarget();
    let onLine = true;
    const g = globalThis as { addEventListener?: unknown; removeEventListener?: unknown };
    g.addEventListener = win.addEventListener.bind(win);
    g.removeEventListener = win.removeEventListener.bind(win);
    const nav = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', {
      configurable: true,
      get: () => ({ onLine }),
    });
    try {
      const server = fakeServer();
      // A long backoff: reconnecting at once on `online` must not wait for it.
      const c = client(server, { reconnectDelayMs: { min: 5_000, max: 10_000 } });
      const s = await live(server, 0, c, 0);
      onLine = false;
      win.dispatchEvent(new Event('offline'));
      assert.equal(c.$status.get().state, 'device-offline');
      assert.notEqual(s.readyState, 1, 'the untrusted socket was dropped');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(server.sockets.length, 1, 'no retries against a missing network');
      assert.equal(c.$status.get().state, 'device-offline');
      const at = Date.now();
      onLine = true;
      win.dispatchEvent(new Event('online'));
      assert.equal(c.$status.get().state, 'reconnecting');
      const next = await server.socket(1);
      assert.ok(
        Date.now() - at < 1_000,
        `reconnected after ${Date.now() - at} ms, not the backoff`,
      );
      next.accept();
      next.deliver(frames.welcome(0, 'none'));
      await waitFor('live', () => c.$status.get().state === 'live');
    } finally {
      delete g.addEventListener;
      delete g.removeEventListener;
      if (nav) Object.defineProperty(globalThis, 'navigator', nav);
      else delete (globalThis as { navigator?: unknown }).navigator;
    }
  });

  it('declares the link dead when a ping gets no answer', async () => {
    const server = fakeServer();
    const c = client(server, { pingIntervalMs: 100, pongTimeoutMs: 100 });
    const s = await live(server, 0, c, 0);
    await waitFor('ping', () => s.frames('ping').length === 1);
    s.deliver({ type: 'pong', t: s.frames('ping')[0].t });
    await waitFor('second ping', () => s.frames('ping').length === 2);
    await server.socket(1);
    assert.equal(c.stats.deadLinks, 1);
  });

  it('fails a send made after a final close at once, and lets it be retried after reconnect', async () => {
    const server = fakeServer();
    const c = client(server);
    const s = await server.socket(0);
    s.accept();
    s.drop(4403, 'token is not valid for room r');
    const sent = c.send('too late');
    await assert.rejects(sent, { code: 'forbidden' });
    await waitFor('failed', () => c.$messages.get()[0]?.local === 'failed');
    c.reconnect();
    const next = await server.socket(1);
    next.accept();
    next.deliver(frames.welcome(0, 'none'));
    const id = c.$messages.get()[0].id;
    const again = c.retry(id);
    assert.equal(next.frames('message.send')[0]?.id, id);
    next.deliver({ type: 'ack', id, seq: 1 });
    assert.equal((await again).seq, 1);
  });

  it('says why it cannot connect when getToken fails, and keeps trying', async () => {
    const server = fakeServer();
    let calls = 0;
    const getToken = async () => {
      if (++calls === 1) throw new Error('session expired');
      return 'ok';
    };
    const c = client(server, { getToken });
    const seen = events(c);
    const s = await server.socket(0);
    assert.equal(s.params.get('token'), 'ok');
    assert.deepEqual(
      seen.filter((e) => e.type === 'token-error'),
      [{ type: 'token-error', message: 'session expired' }],
    );
    assert.equal(c.stats.connects, 2);
  });

  it('re-opens after a final close when asked, fetching a new token', async () => {
    const server = fakeServer();
    let calls = 0;
    const c = client(server, { getToken: async () => `t${++calls}` });
    const s = await server.socket(0);
    assert.equal(s.params.get('token'), 't1');
    s.accept();
    s.drop(4401, 'token signature does not verify');
    assert.equal(c.$status.get().state, 'unauthorised');
    c.reconnect();
    const next = await server.socket(1);
    assert.equal(next.params.get('token'), 't2');
  });
});
