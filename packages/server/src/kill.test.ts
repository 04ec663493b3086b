// Long replies and large tool results on a real server (workerd, storage on disk) killed with
// kill -9: a 2 MiB reply and a 1 MiB webhook result come back byte for byte, and a reply cut
// mid-stream keeps every character a client had read.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Message, MessagePage, ServerFrame } from '@realstream/protocol';
import { startServer, waitFor, type TestServer } from '@realstream/testing/harness';
import { eventsOf, openRaw } from '@realstream/testing/raw-socket';
import { FakeUpstream, openAiChunk, openAiStream, type Step } from './responders/fake-upstream.js';
import { SECRET, startReceiver, type Receiver } from './tools/webhook-receiver.test-util.js';

const MiB = 1024 * 1024;
/** `n` characters of a text whose every character depends on its offset (a splice shows). */
const textAt = (offset: number, n: number) => {
  let s = '';
  for (let i = offset; i < offset + n; i++)
    s += i % 997 === 996 ? 'é' : String.fromCharCode(97 + ((i * 7) % 26));
  return s;
};
const pieces = (total: number, size: number) =>
  Array.from({ length: Math.ceil(total / size) }, (_, i) =>
    textAt(i * size, Math.min(size, total - i * size)),
  );

/** What a client has of the reply: its deltas applied at their offsets, or the text it ended with. */
function replyText(frames: ServerFrame[]): string {
  let text = '';
  for (const { event } of eventsOf(frames)) {
    if (event.type === 'message.delta') {
      assert.equal(event.offset, text.length, 'deltas in order, without a gap');
      text += event.text;
    } else if (event.type === 'message.completed' || event.type === 'message.failed')
      text = event.text;
  }
  return text;
}

/** The same for the reply's reasoning. */
function replyReasoning(frames: ServerFrame[]): string {
  let text = '';
  for (const { event } of eventsOf(frames)) {
    if (event.type === 'message.delta' && event.part === 'reasoning') {
      assert.equal(event.offset, text.length, 'reasoning deltas in order, without a gap');
      text += event.text;
    }
  }
  return text;
}

