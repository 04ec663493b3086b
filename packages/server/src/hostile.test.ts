// Hostile members and viewers against a real `partykit dev`: no participant can wedge, hijack,
// flood or fill a room for the others. One test per finding of the adversarial pass (issue 12).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { startServer, waitFor, type TestServer } from '@realstream/testing/harness';
import { eventsOf, openRaw, type RawSocket } from '@realstream/testing/raw-socket';
import { openWedged } from '@realstream/testing/wedged-socket';
import type { ToolSpec } from '@realstream/protocol';
import WebSocket from 'ws';
import { signToken } from './auth.js';

const SECRET = 'hostile-secret-that-is-long-enough-for-hs256!';
const BURST = 10;
const RATE_PER_SECOND = 5;
const PER_USER = 4;

type Role = 'viewer' | 'member' | 'operator';

describe('hostile participants (REALSTREAM_SECRET set)', () => {
  let server: TestServer;
  const token = (sub: string, role: Role, room: string, exp: string | number = '1h') =>
    signToken(SECRET, { sub, name: sub, room, role }, exp);
  const join = async (room: string, sub: string, role: Role) => {
    const sock = await openRaw(server, room, { token: await token(sub, role, room) });
    await sock.hello();
    return sock;
  };
  const post = async (room: string, text: string, auth: string) =>
    fetch(`${server.roomUrl(room)}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text, reply: false }),
    });

  before(async () => {
    server = await startServer({
      vars: {
        REALSTREAM_SECRET: SECRET,
        REALSTREAM_RATE_BURST: BURST,
        REALSTREAM_RATE_PER_SECOND: RATE_PER_SECOND,
        REALSTREAM_MAX_CONNECTIONS_PER_USER: PER_USER,
      },
    });
  });
  after(() => server.stop());

  /** A member's send is acked, a viewer who joined after the wedge sees it, and REST answers. */
  const roomStillWorks = async (room: string, label: string) => {
    const viewer = await join(room, `watcher-${label}`, 'viewer');
    const member = await join(room, `writer-${label}`, 'member');
    member.send({
      type: 'message.send',
      id: `m-${label}`,
      text: `still here ${label}`,
      reply: false,
    });
    await member.next('ack', (f) => f.id === `m-${label}`, 3000);
    await waitFor(
      `${label}: the viewer sees the message`,
      () => eventsOf(viewer.frames).some((f) => f.event.type === 'message.created'),
      { timeoutMs: 3000 },
    );
    const res = await post(room, `rest ${label}`, await token(`rest-${label}`, 'member', room));
    assert.equal(res.status, 201, `${label}: REST send answered`);
    viewer.close();
    member.close();
  };

  for (const [label, wedge] of [
    [
      'protocol mismatch (4400)',
      async (room: string) => {
        const w = await openWedged(server, room, { token: await token('w1', 'viewer', room) });
        w.send({ type: 'hello', protocol: 1, since: 0 });
        w.send({ type: 'hello', protocol: 2, since: 0 });
        return w;
      },
    ],
    [
      'flood (4429)',
      async (room: string) => {
        const w = await openWedged(server, room, { token: await token('w2', 'viewer', room) });
        w.send({ type: 'hello', protocol: 1, since: 0 });
        for (let i = 0; i < 200; i++) w.send({ type: 'ping', t: i });
        return w;
      },
    ],
    [
      'token expiry (4401)',
      async (room: string) => {
        const exp = Math.floor(Date.now() / 1000) + 2;
        const w = await openWedged(server, room, { token: await token('w3', 'viewer', room, exp) });
        w.send({ type: 'hello', protocol: 1, since: 0 });
        return w;
      },
    ],
  ] as const) {
    it(`keeps delivering while a socket closed for ${label} never finishes its close`, async () => {
      const room = `wedge-${label.split(' ')[0]}`;
      const before = await join(room, 'early', 'viewer');
      const w = await wedge(room);
      await waitFor(`the server closes the wedged socket (${label})`, () => w.closeCode(), {
        timeoutMs: 6000,
      });
      await roomStillWorks(room, label.split(' ')[0]!);
      assert.ok(
        eventsOf(before.frames).some((f) => f.event.type === 'message.created'),
        'a socket that joined before the wedge receives too',
      );
      w.destroy();
      before.close();
    });
  }

  const tool = (over: Partial<ToolSpec> = {}): ToolSpec => ({
    name: 'ops.restart',
    description: 'Restart a service (operators only)',
    inputSchema: { type: 'object', properties: { service: { type: 'string' } } },
    minRole: 'operator',
    requiresApproval: false,
    ...over,
  });

  it("does not let a member take over an operator's browser tool", async () => {
    const room = 'hijack';
    const operator = await join(room, 'olga', 'operator');
    operator.send({ type: 'tool.register', id: 'reg-op', tool: tool() });
    await operator.next('ack', (f) => f.id === 'reg-op');
    const member = await join(room, 'mallory', 'member');
    const rewrite = tool({ minRole: 'viewer', description: 'harmless', inputSchema: {} });
    member.send({ type: 'tool.register', id: 'reg-m1', tool: rewrite });
    assert.equal((await member.next('error', (f) => f.id === 'reg-m1')).code, 'conflict');
    member.send({ type: 'tool.register', id: 'reg-m2', tool: tool() });
    assert.equal(
      (await member.next('error', (f) => f.id === 'reg-m2')).code,
      'conflict',
      'not even the same definition: a member must not receive an operator tool’s calls',
    );
    const viewer = await join(room, 'victor', 'viewer');
    viewer.send({ type: 'tool.invoke', id: 'inv-v', name: 'ops.restart', args: { service: 'db' } });
    assert.equal((await viewer.next('error', (f) => f.id === 'inv-v')).code, 'forbidden');

    operator.close();
    await waitFor('the tool is unavailable', async () => {
      const res = await fetch(`${server.roomUrl(room)}/tools`, {
        headers: { authorization: `Bearer ${await token('olga', 'operator', room)}` },
      });
      const { tools } = (await res.json()) as { tools: { name: string; available: boolean }[] };
      return tools.find((t) => t.name === 'ops.restart')?.available === false;
    });
    member.send({ type: 'tool.register', id: 'reg-m3', tool: rewrite });
    assert.equal(
      (await member.next('error', (f) => f.id === 'reg-m3')).code,
      'conflict',
      'nor once its browser left',
    );
    const snapshot = await (await join(room, 'late', 'viewer')).next('snapshot');
    const listed = snapshot.tools.find((t) => t.name === 'ops.restart')!;
    assert.equal(listed.minRole, 'operator');
    assert.equal(listed.description, tool().description);
    assert.ok(!member.frames.some((f) => f.type === 'tool.run'), 'the member got no call');
    // The owner, back in a new tab, implements it again.
    const again = await join(room, 'olga', 'operator');
    again.send({ type: 'tool.register', id: 'reg-op2', tool: tool() });
    await again.next('ack', (f) => f.id === 'reg-op2');
    for (const s of [member, viewer, again]) s.close();
  });

  it('refuses a command id already used by another user or another kind of command', async () => {
    const room = 'ids';
    const mallory = await join(room, 'mallory', 'member');
    mallory.send({ type: 'tool.unregister', id: 'own-1', name: 'x' });
    await mallory.next('ack', (f) => f.id === 'own-1');
    // This used to recurse forever in the room and freeze it for everyone.
    mallory.send({ type: 'message.send', id: 'own-1', text: 'hi', reply: false });
    assert.equal((await mallory.next('error', (f) => f.id === 'own-1', 3000)).code, 'conflict');
    const victor = await join(room, 'victor', 'viewer');
    victor.send({ type: 'tool.invoke', id: 'own-1', name: 'no.such.tool', args: {} });
    assert.equal((await victor.next('error', (f) => f.id === 'own-1')).code, 'conflict');
    mallory.send({ type: 'message.send', id: 'm-own', text: 'mine', reply: false });
    await mallory.next('ack', (f) => f.id === 'm-own');
    const eve = await join(room, 'eve', 'member');
    eve.send({ type: 'message.send', id: 'm-own', text: 'also mine?', reply: false });
    assert.equal((await eve.next('error', (f) => f.id === 'm-own')).code, 'conflict');
    mallory.send({ type: 'message.send', id: 'm-own', text: 'mine', reply: false });
    const dup = await mallory.next('ack', (f) => f.id === 'm-own' && f.duplicate === true);
    assert.ok(dup.seq > 0, 'the author resending gets the duplicate ack');
    victor.send({ type: 'ping', t: 42 });
    await victor.next('pong', (f) => f.t === 42, 2000);
    for (const s of [mallory, victor, eve]) s.close();
  });

  it('refuses REST bodies nested deeper than a frame may be, before anything recurses', async () => {
    const room = 'deep-rest';
    const body = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const res = await fetch(`${server.roomUrl(room)}/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await token('ada', 'member', room)}`,
        'content-type': 'application/json',
      },
      body,
    });
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(error.code, 'invalid_frame');
    assert.match(error.message, /deeper than 64/);
  });

  it('refuses room names that have a percent-encoded twin, with one rule everywhere', async () => {
    for (const name of ['team:a', 'team a', 'ünï', '.hidden']) {
      const sock = await openRaw(server, name, { token: await token('ada', 'operator', '*') });
      const closed = await sock.closed;
      assert.equal(closed.code, 4400, `${name}: a final close`);
      assert.match(closed.reason, /room name/, `${name}: the reason names the rule`);
      const res = await post(name, 'hi', await token('ada', 'member', '*'));
      assert.equal(res.status, 400, name);
      assert.equal(((await res.json()) as any).error.code, 'invalid_room');
    }
    await assert.rejects(token('ada', 'member', 'team:a'), /room claim/);
    // A valid name with every allowed character works end to end, REST included.
    const ok = 'Team_a.b~c-1';
    const res = await post(ok, 'hi', await token('ada', 'member', ok));
    assert.equal(res.status, 201);
    const list = await fetch(`${server.roomUrl(ok)}/messages`, {
      headers: { authorization: `Bearer ${await token('ada', 'member', ok)}` },
    });
    assert.equal(((await list.json()) as any).messages.length, 1);
  });

  it('refuses registrations past its bounds before acking, and keeps a switch across a restart', async () => {
    const room = 'bounded';
    const bigSchema = (n: number) => ({
      type: 'object',
      description: 'x'.repeat(n),
      properties: { q: { type: 'string' } },
    });
    const operator = await join(room, 'olga', 'operator');
    operator.send({
      type: 'tool.register',
      id: 'huge',
      tool: tool({ name: 'big.one', inputSchema: bigSchema(60_000) }),
    });
    assert.equal((await operator.next('error', (f) => f.id === 'huge')).code, 'too_large');
    // 15 KB each: the room keeps 256 KiB of definitions in all, so some are refused, none lost.
    const acked: string[] = [];
    const conns: RawSocket[] = [];
    for (let i = 0; i < 24; i++) {
      // A user per eight, so the test stays within one user's frame allowance.
      const s = i % 8 === 0 ? await join(room, `olga-${i / 8}`, 'operator') : conns.at(-1)!;
      if (i % 8 === 0) conns.push(s);
      s.send({
        type: 'tool.register',
        id: `r-${i}`,
        tool: tool({ name: `many.t${i}`, inputSchema: bigSchema(15_000) }),
      });
      const answer = await Promise.race([
        s.next('ack', (f) => f.id === `r-${i}`).then(() => 'ack'),
        s.next('error', (f) => f.id === `r-${i}`).then((f) => f.code),
      ]);
      if (answer === 'ack') acked.push(`many.t${i}`);
      else assert.equal(answer, 'too_large');
    }
    assert.ok(acked.length >= 10 && acked.length < 24, `${acked.length} of 24 acked`);
    operator.send({ type: 'tool.toggle', id: 'off', name: acked[0]!, enabled: false });
    await operator.next('ack', (f) => f.id === 'off');
    await server.restart();
    const res = await fetch(`${server.roomUrl(room)}/tools`, {
      headers: { authorization: `Bearer ${await token('olga', 'operator', room)}` },
    });
    const { tools } = (await res.json()) as { tools: { name: string; enabled: boolean }[] };
    for (const name of acked)
      assert.ok(
        tools.some((t) => t.name === name),
        `${name} kept`,
      );
    assert.equal(tools.find((t) => t.name === acked[0])?.enabled, false, 'the switch survived');
  });

  it('closes a socket and an event stream at their token’s expiry, without any frame from them', async () => {
    const room = 'expiry';
    const exp = Math.floor(Date.now() / 1000) + 2;
    const sock = await openRaw(server, room, { token: await token('eve', 'viewer', room, exp) });
    await sock.hello();
    const stream = await fetch(`${server.roomUrl(room)}/events`, {
      headers: { authorization: `Bearer ${await token('eve', 'viewer', room, exp)}` },
    });
    assert.equal(stream.status, 200);
    const reader = stream.body!.getReader();
    let text = '';
    const readAll = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })();
    const closed = await sock.closed;
    assert.equal(closed.code, 4401);
    assert.equal(closed.reason, 'token expired');
    await readAll;
    assert.match(
      text,
      /event: error\ndata: .*"code":"unauthorised"/,
      'the stream says why it ends',
    );
    // Sent after the expiry: neither received it.
    const res = await post(room, 'after expiry', await token('ada', 'member', room));
    assert.equal(res.status, 201);
    assert.ok(!sock.frames.some((f) => JSON.stringify(f).includes('after expiry')));
    assert.ok(!text.includes('after expiry'));
  });

  it('makes a flooder wait before it may connect again, and logs a flood in a few lines', async () => {
    const room = 'flood';
    const logBefore = statSync(server.logFile).size;
    const auth = await token('fred', 'member', room);
    const s = await openRaw(server, room, { token: auth });
    const floodStarted = Date.now();
    s.send({ type: 'hello', protocol: 1, since: 0 });
    for (let i = 0; i < 120; i++) s.send({ type: 'ping', t: i });
    assert.equal((await s.closed).code, 4429, 'closed for flooding');
    // One burst, plus what the bucket refilled while the flood was arriving (a loaded machine
    // reads 121 frames over a few hundred milliseconds), and not one frame more.
    const refilled = Math.ceil(((Date.now() - floodStarted) / 1000) * RATE_PER_SECOND);
    const pongs = s.frames.filter((f) => f.type === 'pong').length;
    assert.ok(
      pongs <= BURST + refilled,
      `${pongs} pongs: no more than one burst (${BURST}) and its refill (${refilled}) got through`,
    );
    // Reconnecting at once gets no socket to send frames on: the upgrade is refused, slowly.
    const started = Date.now();
    const again = await new Promise<{ status: number; retryAfter: string }>((resolve, reject) => {
      const ws = new WebSocket(`ws://${server.host}/parties/main/${room}?token=${auth}`);
      ws.on('unexpected-response', (_req, res) => {
        resolve({ status: res.statusCode ?? 0, retryAfter: String(res.headers['retry-after']) });
        ws.terminate();
      });
      ws.on('open', () => reject(new Error('a socket was opened')));
      ws.on('error', () => {});
    });
    assert.equal(again.status, 429);
    assert.ok(Number(again.retryAfter) >= 1, 'it says how long to wait');
    assert.ok(Date.now() - started >= 1000, 'the refusal takes its time');
    const added = readFileSync(server.logFile).subarray(logBefore).toString();
    const lines = added.split('\n').filter((l) => l.includes('flooding'));
    assert.ok(lines.length <= 2, `${lines.length} log lines about the flood`);
    // Another user in the room is not held back by it.
    const other = await join(room, 'nina', 'member');
    other.send({ type: 'ping', t: 1 });
    await other.next('pong', undefined, 2000);
    other.close();
  });

  it('closes a flooder whose frames the room reads slowly, though some get through between', async () => {
    const room = 'slow-flood';
    const s = await openRaw(server, room, { token: await token('sly', 'member', room) });
    await s.hello();
    // One frame every 120 ms: the socket's bucket (5/s) lets some through, never 50 refused in a row.
    let i = 0;
    const timer = setInterval(() => {
      for (let k = 0; k < 2; k++) s.send({ type: 'ping', t: i++ });
    }, 120);
    try {
      const closed = await Promise.race([
        s.closed,
        new Promise<null>((r) => setTimeout(() => r(null), 15_000)),
      ]);
      assert.equal(closed?.code, 4429, 'closed for flooding within the window');
    } finally {
      clearInterval(timer);
    }
  });

  it('caps sockets per user and closes sockets that never say hello', async () => {
    const room = 'crowd';
    const t = await token('hog', 'viewer', room);
    const held = await Promise.all(
      Array.from({ length: PER_USER }, () => openRaw(server, room, { token: t })),
    );
    for (const s of held) await s.hello();
    const extra = await openRaw(server, room, { token: t });
    extra.send({ type: 'hello', protocol: 1, since: 0 }); // a refusal is closed at the first frame
    const closed = await extra.closed;
    assert.equal(closed.code, 4408);
    assert.match(closed.reason, /most one user may/);
    await (await join(room, 'someone-else', 'viewer')).close();
    const silent = await openRaw(server, room, { token: await token('mute', 'viewer', room) });
    const started = Date.now();
    // Its close frame comes at the hello deadline. A hibernating room's runtime may then keep the
    // TCP connection of a socket that never sent a frame until the client gives up on it (30 s in
    // `ws`; seen under wrangler dev and partykit dev), so the client is done once the frame is in.
    await waitFor('the close frame', () => silent.ws.readyState >= silent.ws.CLOSING, {
      timeoutMs: 8000,
    });
    assert.ok(Date.now() - started < 8000, 'closed within a few seconds');
    silent.ws.terminate();
    assert.equal((await silent.closed).code, 4408);
    for (const s of held) s.close();
  });

  it('gives the deployment view only to `*` and `deployment` claims, not to prefixes', async () => {
    const view = async (claim: string) =>
      (
        await fetch(`${server.url}/parties/ops/deployment`, {
          headers: { authorization: `Bearer ${await token('op', 'operator', claim)}` },
        })
      ).status;
    assert.equal(await view('d*'), 403);
    assert.equal(await view('dep*'), 403);
    assert.equal(await view('*'), 200);
    assert.equal(await view('deployment'), 200);
    const sock = await openRaw(server, 'deployment', {
      party: 'ops',
      token: await token('op', 'operator', 'd*'),
    });
    assert.equal((await sock.closed).code, 4403);
  });
});

describe('an event stream whose reader stopped reading', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      persist: false,
      vars: { REALSTREAM_MAX_MESSAGE_CHARS: 50_000, REALSTREAM_MAX_FRAME_BYTES: 100_000 },
    });
  });
  after(() => server.stop());

  it('is ended with a too_large error once it is 4 MiB behind, instead of growing the room', async () => {
    const tcp = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => tcp.once('connect', resolve));
    tcp.write('GET /parties/main/backlog/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    tcp.pause(); // reads nothing: the kernel's buffers fill, then the room's queue
    const text = 'x'.repeat(50_000);
    for (let i = 0; i < 400; i++) {
      const res = await fetch(`${server.roomUrl('backlog')}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text, reply: false }),
      });
      assert.equal(res.status, 201);
    }
    let got = '';
    tcp.on('data', (chunk) => (got += chunk));
    tcp.resume();
    await waitFor('the end of the stream', () => /event: error\ndata: .*\n\n/.test(got), {
      timeoutMs: 10_000,
    });
    assert.match(got, /event: error\ndata: \{"code":"too_large"/);
    assert.ok(got.length < 400 * 50_000, 'it ended before the whole log was sent');
    tcp.destroy();
  });
});
