/**
 * The link on its own against scripted sockets (its URL, handshake timeout, stale sockets), then
 * close codes and tokens against a real `partykit dev` with a secret: refusals are final and
 * shown, "not now" is retried with backoff, and getToken is asked again on every connection.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startServer, waitFor, type TestServer } from '@realstream/testing/harness';
import { signToken } from '@realstream/server';
import { flakyLink } from '../test/flaky-ws.js';
import { fakeServer, type FakeServer } from '../test/fake-socket.js';
import { connect, type ClientEvent, type ConnectOptions, type RealstreamClient } from './index.js';
import { Link, type LinkClose, type LinkOptions } from './link.js';

describe('link: one socket at a time', () => {
  const links: Link[] = [];
  afterEach(() => {
    for (const l of links.splice(0)) l.close();
  });
  function link(server: FakeServer, extra: Partial<LinkOptions> = {}) {
    const seen = { opens: 0, messages: [] as unknown[], closes: [] as LinkClose[] };
    const l = new Link(
      {
        endpoint: { host: 'localhost:1999', secure: false },
        party: 'main',
        room: 'r 1',
        params: async () => ({ token: 't', name: undefined, uid: 'u1' }),
        WebSocket: server.WebSocket,
        minDelayMs: 20,
        maxDelayMs: 100,
        connectionTimeoutMs: 5_000,
        ...extra,
      },
      {
        open: () => seen.opens++,
        message: (data) => seen.messages.push(data),
        close: (info) => seen.closes.push(info),
      },
    );
    links.push(l);
    return { l, seen };
  }

  it('connects to the PartyKit room URL with a fresh _pk per attempt and no empty params', async () => {
    const server = fakeServer();
    link(server);
    const first = await server.socket(0);
    const url = new URL(first.url);
    assert.equal(
      `${url.protocol}//${url.host}${url.pathname}`,
      'ws://localhost:1999/parties/main/r%201',
    );
    assert.deepEqual([...url.searchParams.keys()].sort(), ['_pk', 'token', 'uid']);
    first.accept();
    first.drop(1006);
    const second = await server.socket(1);
    assert.notEqual(second.params.get('_pk'), first.params.get('_pk'));
    assert.equal(second.params.get('token'), 't');
  });

  it('uses wss for a secure endpoint', async () => {
    const server = fakeServer();
    link(server, { endpoint: { host: 'chat.example.com', secure: true } });
    assert.match((await server.socket(0)).url, /^wss:\/\/chat\.example\.com\/parties\/main\//);
  });

  it('sends only on an open socket and queues nothing', async () => {
    const server = fakeServer();
    const { l, seen } = link(server);
    const s = await server.socket(0);
    assert.equal(l.send('{"type":"ping","t":1}'), false);
    s.accept();
    assert.equal(seen.opens, 1);
    assert.equal(l.send('{"type":"ping","t":2}'), true);
    assert.deepEqual(s.sent, [{ type: 'ping', t: 2 }]);
  });

  it('gives up on a handshake that does not answer in time, and tries again', async () => {
    const server = fakeServer();
    const { seen } = link(server, { connectionTimeoutMs: 50 });
    const first = await server.socket(0);
    const second = await server.socket(1);
    assert.deepEqual(first.closedBy, { code: 1000, reason: 'timeout' });
    assert.equal(seen.closes[0]?.code, 1006);
    assert.match(seen.closes[0]?.reason ?? '', /no answer within 50 ms/);
    second.accept();
    assert.equal(seen.opens, 1);
  });

  it('reports a dropped socket once and never hears from it after reconnect()', async () => {
    const server = fakeServer();
    const { l, seen } = link(server);
    const first = await server.socket(0);
    first.accept();
    l.reconnect();
    assert.deepEqual(first.closedBy, { code: 1000, reason: 'reconnecting' });
    assert.deepEqual(seen.closes, [{ code: 1000, reason: '', final: false }]);
    first.deliver('late');
    first.drop(1006);
    const second = await server.socket(1);
    second.accept();
    second.deliver('fresh');
    assert.deepEqual(seen.messages, ['fresh']);
    assert.equal(seen.closes.length, 1, 'the old socket’s own close is not reported');
  });

  it('stays down after a final close until reopen()', async () => {
    const server = fakeServer();
    const { l, seen } = link(server);
    const first = await server.socket(0);
    first.drop(4401, 'token expired');
    assert.deepEqual(seen.closes, [{ code: 4401, reason: 'token expired', final: true }]);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(server.sockets.length, 1, 'no retry after a final close');
    l.reopen();
    await server.socket(1);
  });

  it('retries with a growing delay when the params cannot be had', async () => {
    const server = fakeServer();
    let calls = 0;
    link(server, {
      params: async () => {
        if (++calls < 3) throw new Error('no token yet');
        return { token: 't' };
      },
    });
    await server.socket(0);
    assert.equal(calls, 3);
  });

  it('refuses to start without a WebSocket implementation', () => {
    const saved = globalThis.WebSocket;
    Reflect.deleteProperty(globalThis, 'WebSocket');
    try {
      assert.throws(
        () => link(fakeServer(), { WebSocket: undefined }),
        /pass the WebSocket option/,
      );
    } finally {
      if (saved) globalThis.WebSocket = saved;
    }
  });
});

const SECRET = 'test-secret-for-the-client-suite-0123456789';
const LONG = { timeoutMs: 30_000 };

describe('link: auth and close codes', () => {
  let server: TestServer;
  const clients: RealstreamClient[] = [];
  const token = (room: string, sub = 'ada', expiresIn: string = '1h') =>
    signToken(SECRET, { sub, name: sub, room, role: 'member' }, expiresIn);
  const open = (room: string, extra: Partial<ConnectOptions>) => {
    const link = flakyLink();
    const c = connect({
      host: server.host,
      room,
      WebSocket: link.WebSocket,
      reconnectDelayMs: { min: 100, max: 2000 },
      ...extra,
    });
    clients.push(c);
    return { c, link };
  };
  const state = (c: RealstreamClient, s: string) =>
    waitFor(`state ${s}`, () => c.$status.get().state === s, LONG);

  /**
   * A refusal must not turn into a reconnect loop. With reconnects 100 ms apart, a loop would show
   * several attempts in this window; this watches for them instead of sleeping on hope.
   */
  async function noMoreAttempts(link: { sockets: unknown[] }, c: RealstreamClient, n: number) {
    const deadline = Date.now() + 1500;
    while (Date.now() < deadline) {
      assert.equal(link.sockets.length, n, 'no new connection attempt');
      assert.equal(c.stats.connects, n);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  before(async () => {
    server = await startServer({
      vars: { REALSTREAM_SECRET: SECRET, REALSTREAM_MAX_CONNECTIONS: 2 },
    });
  });
  after(() => server.stop());
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  it('shows unauthorised without a token, and does not retry', async () => {
    const { c, link } = open('no-token', {});
    await state(c, 'unauthorised');
    const why = c.$status.get().reason;
    assert.equal(why?.code, 'token_missing');
    assert.match(
      why?.message ?? '',
      /token is required.*: the page must pass a token or getToken$/,
    );
    await noMoreAttempts(link, c, 1);
  });

  it('shows unauthorised for a token signed with another secret, and does not retry', async () => {
    const forged = await signToken('another-secret-of-at-least-32-characters!', {
      sub: 'eve',
      room: 'forged',
    });
    const { c, link } = open('forged', { token: forged });
    await state(c, 'unauthorised');
    const why = c.$status.get().reason;
    assert.equal(why?.code, 'token_signature');
    assert.match(why?.message ?? '', /^token signature does not verify .*must be replaced/);
    await noMoreAttempts(link, c, 1);
  });

  it('shows forbidden for a token of another room', async () => {
    const { c, link } = open('private', { token: await token('public') });
    await state(c, 'forbidden');
    assert.equal(c.$status.get().reason?.code, 'forbidden');
    assert.match(c.$status.get().reason?.message ?? '', /not valid for room private/);
    await noMoreAttempts(link, c, 1);
  });

  it('asks getToken again on every reconnect', async () => {
    let calls = 0;
    const getToken = () => (calls++, token('fresh'));
    const { c, link } = open('fresh', { getToken });
    await state(c, 'live');
    assert.equal(calls, 1);
    assert.equal(c.$status.get().user?.id, 'ada');
    link.current.terminate();
    await waitFor('resumed', () => c.stats.resumes === 1 && c.$status.get().state === 'live', LONG);
    assert.equal(calls, 2);
  });

  it('gets a new token and carries on when the old one expires while live', async () => {
    let calls = 0;
    const getToken = () => token('expiring', 'ada', ++calls === 1 ? '1s' : '1h');
    const seen: ClientEvent[] = [];
    const { c } = open('expiring', { getToken, pingIntervalMs: 300 });
    c.$events.listen((e) => e && seen.push(e));
    await state(c, 'live');
    // The next ping after expiry is refused with 4401: one retry with getToken's next token.
    await waitFor(
      'refused once, then live again',
      () => c.stats.resumes === 1 && c.$status.get().state === 'live',
      LONG,
    );
    assert.equal(calls, 2);
    assert.ok(seen.some((e) => e.type === 'closed' && e.code === 4401 && /expired/.test(e.reason)));
  });

  it('asks getToken once more for an expired token, then says getToken will be asked again', async () => {
    let calls = 0;
    const past = Math.floor(Date.now() / 1000) - 60;
    const expired = await signToken(SECRET, { sub: 'ada', room: 'stale' }, past);
    const { c, link } = open('stale', { getToken: () => (calls++, expired) });
    await state(c, 'unauthorised');
    assert.equal(calls, 2, 'one retry with the next token getToken gives');
    const why = c.$status.get().reason;
    assert.equal(why?.code, 'token_expired');
    assert.equal(why?.retrying, false);
    assert.equal(why?.message, 'token expired: getToken will be asked for a new one on reconnect');
    await noMoreAttempts(link, c, 2);
  });

  it('says a malformed token is malformed', async () => {
    const { c } = open('garbage', { token: 'not-a-jwt' });
    await state(c, 'unauthorised');
    assert.equal(c.$status.get().reason?.code, 'token_malformed');
    assert.match(c.$status.get().reason?.message ?? '', /^token malformed: /);
  });

  it('names the URL it cannot reach and how many attempts it made, and keeps trying', async () => {
    const port = await freePort(); // nothing listens there
    const c = connect({
      host: `127.0.0.1:${port}`,
      room: 'nowhere',
      name: 'Ada',
      WebSocket: flakyLink().WebSocket,
      reconnectDelayMs: { min: 50, max: 200 },
    });
    clients.push(c);
    await waitFor('two attempts refused', () => (c.$status.get().reason?.attempts ?? 0) >= 2, LONG);
    const why = c.$status.get().reason;
    assert.equal(c.$status.get().state, 'connecting');
    assert.equal(why?.code, 'unreachable');
    assert.equal(why?.retrying, true);
    assert.equal(why?.url, `ws://127.0.0.1:${port}/parties/main/nowhere`);
    assert.match(
      why?.message ?? '',
      new RegExp(
        `^cannot reach ws://127\\.0\\.0\\.1:${port}/parties/main/nowhere \\(\\d+ attempts\\): still retrying, with backoff$`,
      ),
    );
  });

  it('comes back from unauthorised when reconnected with a working token', async () => {
    let good = false;
    const getToken = () => (good ? token('second-try') : 'not-a-jwt');
    const { c } = open('second-try', { getToken });
    await state(c, 'unauthorised');
    good = true;
    c.reconnect();
    await state(c, 'live');
  });

  it('waits while the room is full, then gets in', async () => {
    const first = open('full', { token: await token('full', 'ann') }).c;
    const second = open('full', { token: await token('full', 'ben') }).c;
    await state(first, 'live');
    await state(second, 'live');
    const { c, link } = open('full', { token: await token('full', 'cat') });
    await waitFor('refused as full', () => c.$status.get().reason?.code === 'room_full', LONG);
    assert.match(
      c.$status.get().reason?.message ?? '',
      /^room is full \(2 connections\): retrying in \d+ s$/,
    );
    assert.equal(c.$status.get().state, 'connecting');
    first.close();
    await state(c, 'live');
    assert.ok(link.sockets.length >= 2);
  });
});
