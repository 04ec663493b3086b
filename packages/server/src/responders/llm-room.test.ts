// A room on a real `partykit dev` (workerd) answered by an OpenAI-compatible provider: a local
// fake that speaks the Chat Completions stream. What a client sees, and what the provider sees.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Message, MessagePage, ServerFrame } from '@realstream/protocol';
import { startServer, waitFor, type TestServer } from '@realstream/testing/harness';
import { eventsOf, openRaw, type RawSocket } from '@realstream/testing/raw-socket';
import { MAX_DELTA_CHARS } from '../replies.js';
import { FakeUpstream, openAiChunk, openAiStream, type Script } from './fake-upstream.js';

const KEY = 'sk-e2e-secret-0123456789';
const REPLY = ['Rooms', ' are', ' shared', ' logs', ' — ', 'héllo', ' 🎉', ' 中文', '.'];
const INCOMPLETE = 'This reply will break';
/** One chunk larger than a delta may be, with an emoji (a surrogate pair) across the first cut. */
const HUGE = `${'a'.repeat(MAX_DELTA_CHARS - 1)}🎉${'b'.repeat(MAX_DELTA_CHARS + 100)}`;

/** The fake provider's answer, chosen by the words of the message being answered. */
function script(body: any): Script {
  const last = String(body?.messages?.at(-1)?.content ?? '');
  if (last.includes('bad key')) {
    return {
      status: 401,
      body: [
        JSON.stringify({
          error: {
            message: `Incorrect API key provided: ${KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
            type: 'invalid_request_error',
            param: null,
            code: 'invalid_api_key',
          },
        }),
      ],
    };
  }
  if (last.includes('break')) {
    return {
      body: [
        openAiChunk({ role: 'assistant', content: '' }),
        ...INCOMPLETE.split(/(?= )/).map((content) => openAiChunk({ content })),
        `data: ${JSON.stringify({ error: { message: 'The model crashed while generating', type: 'server_error', param: null, code: null } })}\n\n`,
      ],
      hang: true,
    };
  }
  if (last.includes('huge')) return { body: openAiStream([HUGE]) };
  if (last.includes('think')) {
    // A model that starts, then says nothing for 3 s (thinking), then finishes.
    const stream = openAiStream(REPLY);
    return { body: [...stream.slice(0, 3), { wait: 3_000 }, ...stream.slice(3)] };
  }
  if (last.includes('long')) {
    return { body: [...openAiStream(REPLY).slice(0, 4), { wait: 30_000 }] };
  }
  return { body: openAiStream(REPLY, { usage: [42, REPLY.length] }) };
}

describe('a room answered by an OpenAI-compatible provider (partykit dev)', () => {
  let upstream: FakeUpstream;
  let server: TestServer;
  before(async () => {
    upstream = await FakeUpstream.start();
    upstream.handle((req) => script(req.body));
    server = await startServer({
      vars: {
        REALSTREAM_RESPONDER: 'openai',
        REALSTREAM_OPENAI_BASE_URL: `${upstream.url}/v1`,
        REALSTREAM_OPENAI_MODEL: 'test-model',
        REALSTREAM_OPENAI_API_KEY: KEY,
      },
    });
  });
  after(async () => {
    await server?.stop();
    await upstream?.close();
  });

  async function history(room: string): Promise<Message[]> {
    const res = await fetch(`${server.roomUrl(room)}/messages`);
    assert.equal(res.status, 200);
    return ((await res.json()) as MessagePage).messages;
  }

  /**
   * Sends `text` as Ada and waits for the reply to end, both in the stored history and on this socket
   * (the history can say "complete" while the last deltas are still on their way to the socket);
   * returns the reply as stored.
   */
  async function ask(sock: RawSocket, room: string, id: string, text: string): Promise<Message> {
    sock.send({ type: 'message.send', id, text });
    await sock.next('ack', (f) => f.id === id);
    const reply = await waitFor(
      `the reply to ${id} to end`,
      async () =>
        (await history(room)).find((m) => m.replyTo === id && m.status !== 'streaming') ?? null,
      { timeoutMs: 15_000 },
    );
    await waitFor(`the end of the reply to ${id} on the socket`, () =>
      eventsOf(sock.frames).some(
        (e) =>
          (e.event.type === 'message.completed' || e.event.type === 'message.failed') &&
          e.event.messageId === reply.id,
      ),
    );
    return reply;
  }

  it('streams the provider’s reply into the room, complete and exact', async () => {
    const sock = await openRaw(server, 'llm', { name: 'Ada' });
    await sock.hello();
    const reply = await ask(sock, 'llm', 'q-1', 'Tell me about rooms');
    assert.equal(reply.status, 'complete');
    assert.equal(reply.text, REPLY.join(''));
    assert.deepEqual(reply.usage, { inputTokens: 42, outputTokens: REPLY.length });
    assert.equal(reply.author.kind, 'assistant');

    // Every client rebuilds the same text from the deltas it was sent.
    const completed = await waitFor('the completion on the socket', () =>
      eventsOf(sock.frames).find(
        (e) => e.event.type === 'message.completed' && e.event.messageId === reply.id,
      ),
    );
    assert.equal((completed.event as { text: string }).text, REPLY.join(''));
    const deltas = eventsOf(sock.frames).flatMap((e) =>
      e.event.type === 'message.delta' && e.event.messageId === reply.id ? [e.event.text] : [],
    );
    assert.equal(deltas.join(''), REPLY.join(''));

    // The provider got the model, the key, the system prompt and Ada's name.
    const req = upstream.requests.find((r) =>
      r.body.messages?.at(-1)?.content?.includes('Tell me about rooms'),
    )!;
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.headers.authorization, `Bearer ${KEY}`);
    assert.equal(req.body.model, 'test-model');
    assert.equal(req.body.stream, true);
    assert.equal(req.body.messages[0].role, 'system');
    assert.deepEqual(req.body.messages.at(-1), {
      role: 'user',
      content: 'Ada: Tell me about rooms',
    });
    sock.close();
  });

  it('keeps the link warm while the model is silent mid-reply: a frame at least every second', async () => {
    const sock = await openRaw(server, 'llm-think', { name: 'Ada' });
    await sock.hello();
    const arrivals: { at: number; frame: ServerFrame }[] = [];
    sock.ws.on('message', (data) =>
      arrivals.push({ at: Date.now(), frame: JSON.parse(String(data)) as ServerFrame }),
    );
    const reply = await ask(sock, 'llm-think', 'think-1', 'Please think about rooms first');
    assert.equal(reply.text, REPLY.join(''));
    const seqOf = (type: string) =>
      eventsOf(sock.frames).find(
        (e) =>
          e.event.type === type &&
          ('message' in e.event
            ? e.event.message.id
            : (e.event as { messageId?: string }).messageId) === reply.id,
      )!.seq;
    const holds = ({ frame: f }: { frame: ServerFrame }, seq: number) =>
      (f.type === 'event' && f.seq === seq) ||
      (f.type === 'batch' && f.events.some((e) => e.seq === seq));
    // The reply streams from the frame that creates it to the one that completes it.
    const from = arrivals.findIndex((a) => holds(a, seqOf('message.created')));
    const to = arrivals.findIndex((a) => holds(a, seqOf('message.completed')));
    assert.ok(from >= 0 && to > from, 'the reply streamed on this socket');
    const during = arrivals.slice(from, to + 1);
    const gaps = during.slice(1).map((a, i) => a.at - during[i].at);
    const longest = Math.max(...gaps);
    assert.ok(
      longest < 1_400,
      `longest silence on a streaming link: ${longest} ms (${gaps.join(', ')})`,
    );
    const pongs = during.filter((a) => a.frame.type === 'pong').length;
    assert.ok(pongs >= 2, `${pongs} keep-alives while the model was silent for 3 s`);
    sock.close();
  });

  it('cuts a chunk larger than a delta into deltas of at most MAX_DELTA_CHARS, never inside a surrogate pair', async () => {
    const sock = await openRaw(server, 'llm-huge', { name: 'Ada' });
    await sock.hello();
    const reply = await ask(sock, 'llm-huge', 'huge-1', 'Say something huge');
    assert.equal(reply.text, HUGE);
    const deltas = eventsOf(sock.frames).flatMap((e) =>
      e.event.type === 'message.delta' && e.event.messageId === reply.id ? [e.event] : [],
    );
    assert.equal(deltas.length, 3, deltas.map((d) => d.text.length).join(', '));
    assert.deepEqual(
      deltas.map((d) => d.text.length),
      [MAX_DELTA_CHARS - 1, MAX_DELTA_CHARS, HUGE.length - 2 * MAX_DELTA_CHARS + 1],
    );
    let offset = 0;
    for (const d of deltas) {
      assert.equal(d.offset, offset);
      // No lone half of a surrogate pair at either end.
      assert.ok(
        !/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(d.text),
        `delta at ${d.offset} cut a pair`,
      );
      offset += d.text.length;
    }
    assert.equal(deltas.map((d) => d.text).join(''), HUGE);
    sock.close();
  });

  it('uses the room’s own system prompt once an operator sets one', async () => {
    const sock = await openRaw(server, 'llm-prompt', { name: 'Olga' }); // dev mode: an operator
    await sock.hello();
    sock.send({
      type: 'room.configure',
      id: 'k-1',
      settings: { systemPrompt: 'Answer like a ship’s captain.' },
    });
    await sock.next('ack', (f) => f.id === 'k-1');
    await ask(sock, 'llm-prompt', 'p-1', 'Ahoy, what is a room?');
    const req = upstream.requests.find((r) =>
      r.body.messages?.at(-1)?.content?.includes('Ahoy, what is a room?'),
    )!;
    assert.deepEqual(req.body.messages[0], {
      role: 'system',
      content: 'Answer like a ship’s captain.',
    });
    sock.close();
  });

  it('sends the room’s history with names, and the assistant’s earlier reply', async () => {
    const sock = await openRaw(server, 'llm-history', { name: 'Bob' });
    await sock.hello();
    await ask(sock, 'llm-history', 'h-1', 'First question');
    await ask(sock, 'llm-history', 'h-2', 'Second question');
    const req = upstream.requests.find((r) =>
      r.body.messages?.at(-1)?.content?.includes('Second question'),
    )!;
    assert.deepEqual(req.body.messages.slice(1), [
      { role: 'user', content: 'Bob: First question' },
      { role: 'assistant', content: REPLY.join('') },
      { role: 'user', content: 'Bob: Second question' },
    ]);
    sock.close();
  });

  it('fails the reply with the provider’s error text, never the key', async () => {
    const sock = await openRaw(server, 'llm-401', { name: 'Ada' });
    await sock.hello();
    const reply = await ask(sock, 'llm-401', 'k-1', 'try a bad key');
    assert.equal(reply.status, 'failed');
    assert.match(
      reply.error!.message,
      /openai answered HTTP 401: Incorrect API key provided: \[redacted\]/,
    );
    assert.equal(reply.text, '');
    const seen = JSON.stringify(sock.frames) + JSON.stringify(await history('llm-401'));
    assert.ok(!seen.includes(KEY), 'the key reached a client');
    assert.ok(!readFileSync(server.logFile, 'utf8').includes(KEY), 'the key is in the server log');
    sock.close();
  });

  it('fails a reply broken mid-stream with the provider’s text, keeping what was streamed', async () => {
    const sock = await openRaw(server, 'llm-break', { name: 'Ada' });
    await sock.hello();
    const reply = await ask(sock, 'llm-break', 'b-1', 'please break');
    assert.equal(reply.status, 'failed');
    assert.equal(reply.text, INCOMPLETE);
    assert.match(reply.error!.message, /The model crashed while generating/);
    const failed = await waitFor('the failure on the socket', () =>
      eventsOf(sock.frames).find((e) => e.event.type === 'message.failed'),
    );
    assert.equal((failed.event as { text: string }).text, INCOMPLETE);
    sock.close();
  });

  it('closes the provider request when someone stops the reply', async () => {
    const sock = await openRaw(server, 'llm-stop', { name: 'Ada' });
    await sock.hello();
    const before = upstream.requests.length;
    sock.send({ type: 'message.send', id: 's-1', text: 'a long answer please' });
    // The provider sends three tokens, then holds the line open.
    const streamed = REPLY.slice(0, 3).join('');
    const deltas = () =>
      eventsOf(sock.frames).flatMap((e) => (e.event.type === 'message.delta' ? [e.event] : []));
    await waitFor(
      'the streamed tokens',
      () =>
        deltas()
          .map((d) => d.text)
          .join('') === streamed,
    );
    const req = upstream.requests
      .slice(before)
      .find((r) => r.body.messages?.at(-1)?.content?.includes('long'))!;
    assert.ok(req, 'the provider got the request');
    assert.equal(req.closedEarly, false);
    sock.send({ type: 'message.stop', id: 'stop-1', messageId: deltas()[0].messageId });
    await sock.next('ack', (f) => f.id === 'stop-1');
    await waitFor('the provider to see the request closed', () => req.closedEarly, {
      timeoutMs: 5000,
    });
    const stopped = (await history('llm-stop')).find((m) => m.replyTo === 's-1')!;
    assert.equal(stopped.status, 'stopped');
    assert.equal(stopped.text, streamed);
    sock.close();
  });
});
