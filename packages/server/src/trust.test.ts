// Trust boundaries against a real `partykit dev`: JWT auth, roles, origins, caps and floods.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, waitFor, type TestServer } from '@realstream/testing/harness';
import { openRaw } from '@realstream/testing/raw-socket';
import { signToken } from './auth.js';

const SECRET = 'test-secret-that-is-long-enough-for-hs256!';

describe('auth and limits (REALSTREAM_SECRET set)', () => {
  let server: TestServer;
  const token = (
    claims: { sub?: string; room?: string; role?: 'viewer' | 'member' | 'operator' },
    exp: string | number = '1h',
  ) =>
    signToken(
      SECRET,
      { sub: claims.sub ?? 'u1', name: 'Ada', room: claims.room ?? 'secure', role: claims.role },
      exp,
    );

  before(async () => {
    server = await startServer({
      persist: false,
      vars: {
        REALSTREAM_SECRET: SECRET,
        REALSTREAM_ALLOWED_ORIGINS: 'https://host.example',
        REALSTREAM_MAX_CONNECTIONS: 3,
        REALSTREAM_RATE_BURST: 5,
        REALSTREAM_RATE_PER_SECOND: 1,
      },
    });
  });
  after(() => server.stop());

  it('closes a socket without a valid token with 4401, before the room', async () => {
    for (const bad of [
      undefined,
      'not-a-jwt',
      await signToken('another-secret-that-is-long-enough!!', { sub: 'x', room: 'secure' }),
    ]) {
      const sock = await openRaw(server, 'secure', { token: bad });
      const closed = await sock.closed;
      assert.equal(closed.code, 4401);
      assert.ok(closed.reason.length > 0, 'the reason is given');
    }
    const expired = await openRaw(server, 'secure', {
      token: await token({}, Math.floor(Date.now() / 1000) - 60),
    });
    assert.deepEqual(await expired.closed, { code: 4401, reason: 'token expired' });
  });

  it('closes with 4403 for a token of another room, accepts a prefix claim', async () => {
    const wrong = await openRaw(server, 'secure', { token: await token({ room: 'other' }) });
    assert.equal((await wrong.closed).code, 4403);
    const prefixed = await openRaw(server, 'team-a', { token: await token({ room: 'team-*' }) });
    const welcome = await prefixed.hello();
    assert.equal(welcome.user.id, 'u1');
    assert.equal(welcome.devMode, false);
    prefixed.close();
  });

  it('checks the role per command: a viewer reads but cannot send', async () => {
    const viewer = await openRaw(server, 'secure', {
      token: await token({ sub: 'v1', role: 'viewer' }),
    });
    const welcome = await viewer.hello();
    assert.equal(welcome.user.role, 'viewer');
    viewer.send({ type: 'message.send', id: 'v-1', text: 'hi' });
    const err = await viewer.next('error', (f) => f.id === 'v-1');
    assert.equal(err.code, 'forbidden');
    viewer.close();
  });

  it('refuses sockets from origins not allowed with 4403, and CORS-checks HTTP', async () => {
    const evil = await openRaw(server, 'secure', {
      token: await token({}),
      origin: 'https://evil.example',
    });
    // The reason is what the page shows: which origin, and which variable lets it in.
    assert.deepEqual(await evil.closed, {
      code: 4403,
      reason: 'origin https://evil.example is not allowed: add it to REALSTREAM_ALLOWED_ORIGINS',
    });
    const res = await fetch(server.roomUrl('secure'), {
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(res.status, 403);
    const body = (await res.json()) as any;
    assert.equal(body.error.code, 'origin_not_allowed');
    assert.match(body.error.message, /origin https:\/\/evil\.example .*REALSTREAM_ALLOWED_ORIGINS/);
    const ok = await fetch(server.roomUrl('secure'), {
      headers: { origin: 'https://host.example', authorization: `Bearer ${await token({})}` },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://host.example');
    const preflight = await fetch(`${server.roomUrl('secure')}/messages`, {
      method: 'OPTIONS',
      headers: { origin: 'https://host.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /idempotency-key/);
  });

  it('answers HTTP without a token 401 and with a viewer token on POST 403, as JSON', async () => {
    const anon = await fetch(`${server.roomUrl('secure')}/messages`);
    assert.equal(anon.status, 401);
    assert.equal(((await anon.json()) as any).error.code, 'unauthorised');
    const viewer = await fetch(`${server.roomUrl('secure')}/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await token({ role: 'viewer' })}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ text: 'hi' }),
    });
    assert.equal(viewer.status, 403);
    assert.equal(((await viewer.json()) as any).error.code, 'forbidden');
  });

  /** Requests refused before their body is read: at the edge, and in the room. */
  const refusals = async () => {
    const room = server.roomUrl('secure');
    const member = `authorization: Bearer ${await token({ role: 'member' })}\r\n`;
    return [
      {
        who: 'no token, at the edge',
        auth: '',
        refused: ['POST', `${room}/messages`, 401],
        then: [`${room}/messages`, 401],
      },
      {
        who: 'a member switching a tool, in the room',
        auth: member,
        refused: ['PATCH', `${room}/tools/text.stats`, 403],
        then: [`${room}/tools`, 200],
      },
    ] as const;
  };
  const request = (method: string, url: string, auth: string, length?: number) => {
    const { host, pathname } = new URL(url);
    const body =
      length === undefined ? '' : `content-type: application/json\r\ncontent-length: ${length}\r\n`;
    return `${method} ${pathname} HTTP/1.1\r\nhost: ${host}\r\n${auth}${body}\r\n`;
  };
  const rawSocket = async () => {
    const socket = connect(server.port, '127.0.0.1');
    const state = { received: '', closed: false };
    socket.on('data', (chunk) => (state.received += chunk));
    socket.on('close', () => (state.closed = true));
    await new Promise((resolve) => socket.on('connect', resolve));
    const statuses = () => [...state.received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => +m[1]);
    return { socket, state, statuses };
  };

  it('keeps a keep-alive connection open after refusing a request whose body comes late', async () => {
    // A refusal sent before the body was read used to close the connection after it, and a client
    // reusing it for its next request got "other side closed".
    const body = JSON.stringify({ enabled: false });
    for (const { who, auth, refused, then } of await refusals()) {
      const { socket, state, statuses } = await rawSocket();
      socket.write(request(refused[0], refused[1], auth, body.length));
      await sleep(150);
      socket.write(body);
      await sleep(150);
      socket.write(request('GET', then[0], auth));
      await waitFor('two answers or a close', () => statuses().length >= 2 || state.closed);
      socket.destroy();
      assert.deepEqual(
        statuses(),
        [refused[2], then[1]],
        `${who}: both answered on one connection`,
      );
    }
  });

  it('still refuses a request whose body never comes', async () => {
    for (const { who, auth, refused } of await refusals()) {
      const { socket, statuses } = await rawSocket();
      socket.write(request(refused[0], refused[1], auth, 100));
      await waitFor(`${who}: an answer`, () => statuses().length > 0);
      socket.destroy();
      assert.deepEqual(statuses(), [refused[2]], who);
    }
  });

  it('rate-limits a flooding connection, then closes it with 4429', async () => {
    const sock = await openRaw(server, 'flood', { token: await token({ room: 'flood' }) });
    await sock.hello();
    const floodStarted = Date.now();
    for (let i = 0; i < 80; i++)
      sock.send(
        i === 20 ? { type: 'message.stop', id: 'stop-20', messageId: 'm' } : { type: 'ping', t: i },
      );
    const closed = await sock.closed;
    assert.equal(closed.code, 4429);
    const limited = sock.frames.filter((f) => f.type === 'error' && f.code === 'rate_limited');
    assert.ok(limited.length > 0, 'rate_limited errors come before the close');
    assert.ok((limited[0] as any).retryAfterMs > 0);
    assert.ok(
      limited.some((f) => (f as any).id === 'stop-20'),
      'a refused command is named, so the client resends it when told',
    );
    // The burst (5), plus what the bucket refilled (1 a second) while the flood arrived.
    const refilled = Math.ceil((Date.now() - floodStarted) / 1000);
    const pongs = sock.frames.filter((f) => f.type === 'pong').length;
    assert.ok(pongs <= 5 + refilled, `${pongs} pongs: no more than the burst and its refill`);
  });

  it('closes connections past the room cap with 4408', async () => {
    const t = await token({ room: 'full' });
    const socks = await Promise.all([1, 2, 3].map(() => openRaw(server, 'full', { token: t })));
    for (const s of socks) await s.hello();
    const extra = await openRaw(server, 'full', { token: t });
    extra.send({ type: 'hello', protocol: 1, since: 0 }); // a refusal is closed at the first frame
    assert.equal((await extra.closed).code, 4408);
    for (const s of socks) s.close();
  });
});

describe('a deployment whose variables are invalid', () => {
  let server: TestServer;
  before(async () => {
    // What the start scripts refuse; a deployment can still get there by editing its variables.
    server = await startServer({
      persist: false,
      vars: { REALSTREAM_ALLOWED_ORIGINS: 'https://host.example/app' },
    });
  });
  after(() => server.stop());

  it('names the variable to HTTP requests and sockets alike, and the client stays down', async () => {
    const res = await fetch(server.roomUrl('lobby'));
    assert.equal(res.status, 500);
    const body = (await res.json()) as any;
    assert.equal(body.error.code, 'server_misconfigured');
    assert.match(
      body.error.message,
      /^REALSTREAM_ALLOWED_ORIGINS: "https:\/\/host\.example\/app" has the path/,
    );
    const sock = await openRaw(server, 'lobby', {});
    const closed = await sock.closed;
    assert.equal(closed.code, 4500);
    assert.match(closed.reason, /^server misconfigured: REALSTREAM_ALLOWED_ORIGINS: /);
  });
});
