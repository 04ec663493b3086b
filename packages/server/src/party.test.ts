// The room as a client sees it, against a real `partykit dev` (workerd).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, waitFor, type TestServer } from '@realstream/testing/harness';
import { eventsOf, openRaw } from '@realstream/testing/raw-socket';
import {
  HEARTBEAT_PING,
  HEARTBEAT_PONG,
  type EventFrame,
  type MessagePage,
} from '@realstream/protocol';
import { MAX_DELTA_CHARS } from './replies.js';

const FAST = { REALSTREAM_DEMO_TOKENS_PER_SECOND: 400, REALSTREAM_DEMO_REPLY_TOKENS: 120 };

async function post(
  server: TestServer,
  room: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${server.roomUrl(room)}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function history(server: TestServer, room: string, query = ''): Promise<MessagePage> {
  const res = await fetch(`${server.roomUrl(room)}/messages${query}`);
  assert.equal(res.status, 200);
  return (await res.json()) as MessagePage;
}

/** Rebuilds a transcript from events the way any client must: deltas by offset, completion wins. */
function transcript(events: EventFrame[]): Map<string, string> {
  const text = new Map<string, string>();
  for (const { event } of events) {
    if (event.type === 'message.created') text.set(event.message.id, event.message.text);
    else if (event.type === 'message.delta') {
      const have = text.get(event.messageId) ?? '';
      assert.equal(event.offset, have.length, 'deltas arrive gapless and in order');
      text.set(event.messageId, have + event.text);
    } else if (event.type === 'message.completed' || event.type === 'message.failed')
      text.set(event.messageId, event.text);
  }
  return text;
}

describe('room over WebSocket, REST and SSE (dev mode)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ vars: { ...FAST, REALSTREAM_SSE_HEARTBEAT_MS: 200 } });
  });
  after(() => server.stop());

  it("answers a client's close frame, so the client's socket closes cleanly at once", async () => {
    const sock = await openRaw(server, 'closing');
    await sock.hello();
    sock.close();
    // Unanswered, ws gives up after its close timeout (~20 s) with 1006.
    assert.equal((await sock.closed).code, 1000);
  });

  it('answers the heartbeat ping with the heartbeat pong; on partyserver without the room', async () => {
    const sock = await openRaw(server, 'heartbeat', { name: 'Ada' });
    const raw: string[] = [];
    sock.ws.on('message', (data) => raw.push(String(data)));
    sock.send(HEARTBEAT_PING);
    if (server.engine === 'wrangler') {
      // The runtime's auto-response answers before the room has even seen a hello: proof the
      // room's code did not run, so a hibernating room is not woken by heartbeats.
      await waitFor('the auto-response pong', () => raw.includes(HEARTBEAT_PONG));
      assert.ok(!sock.frames.some((f) => f.type === 'error'), 'the room never saw that ping');
    } else {
      // PartyKit gives no access to auto-responses: the room itself answers, and wants a hello.
      await sock.next('error', (f) => f.code === 'hello_required');
    }
    await sock.hello();
    const before = raw.filter((r) => r === HEARTBEAT_PONG).length;
    sock.send(HEARTBEAT_PING);
    await waitFor(
      'a pong after hello',
      () => raw.filter((r) => r === HEARTBEAT_PONG).length > before,
    );
    sock.close();
  });

  it('says open dev mode once, however many rooms start', async () => {
    for (const room of ['dev-warn-a', 'dev-warn-b', 'dev-warn-c']) {
      const sock = await openRaw(server, room);
      await sock.hello();
      sock.close();
    }
    // Each room logged its start before it answered hello; the log file may lag behind workerd's
    // output a little, so give a repeat time to show up once the first line has.
    await waitFor('the dev-mode warning in the log', async () =>
      readFileSync(server.logFile, 'utf8').includes('open dev mode'),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const log = readFileSync(server.logFile, 'utf8');
    assert.equal(log.split('REALSTREAM_SECRET is not set: open dev mode').length - 1, 1);
  });

  it('streams a reply to everyone in the room with gapless seqs and offsets', async () => {
    const a = await openRaw(server, 'stream', { name: 'Ada' });
    const b = await openRaw(server, 'stream', { name: 'Bob' });
    await a.hello();
    await b.hello();
    a.send({ type: 'message.send', id: 'hello-1', text: 'Explain resumable streams' });
    const ack = await a.next('ack', (f) => f.id === 'hello-1');
    const done = await b
      .next('event', (f) => f.event.type === 'message.completed', 15_000)
      .catch(async () => {
        return waitFor('completion in a batch', () =>
          eventsOf(b.frames).find((f) => f.event.type === 'message.completed'),
        );
      });
    assert.ok(done);
    for (const sock of [a, b]) {
      const events = eventsOf(sock.frames);
      const seqs = events.map((e) => e.seq);
      for (let i = 1; i < seqs.length; i++)
        assert.equal(seqs[i], seqs[i - 1] + 1, 'seqs are consecutive');
      const created = events.find(
        (e) => e.event.type === 'message.created' && e.event.message.id === 'hello-1',
      );
      assert.equal(created?.seq, ack.seq, 'ack names the seq of the event it produced');
    }
    const page = await history(server, 'stream');
    const reply = page.messages.find((m) => m.replyTo === 'hello-1')!;
    assert.equal(reply.status, 'complete');
    assert.equal(transcript(eventsOf(b.frames)).get(reply.id), reply.text);
    assert.match(reply.text, /Demo responder/);
    a.close();
    b.close();
  });

  it('applies a resent message.send once and acks it as a duplicate', async () => {
    const a = await openRaw(server, 'idem', { uid: 'idem-user' });
    await a.hello();
    a.send({ type: 'message.send', id: 'dup-1', text: 'once', reply: false });
    const first = await a.next('ack', (f) => f.id === 'dup-1');
    a.close();
    const b = await openRaw(server, 'idem', { uid: 'idem-user' });
    await b.hello(first.seq);
    b.send({ type: 'message.send', id: 'dup-1', text: 'once', reply: false });
    const second = await b.next('ack', (f) => f.id === 'dup-1');
    assert.equal(second.seq, first.seq);
    assert.equal(second.duplicate, true);
    b.send({ type: 'message.send', id: 'dup-1', text: 'other text', reply: false });
    assert.equal((await b.next('error', (f) => f.id === 'dup-1')).code, 'idempotency_mismatch');
    const page = await history(server, 'idem');
    assert.equal(page.messages.filter((m) => m.id === 'dup-1').length, 1);
    b.close();
  });

  it('replays missed events from the ring, or sends a snapshot to a fresh client', async () => {
    const a = await openRaw(server, 'resume');
    await a.hello();
    a.send({ type: 'message.send', id: 'r-1', text: 'first', reply: false });
    const ack = await a.next('ack');
    a.close();
    await post(server, 'resume', { text: 'second', reply: false }, { 'idempotency-key': 'r-2' });
    const back = await openRaw(server, 'resume');
    const welcome = await back.hello(ack.seq);
    assert.equal(welcome.resume, 'replay');
    await waitFor('the missed message', () =>
      eventsOf(back.frames).find(
        (e) => e.event.type === 'message.created' && e.event.message.id === 'r-2',
      ),
    );
    assert.ok(
      eventsOf(back.frames).every((e) => e.seq > ack.seq),
      'nothing at or before since is replayed',
    );
    const fresh = await openRaw(server, 'resume');
    assert.equal((await fresh.hello(0)).resume, 'snapshot');
    const snap = await fresh.next('snapshot');
    assert.deepEqual(
      snap.messages.map((m) => m.id),
      ['r-1', 'r-2'],
    );
    back.close();
    fresh.close();
  });

  it('stops a reply on request and keeps what was streamed', async () => {
    const a = await openRaw(server, 'stop');
    await a.hello();
    a.send({ type: 'message.send', id: 'long-1', text: 'tell me everything' });
    const created = await waitFor('the reply to start streaming', () =>
      eventsOf(a.frames).find((e) => e.event.type === 'message.delta'),
    );
    const messageId = (created.event as { messageId: string }).messageId;
    a.send({ type: 'message.stop', id: 'stop-1', messageId });
    const ack = await a.next('ack', (f) => f.id === 'stop-1');
    const completed = await waitFor('the stopped completion', () =>
      eventsOf(a.frames).find((e) => e.seq === ack.seq),
    );
    assert.equal(completed.event.type, 'message.completed');
    const stored = (await history(server, 'stop')).messages.find((m) => m.id === messageId)!;
    assert.equal(stored.status, 'stopped');
    assert.ok(stored.text.length > 0, 'partial text is kept');
    assert.equal(transcript(eventsOf(a.frames)).get(messageId), stored.text);
    a.send({ type: 'message.stop', id: 'stop-2', messageId });
    const late = await a.next('error', (f) => f.id === 'stop-2');
    assert.equal(late.code, 'conflict');
    a.close();
  });

  it('answers every bad frame with a typed error and changes nothing', async () => {
    const a = await openRaw(server, 'bad');
    a.send({ type: 'message.send', id: 'early', text: 'before hello' });
    assert.equal((await a.next('error', (f) => f.id === 'early')).code, 'hello_required');
    const welcome = await a.hello();
    const cases: [string, string][] = [
      ['not json', 'bad_json'],
      ['[1,2]', 'invalid_frame'],
      [JSON.stringify({ type: 'nope', id: 'x1' }), 'unknown_type'],
      [JSON.stringify({ type: 'message.send', id: 'has space', text: 'x' }), 'invalid_frame'],
      [JSON.stringify({ type: 'message.send', id: 'x2', text: '' }), 'invalid_frame'],
      [
        JSON.stringify({ type: 'message.send', id: 'x3', text: 'x'.repeat(8001) }),
        'message_too_long',
      ],
      [JSON.stringify({ type: 'message.stop', id: 'x4', messageId: 'missing' }), 'not_found'],
      [JSON.stringify({ type: 'hello', protocol: 1, since: 0 }), 'conflict'],
      ['x'.repeat(70_000), 'too_large'],
    ];
    for (const [raw] of cases) a.send(raw);
    await waitFor(
      'an error for each bad frame',
      () => a.frames.filter((f) => f.type === 'error').length >= cases.length + 1,
    );
    const codes = a.frames
      .filter((f) => f.type === 'error')
      .slice(1)
      .map((f) => (f as { code: string }).code);
    assert.deepEqual(
      codes,
      cases.map(([, code]) => code),
    );
    const info = (await (await fetch(server.roomUrl('bad'))).json()) as { seq: number };
    assert.equal(info.seq, welcome.seq + 1, 'only the presence join was logged');
    a.close();
  });

  it('refuses another protocol version with a clear error and close 4400', async () => {
    const a = await openRaw(server, 'proto');
    a.send({ type: 'hello', protocol: 99, since: 0 });
    const err = await a.next('error');
    assert.equal(err.code, 'protocol_mismatch');
    assert.match(err.message, /server speaks protocol 1, client spoke 99/);
    const closed = await a.closed;
    assert.equal(closed.code, 4400);
    // The client reads both versions from the reason to say what to upgrade.
    assert.equal(closed.reason, 'protocol mismatch: server speaks 1, client spoke 99');
  });

  it('sends presence joins and leaves as events, typing as ephemeral notices', async () => {
    const a = await openRaw(server, 'presence', { name: 'Ada', uid: 'u-ada' });
    await a.hello();
    const b = await openRaw(server, 'presence', { name: 'Bob', uid: 'u-bob' });
    await b.hello();
    await waitFor('Bob joined', () =>
      eventsOf(a.frames).find(
        (e) => e.event.type === 'presence.joined' && e.event.user.name === 'Bob',
      ),
    );
    b.send({ type: 'typing', typing: true });
    const notice = await a.next('typing');
    assert.equal(notice.user.name, 'Bob');
    assert.ok(!('seq' in notice), 'typing carries no seq');
    b.close();
    await waitFor('Bob left', () =>
      eventsOf(a.frames).find(
        (e) => e.event.type === 'presence.left' && e.event.userId === 'u-bob',
      ),
    );
    a.close();
  });

  it('keeps a reconnected socket that reuses its connection id when the old close arrives late', async () => {
    const old = await openRaw(server, 'same-id', {
      name: 'Ada',
      uid: 'u-ada',
      connectionId: 'conn-1',
    });
    await old.hello();
    const fresh = await openRaw(server, 'same-id', {
      name: 'Ada',
      uid: 'u-ada',
      connectionId: 'conn-1',
    });
    await fresh.hello();
    old.close();
    await old.closed;
    const sent = await post(server, 'same-id', { text: 'still here?', reply: false });
    await waitFor('the new socket to get the event', () =>
      eventsOf(fresh.frames).find((e) => e.seq === sent.body.seq),
    );
    const info = (await (await fetch(server.roomUrl('same-id'))).json()) as any;
    assert.equal(info.connections, 1);
    assert.deepEqual(
      info.presence.map((u: { id: string }) => u.id),
      ['u-ada'],
    );
    fresh.close();
    await waitFor(
      'presence to empty',
      async () =>
        ((await (await fetch(server.roomUrl('same-id'))).json()) as any).presence.length === 0,
    );
  });

  it('pages history by seq cursor, stable while new messages arrive', async () => {
    for (let i = 1; i <= 5; i++) {
      const r = await post(
        server,
        'pages',
        { text: `m${i}`, reply: false },
        { 'idempotency-key': `p-${i}` },
      );
      assert.equal(r.status, 201);
    }
    const newest = await history(server, 'pages', '?limit=2');
    assert.deepEqual(
      newest.messages.map((m) => m.text),
      ['m4', 'm5'],
    );
    await post(server, 'pages', { text: 'm6', reply: false });
    const older = await history(server, 'pages', `?limit=2&before=${newest.nextBefore}`);
    assert.deepEqual(
      older.messages.map((m) => m.text),
      ['m2', 'm3'],
    );
    const oldest = await history(server, 'pages', `?limit=2&before=${older.nextBefore}`);
    assert.deepEqual(
      oldest.messages.map((m) => m.text),
      ['m1'],
    );
    assert.equal(oldest.nextBefore, null);
    const dup = await post(
      server,
      'pages',
      { text: 'm1', reply: false },
      { 'idempotency-key': 'p-1' },
    );
    assert.equal(dup.status, 200);
    assert.equal(dup.body.duplicate, true);
    // The same key with another body is not that message: 422 from its author, 409 (the key is
    // taken) from anyone else, here a dev-mode guest without a uid; nothing is posted either way.
    const as = (uid: string | null, text: string) =>
      fetch(`${server.roomUrl('pages')}/messages${uid ? `?uid=${uid}` : ''}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'p-uid' },
        body: JSON.stringify({ text, reply: false }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    assert.equal((await as('ann', 'first')).status, 201);
    assert.equal((await as('ann', 'first')).status, 200);
    const other = await as('ann', 'not m1');
    assert.equal(other.status, 422);
    assert.equal(other.body.error.code, 'idempotency_mismatch');
    assert.equal((await as(null, 'not m1')).status, 409);
    const after = await history(server, 'pages');
    assert.ok(!after.messages.some((m) => m.text === 'not m1'));
  });

  it('rejects bad REST input with typed JSON errors', async () => {
    const cases: [Promise<{ status: number; body: any }>, number, string][] = [
      [post(server, 'rest', 'nope'), 400, 'bad_json'],
      [post(server, 'rest', { text: 42 }), 400, 'invalid_frame'],
      [post(server, 'rest', { text: 'x' }, { 'idempotency-key': 'bad key' }), 400, 'invalid_frame'],
      [post(server, 'rest', { text: 'x'.repeat(70_000) }), 413, 'too_large'],
      [
        fetch(`${server.roomUrl('rest')}/messages?limit=0`).then(async (r) => ({
          status: r.status,
          body: await r.json(),
        })),
        400,
        'invalid_frame',
      ],
      [
        fetch(`${server.roomUrl('rest')}/nope`).then(async (r) => ({
          status: r.status,
          body: await r.json(),
        })),
        404,
        'not_found',
      ],
      [
        fetch(`${server.roomUrl('rest')}/messages`, { method: 'DELETE' }).then(async (r) => ({
          status: r.status,
          body: await r.json(),
        })),
        405,
        'method_not_allowed',
      ],
    ];
    for (const [res, status, code] of cases) {
      const { status: got, body } = await res;
      assert.equal(got, status, `status for ${code}`);
      assert.equal(body.error.code, code);
      assert.equal(typeof body.error.message, 'string');
    }
    assert.equal((await history(server, 'rest')).messages.length, 0, 'nothing was created');
  });

  it('mirrors the log over SSE with ids, retry, heartbeats and Last-Event-ID resume', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.roomUrl('sse')}/events`, { signal: controller.signal });
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    let text = '';
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })().catch(() => {});
    const sent = await post(
      server,
      'sse',
      { text: 'over sse', reply: false },
      { 'idempotency-key': 'sse-1' },
    );
    await waitFor('the event on the stream', () => text.includes(`id: ${sent.body.seq}\n`));
    await waitFor('a heartbeat comment', () => text.includes(': keep-alive'));
    assert.match(text, /^retry: \d+/);
    assert.match(text, /"type":"snapshot"/);
    controller.abort();
    await pump;
    await post(server, 'sse', { text: 'missed', reply: false }, { 'idempotency-key': 'sse-2' });
    const again = new AbortController();
    const resumed = await fetch(`${server.roomUrl('sse')}/events`, {
      signal: again.signal,
      headers: { 'last-event-id': String(sent.body.seq) },
    });
    const r2 = resumed.body!.getReader();
    let text2 = '';
    await waitFor('the missed event', async () => {
      const { value } = await r2.read();
      text2 += new TextDecoder().decode(value);
      return text2.includes('"missed"');
    });
    assert.ok(!text2.includes('"over sse"'), 'events up to Last-Event-ID are not sent again');
    assert.ok(!text2.includes('"type":"snapshot"'));
    again.abort();
  });
});

