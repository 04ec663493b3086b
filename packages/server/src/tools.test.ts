// Tools in a room against a real `partykit dev` (workerd): built-ins, every refusal, the
// assistant's offline tool use, idempotent calls, and the REST API.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, waitFor, type TestServer } from '@realstream/testing/harness';
import { eventsOf, openRaw, type RawSocket } from '@realstream/testing/raw-socket';
import type { Role, Tool, ToolCall } from '@realstream/protocol';
import { signToken } from './auth.js';

const SECRET = 'tools-test-secret-0123456789abcdef-0123';

async function join(server: TestServer, room: string, sub: string, role: Role) {
  const token = await signToken(SECRET, { sub, name: sub, room, role });
  const socket = await openRaw(server, room, { token });
  await socket.hello();
  return socket;
}

async function bearer(room: string, role: Role, sub = 'script') {
  return `Bearer ${await signToken(SECRET, { sub, name: sub, room, role })}`;
}

/** The call's events on a socket, in order: started, progress..., ended. */
function callEvents(socket: RawSocket, callId: string) {
  return eventsOf(socket.frames)
    .map((f) => f.event)
    .filter((e) =>
      e.type === 'tool.call.started'
        ? e.call.callId === callId
        : 'callId' in e && e.callId === callId,
    );
}

function ended(socket: RawSocket, callId: string) {
  return waitFor(
    `the end of ${callId}`,
    () => callEvents(socket, callId).find((e) => e.type === 'tool.call.ended'),
    { timeoutMs: 15_000 },
  );
}

