// Retry, clear, room settings and watchers, against a real `partykit dev` (workerd) with auth on,
// so roles are real.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, waitFor, type TestServer } from '@realstream/testing/harness';
import { eventsOf, openRaw, type RawSocket } from '@realstream/testing/raw-socket';
import type { MessagePage, Role, RoomInfo } from '@realstream/protocol';
import { signToken } from './auth.js';

const SECRET = 'room-commands-test-secret-0123456789abcdef';

async function join(server: TestServer, room: string, sub: string, role: Role): Promise<RawSocket> {
  const token = await signToken(SECRET, { sub, name: sub, room, role });
  const socket = await openRaw(server, room, { token });
  await socket.hello();
  return socket;
}

async function api<T>(server: TestServer, room: string, path: string, role: Role): Promise<T> {
  const token = await signToken(SECRET, { sub: 'reader', name: 'Reader', room, role });
  const res = await fetch(`${server.roomUrl(room)}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as T;
}

function completed(socket: RawSocket, messageId: string) {
  return waitFor(
    `completion of ${messageId}`,
    () =>
      eventsOf(socket.frames).find(
        (f) =>
          (f.event.type === 'message.completed' || f.event.type === 'message.failed') &&
          f.event.messageId === messageId,
      ),
    { timeoutMs: 15_000 },
  );
}

function replyTo(socket: RawSocket, messageId: string) {
  return waitFor(`a reply to ${messageId}`, () => {
    const created = eventsOf(socket.frames).filter(
      (f) => f.event.type === 'message.created' && f.event.message.replyTo === messageId,
    );
    return created.length ? created : undefined;
  });
}

describe('room commands', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      vars: {
        REALSTREAM_SECRET: SECRET,
        REALSTREAM_DEMO_TOKENS_PER_SECOND: 200,
        // 1.5 s replies: long enough that a test can join, watch and unwatch while one streams
        // on a loaded machine.
        REALSTREAM_DEMO_REPLY_TOKENS: 300,
        REALSTREAM_ROOM_RESPONDERS: 'demo',
      },
    });
  });
  after(() => server.stop());

  it('retries the latest reply: a new reply to the same message, the old one kept', async () => {
    const ada = await join(server, 'retry', 'ada', 'member');
    ada.send({ type: 'message.send', id: 'q1', text: 'What is a room?' });
    const [first] = await replyTo(ada, 'q1');
    const firstId = first.event.type === 'message.created' ? first.event.message.id : '';
    await completed(ada, firstId);

    ada.send({ type: 'message.retry', id: 'rt-1', messageId: firstId });
    const ack = await ada.next('ack', (f) => f.id === 'rt-1');
    const replies = await waitFor('the second reply', async () => {
      const r = await replyTo(ada, 'q1');
      return r.length === 2 ? r : undefined;
    });
    const second = replies[1].event;
    assert.equal(second.type, 'message.created');
    if (second.type !== 'message.created') return;
    assert.equal(second.message.retryOf, firstId);
    assert.equal(replies[1].seq, ack.seq, 'the ack names the new reply');
    await completed(ada, second.message.id);

    // A resend of the same command (a reconnect) does not answer a third time.
    ada.send({ type: 'message.retry', id: 'rt-1', messageId: firstId });
    const dup = await ada.next('ack', (f) => f.id === 'rt-1' && f.duplicate === true);
    assert.equal(dup.seq, ack.seq);

    // The first reply is no longer the latest: retrying it is a conflict, nothing starts.
    ada.send({ type: 'message.retry', id: 'rt-2', messageId: firstId });
    const conflict = await ada.next('error', (f) => f.id === 'rt-2');
    assert.equal(conflict.code, 'conflict');
    assert.match(conflict.message, /latest reply/);
    ada.send({ type: 'message.retry', id: 'rt-3', messageId: 'q1' });
    assert.equal((await ada.next('error', (f) => f.id === 'rt-3')).code, 'conflict');
    ada.send({ type: 'message.retry', id: 'rt-4', messageId: 'nope' });
    assert.equal((await ada.next('error', (f) => f.id === 'rt-4')).code, 'not_found');
    assert.equal((await replyTo(ada, 'q1')).length, 2);

    const page = await api<MessagePage>(server, 'retry', '/messages', 'viewer');
    assert.deepEqual(
      page.messages.map((m) => [m.id === firstId ? 'first' : m.retryOf ? 'retry' : m.id]),
      [['q1'], ['first'], ['retry']],
    );
    ada.close();
  });

  it('refuses a retry from a viewer and of a reply still streaming', async () => {
    const ada = await join(server, 'retry-roles', 'ada', 'member');
    const vic = await join(server, 'retry-roles', 'vic', 'viewer');
    ada.send({ type: 'message.send', id: 'q1', text: 'Tell me about latency' });
    const [created] = await replyTo(ada, 'q1');
    const id = created.event.type === 'message.created' ? created.event.message.id : '';
    ada.send({ type: 'message.retry', id: 'early', messageId: id });
    const early = await ada.next('error', (f) => f.id === 'early');
    assert.equal(early.code, 'conflict');
    assert.match(early.message, /still streaming/);
    await completed(ada, id);
    vic.send({ type: 'message.retry', id: 'v-1', messageId: id });
    assert.equal((await vic.next('error', (f) => f.id === 'v-1')).code, 'forbidden');
    ada.close();
    vic.close();
  });

  it('answers MCP commands, which this server cannot do yet, instead of leaving them hanging', async () => {
    const op = await join(server, 'mcp', 'olga', 'operator');
    const ada = await join(server, 'mcp', 'ada', 'member');
    const server_ = { name: 'docs', url: 'https://mcp.example.com/mcp' };
    ada.send({ type: 'mcp.add', id: 'mcp-member', server: server_ });
    assert.equal((await ada.next('error', (f) => f.id === 'mcp-member')).code, 'forbidden');
    const commands = [
      { type: 'mcp.add', id: 'mcp-1', server: server_ },
      { type: 'mcp.remove', id: 'mcp-2', name: 'docs' },
      { type: 'mcp.reconnect', id: 'mcp-3', name: 'docs' },
      { type: 'mcp.approve', id: 'mcp-4', tools: [{ name: 'docs.search', description: 'x' }] },
    ];
    for (const command of commands) {
      op.send(command);
      const error = await op.next('error', (f) => f.id === command.id);
      assert.equal(error.code, 'unknown_type');
      assert.match(error.message, new RegExp(`^${command.type.replace('.', '\\.')}: .*MCP`));
    }
    assert.ok(!eventsOf(op.frames).some((f) => f.event.type.startsWith('mcp.')), 'no MCP event');
  });

  it('clears the room for everyone: streams stopped, history empty, resume sees the clear', async () => {
    const op = await join(server, 'clear', 'olga', 'operator');
    const ada = await join(server, 'clear', 'ada', 'member');
    op.send({ type: 'message.send', id: 'c1', text: 'first', reply: false });
    ada.send({ type: 'message.send', id: 'c2', text: 'second' });
    await replyTo(ada, 'c2');
    const lastSeen = (await ada.next('ack', (f) => f.id === 'c2')).seq;

    ada.send({ type: 'room.clear', id: 'm-clear' });
    assert.equal((await ada.next('error', (f) => f.id === 'm-clear')).code, 'forbidden');

    op.send({ type: 'room.clear', id: 'clear-1' });
    const ack = await op.next('ack', (f) => f.id === 'clear-1');
    const cleared = await waitFor('the clear on the member', () =>
      eventsOf(ada.frames).find((f) => f.event.type === 'room.cleared'),
    );
    assert.equal(cleared.seq, ack.seq);
    assert.deepEqual(cleared.event.type === 'room.cleared' && cleared.event.by.id, 'olga');
    // The reply that was streaming was stopped first, so no stream outlives the clear.
    const stopped = eventsOf(ada.frames).find(
      (f) => f.event.type === 'message.completed' && f.event.status === 'stopped',
    );
    assert.ok(stopped && stopped.seq < cleared.seq, 'the streaming reply was stopped before');

    const page = await api<MessagePage>(server, 'clear', '/messages', 'viewer');
    assert.deepEqual(page.messages, []);
    assert.equal(page.nextBefore, null);

    // A fresh client gets an empty snapshot; a resuming one replays up to the clear.
    const late = await join(server, 'clear', 'late', 'viewer');
    const snap = await late.next('snapshot');
    assert.deepEqual(snap.messages, []);
    const back = await openRaw(server, 'clear', {
      token: await signToken(SECRET, { sub: 'ada', name: 'ada', room: 'clear', role: 'member' }),
    });
    await back.hello(lastSeen);
    await waitFor('the replayed clear', () =>
      eventsOf(back.frames).find((f) => f.event.type === 'room.cleared'),
    );

    // Messages after the clear are history as usual, and survive a restart without the old ones.
    op.send({ type: 'message.send', id: 'c3', text: 'after', reply: false });
    await op.next('ack', (f) => f.id === 'c3');
    for (const s of [op, ada, late, back]) s.close();
    await server.restart();
    const after = await api<MessagePage>(server, 'clear', '/messages', 'viewer');
    assert.deepEqual(
      after.messages.map((m) => m.id),
      ['c3'],
    );
  });

  it('changes room settings (operators only) and keeps them across a restart', async () => {
    const op = await join(server, 'settings', 'olga', 'operator');
    const ada = await join(server, 'settings', 'ada', 'member');
    const welcomeOf = (s: RawSocket) => s.frames.find((f) => f.type === 'welcome');
    assert.deepEqual(
      (welcomeOf(op) as { responders?: string[] }).responders,
      ['demo'],
      'operators are told the choices',
    );
    assert.equal((welcomeOf(ada) as { responders?: string[] }).responders, undefined);
    assert.deepEqual((await ada.next('snapshot')).settings, {
      responder: 'demo',
      systemPrompt: null,
      reasoning: 'everyone',
    });
    ada.send({ type: 'room.configure', id: 'm-1', settings: { systemPrompt: 'x' } });
    assert.equal((await ada.next('error', (f) => f.id === 'm-1')).code, 'forbidden');
    op.send({ type: 'room.configure', id: 'k-1', settings: { responder: 'openai' } });
    const refused = await op.next('error', (f) => f.id === 'k-1');
    assert.equal(refused.code, 'invalid_frame');
    assert.match(refused.message, /choose one of demo/);

    const nobody: Record<string, unknown> = { reasoning: 'nobody' };
    op.send({ type: 'room.configure', id: 'k-3', settings: nobody });
    assert.equal((await op.next('error', (f) => f.id === 'k-3')).code, 'invalid_frame');

    op.send({
      type: 'room.configure',
      id: 'k-2',
      settings: { systemPrompt: 'Answer in French.', reasoning: 'operators' },
    });
    await op.next('ack', (f) => f.id === 'k-2');
    const event = await waitFor('the configured event', () =>
      eventsOf(ada.frames).find((f) => f.event.type === 'room.configured'),
    );
    const french = { responder: 'demo', systemPrompt: 'Answer in French.', reasoning: 'operators' };
    assert.deepEqual(event.event.type === 'room.configured' && event.event.settings, french);
    op.close();
    ada.close();
    await server.restart();
    const info = await api<RoomInfo>(server, 'settings', '', 'viewer');
    assert.deepEqual(info.settings, french);
    assert.deepEqual(info.responders, ['demo']);
  });

  it('tells everyone who is watching a streaming reply, and forgets them when it ends', async () => {
    const ada = await join(server, 'watch', 'ada', 'member');
    const vic = await join(server, 'watch', 'vic', 'viewer');
    ada.send({ type: 'message.send', id: 'w1', text: 'A long answer please' });
    const [created] = await replyTo(vic, 'w1');
    const id = created.event.type === 'message.created' ? created.event.message.id : '';
    vic.send({ type: 'watch', messageId: id });
    const seen = await ada.next('watchers', (f) => f.messageId === id && f.users.length === 1);
    assert.deepEqual(
      seen.users.map((u) => [u.id, u.role]),
      [['vic', 'viewer']],
    );
    // Someone joining mid-stream learns who watches right after the welcome.
    const late = await join(server, 'watch', 'lou', 'viewer');
    await late.next('watchers', (f) => f.messageId === id && f.users[0]?.id === 'vic');
    vic.send({ type: 'watch', messageId: null });
    await ada.next('watchers', (f) => f.messageId === id && f.users.length === 0);
    // Watching something that is not streaming is ignored, not an error.
    await completed(ada, id);
    const before = ada.frames.length;
    vic.send({ type: 'watch', messageId: id });
    vic.send({ type: 'ping', t: 1 });
    await vic.next('pong');
    assert.equal(
      ada.frames.slice(before).filter((f) => f.type === 'watchers').length,
      0,
      'no watchers notice for an ended reply',
    );
    for (const s of [ada, vic, late]) s.close();
  });
});