describe('kill -9 with long values in flight', () => {
  let upstream: FakeUpstream;
  let rx: Receiver;
  let server: TestServer;
  const REPLY = 2 * MiB;
  // A little under the 1 MiB a webhook may answer: its JSON wrapper and two-byte characters count too.
  const RESULT_CHARS = MiB - 4096;

  before(async () => {
    upstream = await FakeUpstream.start();
    upstream.handle((req) => {
      const last = String(req.body?.messages?.at(-1)?.content ?? '');
      if (last.includes('reason')) {
        // A model reasoning at length, with pauses, and never getting to its answer in time.
        const thought: Step[] = [openAiChunk({ role: 'assistant', content: '' })];
        pieces(MiB, 1024).forEach((reasoning_content, i) =>
          thought.push(
            openAiChunk({ reasoning_content }),
            ...(i % 16 === 15 ? [{ wait: 20 }] : []),
          ),
        );
        return { body: thought, hang: true };
      }
      const body = openAiStream(pieces(REPLY, 2048));
      if (!last.includes('slowly')) return { body };
      // The same reply with a pause every 64 pieces: the kill lands while text is flowing.
      const slow: Step[] = [];
      body.forEach((step, i) => slow.push(step, ...(i % 64 === 63 ? [{ wait: 20 }] : [])));
      return { body: slow };
    });
    rx = await startReceiver();
    rx.route('/big', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ text: textAt(0, RESULT_CHARS) }));
    });
    server = await startServer({
      vars: {
        REALSTREAM_RESPONDER: 'openai',
        REALSTREAM_OPENAI_BASE_URL: `${upstream.url}/v1`,
        REALSTREAM_OPENAI_MODEL: 'test-model',
        REALSTREAM_OPENAI_API_KEY: 'sk-test-0123456789',
        REALSTREAM_WEBHOOK_TOOLS: JSON.stringify([
          {
            name: 'report.big',
            description: 'Answers with a result of about 1 MiB.',
            url: `${rx.origin}/big`,
            secret: SECRET,
            inputSchema: { type: 'object' },
            timeoutMs: 20_000,
          },
        ]),
        REALSTREAM_WEBHOOK_HOSTS: rx.host,
        REALSTREAM_WEBHOOK_ALLOW_PRIVATE: 'true',
      },
    });
  });
  after(async () => {
    await server?.stop();
    await upstream?.close();
    await rx?.close();
  });

  async function stored(room: string): Promise<Message> {
    const res = await fetch(`${server.roomUrl(room)}/messages`);
    assert.equal(res.status, 200);
    const reply = ((await res.json()) as MessagePage).messages.find(
      (m) => m.author.kind === 'assistant',
    );
    assert.ok(reply, 'the reply is stored');
    return reply;
  }

  const answers = async (room: string) =>
    waitFor('the room to answer', async () => (await fetch(server.roomUrl(room))).ok, {
      timeoutMs: 30_000,
    });

  it('keeps a 2 MiB reply byte for byte across a kill -9', async () => {
    const room = 'kill-long-reply';
    const ada = await openRaw(server, room);
    await ada.hello();
    ada.send({ type: 'message.send', id: 'long-1', text: 'write a lot' });
    await waitFor(
      'the reply to complete',
      () => eventsOf(ada.frames).some((e) => e.event.type === 'message.completed'),
      { timeoutMs: 60_000 },
    );
    const expected = textAt(0, REPLY);
    assert.ok(replyText(ada.frames) === expected, 'the client has the whole reply');
    ada.close();
    await server.restart();
    await answers(room);
    const reply = await stored(room);
    assert.equal(reply.status, 'complete');
    assert.equal(reply.text.length, REPLY);
    assert.ok(reply.text === expected, 'stored byte for byte');
  });

  it('keeps every character a client read when killed mid-reply', async () => {
    const room = 'kill-mid-reply';
    const ada = await openRaw(server, room);
    await ada.hello();
    ada.send({ type: 'message.send', id: 'cut-1', text: 'write slowly' });
    await waitFor('half a MiB read', () => replyText(ada.frames).length >= MiB / 2, {
      timeoutMs: 60_000,
    });
    await server.restart();
    await ada.closed;
    const read = replyText(ada.frames);
    await answers(room);
    const reply = await stored(room);
    assert.equal(reply.status, 'interrupted');
    assert.ok(reply.text.length >= read.length, `stored ${reply.text.length}, read ${read.length}`);
    assert.ok(reply.text.startsWith(read), 'what was read is a prefix of what is stored');
    assert.ok(reply.text === textAt(0, reply.text.length), 'no hole, no repeat');
  });

  it('keeps every word of reasoning a client read when killed mid-reasoning', async () => {
    const room = 'kill-mid-reasoning';
    const ada = await openRaw(server, room);
    await ada.hello();
    ada.send({ type: 'message.send', id: 'think-1', text: 'reason at length' });
    await waitFor('some reasoning read', () => replyReasoning(ada.frames).length >= 64 * 1024, {
      timeoutMs: 60_000,
    });
    await server.restart();
    await ada.closed;
    const read = replyReasoning(ada.frames);
    await answers(room);
    const reply = await stored(room);
    assert.equal(reply.status, 'interrupted');
    assert.equal(reply.text, '');
    const kept = reply.reasoning?.text ?? '';
    assert.ok(kept.length >= read.length, `stored ${kept.length}, read ${read.length}`);
    assert.ok(kept.startsWith(read), 'what was read is a prefix of what is stored');
    assert.ok(kept === textAt(0, kept.length), 'no hole, no repeat');
    assert.ok(reply.reasoning!.startedAt >= reply.createdAt);
  });

  it('keeps a 1 MiB webhook result byte for byte across a kill -9', async () => {
    const room = 'kill-big-result';
    const res = await fetch(`${server.roomUrl(room)}/tools/report.big/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'big-1' },
      body: JSON.stringify({ args: {} }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    const { call } = (await res.json()) as { call: { status: string; result: { text: string } } };
    assert.equal(call.status, 'done', JSON.stringify(call).slice(0, 300));
    const expected = textAt(0, RESULT_CHARS);
    assert.equal(call.result.text?.length, expected.length, JSON.stringify(call).slice(0, 400));
    assert.ok(call.result.text === expected, 'the result as the receiver sent it');
    await server.restart();
    await answers(room);
    const listed = await fetch(`${server.roomUrl(room)}/tools`);
    const { calls } = (await listed.json()) as {
      calls: { callId: string; status: string; result: { text: string } }[];
    };
    const again = calls.find((c) => c.callId === 'big-1');
    assert.equal(again?.status, 'done');
    assert.ok(again.result.text === expected, 'stored byte for byte');
  });
});
