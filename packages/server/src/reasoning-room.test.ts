// A reasoning model in a live room (a real server, an OpenAI-compatible provider streaming
// `reasoning_content`, and one writing <think> tags): the reasoning streams as its own part of the
// reply, is stored and resumed like the text, never goes back to the model as text, and a room
// that shows it to operators only sends everyone else the same events without its words.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventFrame, Message, MessagePage, Role } from '@realstream/protocol';
import { startServer, waitFor, type TestServer } from '@realstream/testing/harness';
import { eventsOf, openRaw, type RawSocket } from '@realstream/testing/raw-socket';
import { signToken } from './auth.js';
import { FakeUpstream, openAiChunk, type Script } from './responders/fake-upstream.js';
import {
  RECORDED_TEXT,
  RECORDED_THOUGHT,
  SPLIT_PATTERNS,
  recording,
  script,
} from './responders/replay/recordings.js';

const SECRET = 'reasoning-room-secret-0123456789abcdef';
const THOUGHT = ['Rooms', ' are', ' ordered', ' logs;', ' say', ' so', ' — 🎉', ' briefly.'];
const ANSWER = ['Rooms keep', ' every event', ' in order.'];
/** How long the model reasons before it answers, at least. */
const THINK_MS = 600;

/** A reasoning model: `reasoning_content` for THINK_MS, then the answer. */
function reasoningScript(): Script {
  return {
    gapMs: THINK_MS / THOUGHT.length,
    body: [
      openAiChunk({ role: 'assistant', content: '' }),
      ...THOUGHT.map((reasoning_content) => openAiChunk({ content: null, reasoning_content })),
      ...ANSWER.map((content) => openAiChunk({ content })),
      openAiChunk({}, 'stop'),
      'data: [DONE]\n\n',
    ],
  };
}

/** A local model that writes its reasoning into the answer between <think> tags. */
function thinkTagScript(): Script {
  const text = `<think>\n${THOUGHT.join('')}\n</think>\n\n${ANSWER.join('')}`;
  const pieces = text.match(/[\s\S]{1,5}/g)!;
  return {
    body: [
      ...pieces.map((content) => openAiChunk({ content })),
      openAiChunk({}, 'stop'),
      'data: [DONE]\n\n',
    ],
  };
}