describe('restart', () => {
  let server: TestServer;
  before(async () => {
    // A 3-message snapshot page, so the dying reply is no longer in the room's in-memory page.
    server = await startServer({
      vars: {
        REALSTREAM_DEMO_TOKENS_PER_SECOND: 200,
        REALSTREAM_DEMO_REPLY_TOKENS: 2000,
        REALSTREAM_SNAPSHOT_MESSAGES: 3,
      },
    });
  });
  after(() => server.stop());

  it('completes a reply that died in a restart as interrupted, and never reuses a seq', async () => {
    const slow = await openRaw(server, 'restart');
    await slow.hello();
    slow.send({ type: 'message.send', id: 'before-crash', text: 'a long answer please' });
    await waitFor(
      'a few deltas',
      () => eventsOf(slow.frames).filter((e) => e.event.type === 'message.delta').length > 5,
    );
    for (let i = 0; i < 4; i++) await post(server, 'restart', { text: `later ${i}`, reply: false });
    const seenBefore = Math.max(...eventsOf(slow.frames).map((e) => e.seq));
    await server.restart();
    await slow.closed;
    const read = eventsOf(slow.frames)
      .flatMap((e) => (e.event.type === 'message.delta' ? [e.event.text] : []))
      .join('');
    const page = await history(server, 'restart', '?limit=10');
    const reply = page.messages.find((m) => m.replyTo === 'before-crash')!;
    assert.equal(reply.status, 'interrupted');
    assert.ok(read.length > 0 && reply.text.startsWith(read), 'every character read is kept');
    const back = await openRaw(server, 'restart');
    const welcome = await back.hello(seenBefore);
    assert.equal(welcome.resume, 'snapshot', 'the ring did not survive, so a snapshot');
    const after = await post(server, 'restart', { text: 'after', reply: false });
    assert.ok(
      after.body.seq > seenBefore,
      `new seq ${after.body.seq} > ${seenBefore} seen before the crash`,
    );
    back.close();
  });
});