describe('tools in a room', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      vars: {
        REALSTREAM_SECRET: SECRET,
        REALSTREAM_DEMO_TOKENS_PER_SECOND: 400,
        REALSTREAM_MAX_CONCURRENT_TOOL_CALLS: 1,
      },
    });
  });
  after(() => server.stop());

  it('lists the built-in tools in the snapshot, switched on', async () => {
    const ada = await join(server, 'list', 'ada', 'member');
    const snap = await ada.next('snapshot');
    const names = snap.tools.map((t) => t.name);
    for (const name of ['math.evaluate', 'room.info', 'text.stats', 'time.now'])
      assert.ok(names.includes(name), name);
    assert.ok(!names.includes('http.fetch'), 'http.fetch is left out without allowed hosts');
    const math = snap.tools.find((t) => t.name === 'math.evaluate')!;
    assert.deepEqual([math.kind, math.enabled, math.available], ['builtin', true, true]);
    ada.close();
  });

  it('runs a built-in for everyone to see: started, then ended with the result', async () => {
    const ada = await join(server, 'run', 'ada', 'member');
    const bob = await join(server, 'run', 'bob', 'viewer');
    ada.send({
      type: 'tool.invoke',
      id: 'call-1',
      name: 'math.evaluate',
      args: { expression: '2^10 / 4' },
    });
    const ack = await ada.next('ack', (f) => f.id === 'call-1');
    const end = await ended(bob, 'call-1');
    assert.equal(end.type === 'tool.call.ended' && end.status, 'done');
    assert.deepEqual(end.type === 'tool.call.ended' && end.result, {
      expression: '2^10 / 4',
      result: 256,
    });
    const started = callEvents(bob, 'call-1')[0];
    assert.equal(started.type, 'tool.call.started');
    if (started.type === 'tool.call.started') {
      assert.deepEqual(started.call.caller, { kind: 'user', id: 'ada', name: 'ada' });
    }
    assert.equal(eventsOf(bob.frames).find((f) => f.event === started)?.seq, ack.seq);

    // The same call again (a resend after a reconnect) runs nothing new.
    ada.send({
      type: 'tool.invoke',
      id: 'call-1',
      name: 'math.evaluate',
      args: { expression: '2^10 / 4' },
    });
    const dup = await ada.next('ack', (f) => f.id === 'call-1' && f.duplicate === true);
    assert.equal(dup.seq, ack.seq);
    // The same id with other arguments is another call: refused, not answered with the first's ack.
    ada.send({
      type: 'tool.invoke',
      id: 'call-1',
      name: 'math.evaluate',
      args: { expression: '1' },
    });
    const mismatch = await ada.next('error', (f) => f.id === 'call-1');
    assert.equal(mismatch.code, 'idempotency_mismatch');
    // And from a fresh socket, past the command ledger: the stored call says the same.
    const again = await join(server, 'run', 'ada', 'member');
    again.send({
      type: 'tool.invoke',
      id: 'call-1',
      name: 'math.evaluate',
      args: { expression: '1' },
    });
    assert.equal(
      (await again.next('error', (f) => f.id === 'call-1')).code,
      'idempotency_mismatch',
    );
    again.close();
    await ada.next('pong', undefined, 100).catch(() => {});
    assert.equal(callEvents(bob, 'call-1').filter((e) => e.type === 'tool.call.started').length, 1);
    for (const s of [ada, bob]) s.close();
  });

  it('refuses bad calls with a typed error and runs nothing', async () => {
    const ada = await join(server, 'refusals', 'ada', 'member');
    const vic = await join(server, 'refusals', 'vic', 'viewer');
    const op = await join(server, 'refusals', 'olga', 'operator');
    const refused = async (socket: RawSocket, id: string, name: string, args: unknown) => {
      socket.send({ type: 'tool.invoke', id, name, args });
      return socket
        .next('error', (f) => f.id === id)
        .catch((err) => {
          throw new Error(`${id}: ${err}; frames: ${JSON.stringify(socket.frames.slice(-3))}`);
        });
    };
    const bad = await refused(ada, 'r-1', 'math.evaluate', { expression: 42 });
    assert.equal(bad.code, 'invalid_arguments');
    assert.match(bad.message, /expression/);
    const extra = await refused(ada, 'r-2', 'math.evaluate', { expression: '1', x: 1 });
    assert.equal(extra.code, 'invalid_arguments');
    assert.equal((await refused(ada, 'r-3', 'no.such.tool', {})).code, 'not_found');
    assert.equal(
      (await refused(vic, 'r-4', 'math.evaluate', { expression: '1' })).code,
      'forbidden',
    );

    ada.send({ type: 'tool.toggle', id: 't-0', name: 'math.evaluate', enabled: false });
    assert.equal((await ada.next('error', (f) => f.id === 't-0')).code, 'forbidden');
    op.send({ type: 'tool.toggle', id: 't-1', name: 'math.evaluate', enabled: false });
    await op.next('ack', (f) => f.id === 't-1');
    const updated = await waitFor('the switch on the member', () =>
      eventsOf(ada.frames).find((f) => f.event.type === 'tool.updated'),
    );
    assert.equal(updated.event.type === 'tool.updated' && updated.event.tool.enabled, false);
    assert.equal(
      (await refused(ada, 'r-5', 'math.evaluate', { expression: '1' })).code,
      'tool_disabled',
    );
    op.send({ type: 'tool.toggle', id: 't-2', name: 'math.evaluate', enabled: true });
    await op.next('ack', (f) => f.id === 't-2');

    // None of these started a call.
    const starts = eventsOf(ada.frames).filter((f) => f.event.type === 'tool.call.started');
    assert.equal(starts.length, 0);
    for (const s of [ada, vic, op]) s.close();
  });

  it('limits calls running at once, and lets a member cancel one', async () => {
    const ada = await join(server, 'limits', 'ada', 'member');
    const impl = await join(server, 'limits', 'impl', 'member');
    // A browser tool that never answers keeps the one allowed slot busy.
    impl.send({
      type: 'tool.register',
      id: 'g-1',
      tool: { name: 'slow.thing', description: 'Never answers', inputSchema: { type: 'object' } },
    });
    await impl.next('ack', (f) => f.id === 'g-1');
    ada.send({ type: 'tool.invoke', id: 'slow-1', name: 'slow.thing', args: {} });
    await ada.next('ack', (f) => f.id === 'slow-1');
    const run = await impl.next('tool.run', (f) => f.callId === 'slow-1');
    assert.deepEqual(run.args, {});
    ada.send({
      type: 'tool.invoke',
      id: 'busy-1',
      name: 'math.evaluate',
      args: { expression: '1' },
    });
    assert.equal((await ada.next('error', (f) => f.id === 'busy-1')).code, 'too_many_calls');

    ada.send({ type: 'tool.cancel', id: 'x-1', callId: 'slow-1' });
    await ada.next('ack', (f) => f.id === 'x-1');
    const end = await ended(ada, 'slow-1');
    assert.equal(end.type === 'tool.call.ended' && end.status, 'cancelled');
    const abort = await impl.next('tool.abort', (f) => f.callId === 'slow-1');
    assert.equal(abort.reason, 'cancelled');
    // A late answer from the implementer changes nothing.
    impl.send({ type: 'tool.result', callId: 'slow-1', result: { late: true } });
    ada.send({
      type: 'tool.invoke',
      id: 'free-1',
      name: 'math.evaluate',
      args: { expression: '1+1' },
    });
    await ada.next('ack', (f) => f.id === 'free-1');
    await ended(ada, 'free-1');
    assert.equal(callEvents(ada, 'slow-1').filter((e) => e.type === 'tool.call.ended').length, 1);
    for (const s of [ada, impl]) s.close();
  });

  it('lets the demo assistant calculate with math.evaluate, as a card in its reply', async () => {
    const ada = await join(server, 'assistant', 'ada', 'member');
    ada.send({ type: 'message.send', id: 'q-1', text: 'What is 12*(3+4)?' });
    const reply = await waitFor(
      'the reply to end',
      () => {
        const done = eventsOf(ada.frames).find(
          (f) => f.event.type === 'message.completed' || f.event.type === 'message.failed',
        );
        return done?.event;
      },
      { timeoutMs: 20_000 },
    );
    assert.equal(reply.type, 'message.completed');
    if (reply.type !== 'message.completed') return;
    assert.match(reply.text, /84/);
    const started = eventsOf(ada.frames).find((f) => f.event.type === 'tool.call.started');
    assert.ok(started && started.event.type === 'tool.call.started');
    const call = started.event.call;
    assert.equal(call.name, 'math.evaluate');
    assert.equal(call.caller.kind, 'assistant');
    assert.equal(call.messageId, reply.messageId, 'the call belongs to the reply');
    const end = await ended(ada, call.callId);
    assert.equal(end.type === 'tool.call.ended' && end.status, 'done');
    ada.close();
  });

  it('serves tools over REST: list, switch (operators only), invoke as JSON and as SSE', async () => {
    const url = `${server.roomUrl('rest')}/tools`;
    const list = await fetch(url, { headers: { authorization: await bearer('rest', 'viewer') } });
    assert.equal(list.status, 200);
    const { tools } = (await list.json()) as { tools: Tool[] };
    assert.ok(tools.some((t) => t.name === 'text.stats'));

    const patch = (role: Role, body: unknown) =>
      bearer('rest', role).then((authorization) =>
        fetch(`${url}/text.stats`, {
          method: 'PATCH',
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    assert.equal((await patch('member', { enabled: false })).status, 403);
    assert.equal((await patch('operator', { enabled: 'no' })).status, 400);
    const off = await patch('operator', { enabled: false });
    assert.equal(off.status, 200);
    assert.equal(((await off.json()) as { tool: Tool }).tool.enabled, false);
    assert.equal((await patch('operator', { enabled: true })).status, 200);

    const invoke = async (headers: Record<string, string>, body: unknown) =>
      fetch(`${url}/text.stats/invoke`, {
        method: 'POST',
        headers: {
          authorization: await bearer('rest', 'member'),
          'content-type': 'application/json',
          ...headers,
        },
        body: JSON.stringify(body),
      });
    const res = await invoke(
      { 'idempotency-key': 'rest-1' },
      { args: { text: 'One two. Three!' } },
    );
    assert.equal(res.status, 200);
    const { call } = (await res.json()) as { call: ToolCall };
    assert.equal(call.status, 'done');
    assert.equal((call.result as { words: number }).words, 3);
    // The key again: the same call's outcome for the same arguments (keys in any order), 422 for others.
    const resent = await invoke(
      { 'idempotency-key': 'rest-1' },
      { args: { text: 'One two. Three!' } },
    );
    assert.equal(resent.status, 200);
    assert.equal(((await resent.json()) as { call: ToolCall }).call.callId, call.callId);
    const reused = await invoke({ 'idempotency-key': 'rest-1' }, { args: { text: 'Other words' } });
    assert.equal(reused.status, 422);
    assert.equal(
      ((await reused.json()) as { error: { code: string } }).error.code,
      'idempotency_mismatch',
    );

    const bad = await invoke({}, { args: { text: 7 } });
    assert.equal(bad.status, 400);
    assert.equal(
      ((await bad.json()) as { error: { code: string } }).error.code,
      'invalid_arguments',
    );

    const sse = await invoke(
      { accept: 'text/event-stream', 'idempotency-key': 'rest-2' },
      { args: { text: 'Streams end with the result.' } },
    );
    assert.equal(sse.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const text = await sse.text(); // the stream ends after the call's last event
    const events = [...text.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    assert.deepEqual(events, ['tool.call.started', 'tool.call.ended']);
    assert.match(text, /"status":"done"/);
  });
});