describe('a reasoning model in a room', () => {
  /** Provider responses to serve before the default ones, in order. */
  const queued: Script[] = [];
  let upstream: FakeUpstream;
  let server: TestServer;
  before(async () => {
    upstream = await FakeUpstream.start();
    upstream.handle((req) => {
      const next = queued.shift();
      if (next) return next;
      const last = JSON.stringify(req.body?.messages?.at(-1) ?? '');
      return last.includes('tags') ? thinkTagScript() : reasoningScript();
    });
    server = await startServer({
      vars: {
        REALSTREAM_SECRET: SECRET,
        REALSTREAM_RESPONDER: 'openai',
        REALSTREAM_OPENAI_BASE_URL: `${upstream.url}/v1`,
        REALSTREAM_OPENAI_MODEL: 'deepseek-reasoner',
        REALSTREAM_OPENAI_API_KEY: 'sk-reasoning-room-0123456789',
        REALSTREAM_ANTHROPIC_BASE_URL: upstream.url,
        REALSTREAM_ANTHROPIC_MODEL: 'claude-sonnet-4-5',
        REALSTREAM_ANTHROPIC_API_KEY: 'sk-ant-reasoning-room-0123456789',
        REALSTREAM_ROOM_RESPONDERS: 'openai,anthropic',
      },
    });
  });
  after(async () => {
    await server?.stop();
    await upstream?.close();
  });

  const token = (room: string, role: Role, sub = role) =>
    signToken(SECRET, { sub, name: sub, room, role });
  const open = async (room: string, role: Role, since = 0) => {
    const sock = await openRaw(server, room, { token: await token(room, role) });
    await sock.hello(since);
    return sock;
  };

  async function history(room: string, role: Role): Promise<Message[]> {
    const res = await fetch(`${server.roomUrl(room)}/messages`, {
      headers: { authorization: `Bearer ${await token(room, role)}` },
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as MessagePage).messages;
  }

  /** Sends `text` on `sock` and waits until `watcher` has seen the reply end; returns it, stored. */
  async function ask(sock: RawSocket, room: string, id: string, text: string, watcher = sock) {
    sock.send({ type: 'message.send', id, text });
    await sock.next('ack', (f) => f.id === id);
    const reply = await waitFor(
      `the reply to ${id}`,
      async () =>
        (await history(room, 'operator')).find(
          (m) => m.replyTo === id && m.status !== 'streaming',
        ) ?? null,
      { timeoutMs: 15_000 },
    );
    await waitFor(`the end of ${reply.id} on the socket`, () =>
      eventsOf(watcher.frames).some(
        (e) => e.event.type === 'message.completed' && e.event.messageId === reply.id,
      ),
    );
    return reply;
  }

  const deltasOf = (frames: EventFrame[], id: string) =>
    frames.flatMap(({ event: e }) => (e.type === 'message.delta' && e.messageId === id ? [e] : []));

  it('streams reasoning before the answer as its own part, stores it, and times it', async () => {
    const sock = await open('think', 'member');
    const reply = await ask(sock, 'think', 'q-1', 'How do rooms work?');
    assert.equal(reply.status, 'complete');
    assert.equal(reply.text, ANSWER.join(''), 'no reasoning in the text');
    assert.equal(reply.reasoning?.text, THOUGHT.join(''));
    assert.ok(!reply.reasoning?.withheld && !reply.reasoning?.redacted);
    const ms = reply.reasoning?.ms ?? -1;
    assert.ok(ms >= THINK_MS * 0.8 && ms < 10_000, `reasoned for ${ms} ms`);
    assert.ok(reply.reasoning!.startedAt >= reply.createdAt);

    const deltas = deltasOf(eventsOf(sock.frames), reply.id);
    const thought = deltas.filter((d) => d.part === 'reasoning');
    const said = deltas.filter((d) => d.part === undefined);
    assert.ok(thought.length > 1, 'the reasoning streamed in several deltas');
    assert.equal(thought.map((d) => d.text).join(''), THOUGHT.join(''));
    let offset = 0;
    for (const d of thought) {
      assert.equal(d.offset, offset, 'reasoning offsets run on without a hole');
      offset += d.text.length;
    }
    assert.equal(said.map((d) => d.text).join(''), ANSWER.join(''));
    assert.ok(deltas.indexOf(thought.at(-1)!) < deltas.indexOf(said[0]!), 'reasoning came first');
    const completed = eventsOf(sock.frames).find(
      (e) => e.event.type === 'message.completed' && e.event.messageId === reply.id,
    )!.event;
    assert.deepEqual(
      completed.type === 'message.completed' && completed.reasoning,
      reply.reasoning,
    );
    sock.close();
  });

  it('stores what recorded provider streams say, however the network cuts them', async () => {
    const recorded = [
      { name: 'deepseek-reasoning', usage: { inputTokens: 21, outputTokens: 64 } },
      { name: 'vllm-reasoning', usage: { inputTokens: 18, outputTokens: 62 } },
      { name: 'ollama-think-tags' },
      { name: 'anthropic-thinking', usage: { inputTokens: 31, outputTokens: 112 } },
      {
        name: 'anthropic-redacted-thinking',
        text: 'Rooms keep every event in order.',
        thought: 'Rooms are ordered logs; say so.',
        redacted: true,
        usage: { inputTokens: 44, outputTokens: 96 },
      },
    ];
    for (const [i, r] of recorded.entries()) {
      for (const [j, pattern] of SPLIT_PATTERNS.entries()) {
        const room = `recorded-${i}-${j}`;
        const sock = await open(room, 'operator');
        if (r.name.startsWith('anthropic')) {
          sock.send({ type: 'room.configure', id: 'use', settings: { responder: 'anthropic' } });
          await sock.next('ack', (f) => f.id === 'use');
        }
        queued.push(script(recording(r.name), pattern));
        const reply = await ask(sock, room, 'q', 'How do rooms work?');
        const what = `${r.name}, ${pattern.name}`;
        assert.equal(reply.status, 'complete', what);
        assert.equal(reply.text, r.text ?? RECORDED_TEXT, what);
        assert.equal(reply.reasoning?.text, r.thought ?? RECORDED_THOUGHT, what);
        assert.equal(reply.reasoning?.redacted, r.redacted, what);
        assert.deepEqual(reply.usage, r.usage, what);
        sock.close();
      }
    }
  });

  it('splits <think> tags off the answer, the same as a reasoning stream', async () => {
    const sock = await open('tags', 'member');
    const reply = await ask(sock, 'tags', 'q-tags', 'Answer with tags please');
    assert.equal(reply.text, ANSWER.join(''));
    assert.equal(reply.reasoning?.text, THOUGHT.join(''));
    sock.close();
  });

  it('never sends the reasoning back to the model', async () => {
    const sock = await open('context', 'member');
    await ask(sock, 'context', 'q-a', 'How do rooms work?');
    const before = upstream.requests.length;
    await ask(sock, 'context', 'q-b', 'And then?');
    const request = upstream.requests.slice(before).at(-1)!;
    const body = JSON.stringify(request.body);
    assert.ok(body.includes(ANSWER.join('')), 'the earlier answer is in the context');
    for (const word of ['ordered logs', 'briefly', 'reasoning']) {
      assert.ok(!body.includes(word), `the context holds no reasoning (${word})`);
    }
    sock.close();
  });

  it('shows reasoning to operators only when the room says so: same events, no words', async () => {
    const room = 'hidden';
    const operator = await open(room, 'operator');
    operator.send({ type: 'room.configure', id: 'cfg-1', settings: { reasoning: 'operators' } });
    await operator.next('ack', (f) => f.id === 'cfg-1');
    const member = await open(room, 'member');
    const viewer = await open(room, 'viewer');
    const reply = await ask(member, room, 'q-h', 'Think about it', viewer);
    await waitFor('the operator saw the end', () =>
      eventsOf(operator.frames).some(
        (e) => e.event.type === 'message.completed' && e.event.messageId === reply.id,
      ),
    );
    assert.equal(reply.reasoning?.text, THOUGHT.join(''), 'the operator reads it over REST');

    const seqs = (s: RawSocket) => eventsOf(s.frames).map((e) => e.seq);
    for (const sock of [member, viewer]) {
      const frames = eventsOf(sock.frames);
      const thought = deltasOf(frames, reply.id).filter((d) => d.part === 'reasoning');
      assert.ok(thought.length > 0, 'told that the model reasons');
      for (const d of thought) assert.deepEqual([d.text, d.withheld], ['', true]);
      const done = frames.find(
        (e) => e.event.type === 'message.completed' && e.event.messageId === reply.id,
      )!.event;
      assert.ok(done.type === 'message.completed');
      assert.equal(done.reasoning?.text, '');
      assert.equal(done.reasoning?.withheld, true);
      assert.equal(done.reasoning?.ms, reply.reasoning?.ms, 'how long it reasoned is shown');
      assert.ok(!JSON.stringify(sock.frames).includes('ordered logs'));
    }
    // Everyone got the same seqs from the reply on: only the words differ.
    const from = (s: RawSocket) => seqs(s).filter((n) => n >= reply.seq);
    assert.deepEqual(from(member), from(operator));
    const words = deltasOf(eventsOf(operator.frames), reply.id)
      .filter((d) => d.part === 'reasoning')
      .map((d) => d.text)
      .join('');
    assert.equal(words, THOUGHT.join(''));

    // A member's history, snapshot and replay hold no reasoning either.
    const page = await history(room, 'member');
    const stored = page.find((m) => m.id === reply.id)!;
    assert.deepEqual(stored.reasoning, { ...reply.reasoning, text: '', withheld: true });
    const fresh = await open(room, 'member');
    const snapshot = fresh.frames.find((f) => f.type === 'snapshot');
    assert.ok(snapshot && snapshot.type === 'snapshot');
    assert.equal(snapshot.messages.find((m) => m.id === reply.id)?.reasoning?.withheld, true);
    const resumed = await open(room, 'member', reply.seq);
    assert.ok(!JSON.stringify(resumed.frames).includes('ordered logs'), 'a replay hides it too');
    assert.ok(deltasOf(eventsOf(resumed.frames), reply.id).some((d) => d.withheld));
    const sse = await fetch(`${server.roomUrl(room)}/events?since=${reply.seq}`, {
      headers: { authorization: `Bearer ${await token(room, 'member')}` },
    });
    const reader = sse.body!.getReader();
    let text = '';
    while (!text.includes('message.completed')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    assert.ok(text.includes('"withheld":true') && !text.includes('ordered logs'), 'SSE too');

    // Shown to everyone again: the next reply's reasoning reaches the member.
    operator.send({ type: 'room.configure', id: 'cfg-2', settings: { reasoning: 'everyone' } });
    await operator.next('ack', (f) => f.id === 'cfg-2');
    const next = await ask(member, room, 'q-h2', 'Think again');
    const seen = deltasOf(eventsOf(member.frames), next.id)
      .filter((d) => d.part === 'reasoning')
      .map((d) => d.text)
      .join('');
    assert.equal(seen, THOUGHT.join(''));
    for (const s of [operator, member, viewer, fresh, resumed]) s.close();
  });
});