describe('coalescing', () => {
  it('sends fewer delta frames than tokens when tokens come fast, one per token when off', async () => {
    const counts: Record<string, { deltas: number; text: string }> = {};
    for (const coalesce of [16, 0]) {
      const server = await startServer({
        persist: false,
        vars: {
          REALSTREAM_DEMO_TOKENS_PER_SECOND: 0,
          REALSTREAM_DEMO_REPLY_TOKENS: 400,
          REALSTREAM_COALESCE_MS: coalesce,
        },
      });
      try {
        const a = await openRaw(server, 'co');
        await a.hello();
        a.send({ type: 'message.send', id: 'co-1', text: 'go' });
        await waitFor(
          'completion',
          () => eventsOf(a.frames).find((e) => e.event.type === 'message.completed'),
          { timeoutMs: 20_000 },
        );
        const deltas = eventsOf(a.frames).filter((e) => e.event.type === 'message.delta');
        const full = eventsOf(a.frames).find((e) => e.event.type === 'message.completed')!
          .event as { text: string };
        counts[coalesce] = { deltas: deltas.length, text: full.text };
        a.close();
      } finally {
        await server.stop();
      }
    }
    assert.equal(counts[0].deltas, 400, 'one delta per token without coalescing');
    assert.ok(counts[16].deltas < 200, `coalesced into ${counts[16].deltas} deltas`);
    assert.equal(counts[16].text, counts[0].text, 'same text either way');
  });

  it('keeps a reply flowing in bounded deltas when its source never waits on I/O', async () => {
    // At full speed the demo responder yields without I/O, so workerd's clock (and with it the
    // coalescing timer) stands still until the reply ends: only the size cap can send it earlier.
    const server = await startServer({
      persist: false,
      vars: { REALSTREAM_DEMO_TOKENS_PER_SECOND: 0, REALSTREAM_DEMO_REPLY_TOKENS: 20_000 },
    });
    try {
      const a = await openRaw(server, 'big');
      await a.hello();
      a.send({ type: 'message.send', id: 'big-1', text: 'go' });
      const done = await waitFor(
        'completion',
        () => eventsOf(a.frames).find((e) => e.event.type === 'message.completed'),
        { timeoutMs: 20_000 },
      );
      const text = (done.event as { text: string }).text;
      const deltas = eventsOf(a.frames).flatMap((e) =>
        e.event.type === 'message.delta' ? [e.event.text] : [],
      );
      assert.ok(text.length > 4 * MAX_DELTA_CHARS, `a long reply (${text.length} characters)`);
      assert.equal(deltas.join(''), text);
      const longest = Math.max(...deltas.map((d) => d.length));
      assert.ok(longest <= MAX_DELTA_CHARS, `the longest delta has ${longest} characters`);
      assert.ok(deltas.length >= Math.ceil(text.length / MAX_DELTA_CHARS));
      a.close();
    } finally {
      await server.stop();
    }
  });
});

