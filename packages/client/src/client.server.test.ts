/**
 * The client against a real `partykit dev`: what two people in one room see, history paging,
 * presence and typing, and the outbox when an ack is lost.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startServer, waitFor, type TestServer } from '@realstream/testing/harness';
import { flakyLink } from '../test/flaky-ws.js';
import { postMessage, restMessages, wire } from '../test/rest.js';
import { connect, type ConnectOptions, type RealstreamClient } from './index.js';

const LONG = { timeoutMs: 30_000 };

describe('client against a server', () => {
  let server: TestServer;
  const clients: RealstreamClient[] = [];
  const open = (room: string, name: string, extra: Partial<ConnectOptions> = {}) => {
    const c = connect({
      host: server.host,
      room,
      name,
      WebSocket,
      reconnectDelayMs: { min: 100, max: 1000 },
      ...extra,
    });
    clients.push(c);
    return c;
  };
  const live = (...cs: RealstreamClient[]) =>
    waitFor('clients live', () => cs.every((c) => c.$status.get().state === 'live'), LONG);

  before(async () => {
    server = await startServer({
      vars: {
        REALSTREAM_DEMO_TOKENS_PER_SECOND: 400,
        REALSTREAM_DEMO_REPLY_TOKENS: 200,
        REALSTREAM_SNAPSHOT_MESSAGES: 10,
      },
    });
  });
  after(() => server.stop());
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  it('shows a message and its streamed reply to both people, exactly as the server stores them', async () => {
    const a = open('duet', 'Ada');
    const b = open('duet', 'Bob');
    await live(a, b);
    const seenByBob: string[] = [];
    b.$messages.listen((ms) => {
      const reply = ms.find((m) => m.author.kind === 'assistant');
      if (reply) seenByBob.push(reply.text);
    });

    const ack = await a.send('Tell me about resumable streams');
    assert.ok(ack.seq > 0);
    assert.equal(ack.duplicate, false);
    const done = (c: RealstreamClient) =>
      c.$messages.get().some((m) => m.author.kind === 'assistant' && m.status === 'complete');
    await waitFor('both see the complete reply', () => done(a) && done(b), LONG);

    const rest = await restMessages(server, 'duet');
    assert.equal(rest.length, 2);
    assert.deepEqual(wire(a.transcript()), wire(rest));
    assert.deepEqual(wire(b.transcript()), wire(rest));
    assert.equal(a.$messages.get()[0].id, ack.messageId);
    assert.equal(b.$messages.get()[0].author.name, 'Ada');

    const final = rest[1].text;
    assert.ok(seenByBob.length > 2, `Bob saw the reply stream (${seenByBob.length} updates)`);
    for (const text of seenByBob)
      assert.ok(final.startsWith(text), 'every view is a prefix of the final text');
  });

  it('shows who is here and who is typing', async () => {
    const a = open('here', 'Ada');
    const b = open('here', 'Bob');
    await live(a, b);
    await waitFor(
      'both present',
      () =>
        a.$presence
          .get()
          .map((u) => u.name)
          .sort()
          .join() === 'Ada,Bob',
      LONG,
    );
    b.typing(true);
    await waitFor('Ada sees Bob typing', () => a.$typing.get().some((u) => u.name === 'Bob'), LONG);
    await b.send('done typing', { reply: false });
    await waitFor('typing ends with the message', () => a.$typing.get().length === 0, LONG);
    b.close();
    await waitFor(
      'Bob left',
      () =>
        a.$presence
          .get()
          .map((u) => u.name)
          .join() === 'Ada',
      LONG,
    );
  });

  it('pages older history in without duplicates until the beginning of the room', async () => {
    for (let i = 1; i <= 25; i++) await postMessage(server, 'history', `message ${i}`);
    const c = open('history', 'Ada', { pageSize: 10 });
    await live(c);
    await waitFor('snapshot page', () => c.$messages.get().length === 10, LONG);
    assert.equal(await c.loadOlder(), true);
    assert.equal(c.$messages.get().length, 20);
    assert.equal(await c.loadOlder(), false);
    assert.equal(await c.loadOlder(), false, 'nothing older to ask for');
    assert.deepEqual(wire(c.transcript()), wire(await restMessages(server, 'history')));
    assert.deepEqual(
      c.$messages.get().map((m) => m.text),
      Array.from({ length: 25 }, (_, i) => `message ${i + 1}`),
    );
  });

  it('resends a send whose ack was lost and shows it exactly once', async () => {
    const link = flakyLink();
    const c = open('lost-ack', 'Ada', { WebSocket: link.WebSocket });
    await live(c);
    // The server applied the send; its ack dies with the link.
    link.dropInbound = (data, socket) => {
      if (!data.includes('"type":"ack"')) return false;
      link.dropInbound = null;
      socket.terminate();
      return true;
    };
    const ack = await c.send('exactly once, please', { reply: false });
    assert.equal(ack.duplicate, true, 'the resend was recognised by its id');
    assert.ok(c.stats.resent >= 1);
    assert.ok(link.sockets.length >= 2);
    await waitFor(
      'confirmed',
      () => c.$messages.get().some((m) => m.id === ack.messageId && !m.local),
      LONG,
    );
    assert.equal(c.$messages.get().filter((m) => m.text === 'exactly once, please').length, 1);
    const rest = await restMessages(server, 'lost-ack');
    assert.equal(rest.filter((m) => m.text === 'exactly once, please').length, 1);
  });

  it('delivers a send whose socket died right after it went out, exactly once', async () => {
    const link = flakyLink();
    const c = open('died', 'Ada', { WebSocket: link.WebSocket });
    await live(c);
    const sent = c.send('sent into a dying socket', { reply: false });
    link.current.terminate();
    const ack = await sent;
    assert.equal(c.$status.get().state, 'live');
    await waitFor(
      'confirmed',
      () => c.$messages.get().some((m) => m.id === ack.messageId && !m.local),
      LONG,
    );
    const rest = await restMessages(server, 'died');
    assert.deepEqual(
      rest.map((m) => m.text),
      ['sent into a dying socket'],
    );
    assert.deepEqual(wire(c.transcript()), wire(rest));
  });
});