describe('batching across streams', () => {
  it('sends the deltas of concurrent replies together in batch frames', async () => {
    const server = await startServer({
      persist: false,
      vars: { REALSTREAM_DEMO_TOKENS_PER_SECOND: 200, REALSTREAM_DEMO_REPLY_TOKENS: 100 },
    });
    try {
      const a = await openRaw(server, 'two');
      await a.hello();
      a.send({ type: 'message.send', id: 'two-1', text: 'first' });
      a.send({ type: 'message.send', id: 'two-2', text: 'second' });
      await waitFor(
        'both replies to complete',
        () => eventsOf(a.frames).filter((e) => e.event.type === 'message.completed').length === 2,
        { timeoutMs: 20_000 },
      );
      const mixed = a.frames.filter(
        (f) =>
          f.type === 'batch' &&
          new Set(
            f.events.flatMap((e) => (e.event.type === 'message.delta' ? [e.event.messageId] : [])),
          ).size >= 2,
      );
      assert.ok(mixed.length > 0, 'some frame carries deltas of both replies');
      const texts = transcript(eventsOf(a.frames));
      const replies = (await history(server, 'two')).messages.filter(
        (m) => m.author.kind === 'assistant',
      );
      for (const r of replies) assert.equal(texts.get(r.id), r.text);
      a.close();
    } finally {
      await server.stop();
    }
  });
});
