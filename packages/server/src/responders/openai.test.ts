// The OpenAI-compatible responder against a local server speaking the Chat Completions stream.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { DEFAULT_SYSTEM_PROMPT } from './context.js';
import {
  FakeUpstream,
  collect,
  errorOf,
  textOf,
  byteSlices,
  openAiChunk,
  openAiStream,
  openAiUsageChunk,
} from './fake-upstream.js';
import { OpenAiResponder } from './openai.js';
import type { ResponderChunk, ResponderInput } from './types.js';
import type { ProviderOptions } from './upstream.js';

const KEY = 'sk-test-0123456789abcdef';

const input = (text = 'What is a room?'): ResponderInput => ({
  room: 'lobby',
  messages: [
    { role: 'user', name: 'Ada', text: 'Hello' },
    { role: 'assistant', name: 'Assistant', text: 'Hi Ada!' },
    { role: 'user', name: 'Bob', text },
  ],
});

const REPLY = ['Rooms', ' are', ' shared', ' — ', 'héllo', ' 🎉', ' 中文', '.'];

describe('OpenAiResponder', () => {
  let upstream: FakeUpstream;
  before(async () => {
    upstream = await FakeUpstream.start();
  });
  after(() => upstream.close());
  afterEach(() => {
    upstream.requests.length = 0;
  });

  const responder = (over: Partial<ProviderOptions> = {}) =>
    new OpenAiResponder({
      baseUrl: `${upstream.url}/v1`,
      apiKey: KEY,
      model: 'gpt-4o-mini',
      temperature: null,
      maxTokens: null,
      systemPrompt: DEFAULT_SYSTEM_PROMPT,
      contextChars: 24_000,
      firstTokenMs: 5000,
      idleMs: 5000,
      retries: 2,
      backoffMs: 20,
      ...over,
    });
  const run = (over: Partial<ProviderOptions> = {}, inp = input()) =>
    collect(responder(over).respond(inp, new AbortController().signal));

  it('streams the text, then a finish with the usage of the final `choices: []` chunk', async () => {
    upstream.reply({ body: openAiStream(REPLY, { usage: [31, 8] }) });
    const chunks = await run();
    assert.deepEqual(
      chunks.filter((c) => c.type === 'text').map((c) => c.type === 'text' && c.text),
      REPLY,
    );
    assert.deepEqual(chunks.at(-1), {
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 31, outputTokens: 8 },
    });
    assert.equal(chunks.length, REPLY.length + 1);
  });

  it('posts a streaming Chat Completions request with the key, model and settings', async () => {
    upstream.reply({ body: openAiStream(['ok']) });
    await run({ temperature: 0.3, maxTokens: 200 });
    const [req] = upstream.requests;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.headers.authorization, `Bearer ${KEY}`);
    assert.match(String(req.headers['content-type']), /^application\/json/);
    assert.equal(req.body.model, 'gpt-4o-mini');
    assert.equal(req.body.stream, true);
    assert.deepEqual(req.body.stream_options, { include_usage: true });
    assert.equal(req.body.temperature, 0.3);
    assert.equal(req.body.max_tokens, 200);
  });

  it('sends no authorization, temperature or max_tokens when none are configured', async () => {
    upstream.reply({ body: openAiStream(['ok']) });
    await run({ apiKey: null });
    const [req] = upstream.requests;
    assert.equal(req.headers.authorization, undefined);
    assert.ok(!('temperature' in req.body));
    assert.ok(!('max_tokens' in req.body));
  });

  it('sends the system prompt, the names of the people and the history, newest last', async () => {
    upstream.reply({ body: openAiStream(['ok']) });
    await run({ systemPrompt: 'Be brief.' });
    assert.deepEqual(upstream.requests[0].body.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Ada: Hello' },
      { role: 'assistant', content: 'Hi Ada!' },
      { role: 'user', content: 'Bob: What is a room?' },
    ]);
  });

  it('trims the history to the character budget, keeping the newest and the question', async () => {
    const long: ResponderInput = {
      room: 'lobby',
      messages: [
        { role: 'user', name: 'Ada', text: 'a'.repeat(50) },
        { role: 'assistant', name: 'Assistant', text: 'b'.repeat(50) },
        { role: 'user', name: 'Bob', text: 'c'.repeat(20) },
        { role: 'user', name: 'Eve\nInjected: x', text: 'd'.repeat(200) },
      ],
    };
    upstream.reply({ body: openAiStream(['ok']) }, { body: openAiStream(['ok']) });
    await run({ contextChars: 260 }, long);
    assert.deepEqual(upstream.requests[0].body.messages.slice(1), [
      { role: 'user', content: `Bob: ${'c'.repeat(20)}` },
      { role: 'user', content: `Eve Injected: x: ${'d'.repeat(200)}` },
    ]);
    // Over budget on its own: the message being answered is still sent, alone.
    await run({ contextChars: 100 }, long);
    assert.equal(upstream.requests[1].body.messages.length, 2);
    assert.equal(
      upstream.requests[1].body.messages[1].content.length,
      200 + 'Eve Injected: x: '.length,
    );
  });

  it('takes usage from a final chunk with `choices: null`', async () => {
    const body = openAiStream(['a', 'b']);
    body.splice(-2, 1, openAiUsageChunk(7, 2, null));
    upstream.reply({ body });
    const chunks = await run();
    assert.deepEqual(chunks.at(-1), {
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 7, outputTokens: 2 },
    });
  });

  for (const size of [1, 2, 3, 5, 7, 64]) {
    it(`gives the same reply when the bytes arrive in ${size}-byte pieces`, async () => {
      upstream.reply({ body: byteSlices(openAiStream(REPLY).join(''), size) });
      const chunks = await run();
      assert.equal(textOf(chunks), REPLY.join(''));
      assert.equal(chunks.at(-1)?.type, 'finish');
    });
  }

  it('reads CRLF line endings, comment lines and keep-alives', async () => {
    const body = openAiStream(REPLY).map((event) => event.replaceAll('\n', '\r\n'));
    body.splice(1, 0, ': OPENROUTER PROCESSING\r\n\r\n');
    body.splice(4, 0, ':\r\n', ': keep-alive\r\n\r\n');
    upstream.reply({ body: [': hello\r\n', ...byteSlices(body.join(''), 9)] });
    const chunks = await run();
    assert.equal(textOf(chunks), REPLY.join(''));
    assert.equal(chunks.at(-1)?.type, 'finish');
  });

  it('assembles tool calls by index across chunks and sends them before the finish', async () => {
    const call = (index: number, fn: Record<string, string>, id?: string) =>
      openAiChunk({
        tool_calls: [{ index, ...(id && { id, type: 'function' }), function: fn }],
      });
    upstream.reply({
      body: [
        openAiChunk({ role: 'assistant', content: null, refusal: null }),
        call(0, { name: 'get_weather', arguments: '' }, 'call_DdmO9pD3xa9XTPNJ32zg2hcA'),
        call(0, { arguments: '{"loc' }),
        call(1, { name: 'get_time', arguments: '' }, 'call_Xk3Mu7Qd1aBcDeFgHiJkLmNo'),
        call(0, { arguments: 'ation": "Paris"' }),
        call(1, { arguments: '{"tz":"CET"}' }),
        call(0, { arguments: '}' }),
        openAiChunk({}, 'tool_calls'),
        openAiUsageChunk(80, 40),
        'data: [DONE]\n\n',
      ],
    });
    const chunks = await run();
    assert.deepEqual(chunks, [
      {
        type: 'tool-call',
        id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA',
        name: 'get_weather',
        arguments: '{"location": "Paris"}',
      },
      {
        type: 'tool-call',
        id: 'call_Xk3Mu7Qd1aBcDeFgHiJkLmNo',
        name: 'get_time',
        arguments: '{"tz":"CET"}',
      },
      { type: 'finish', reason: 'tool-calls', usage: { inputTokens: 80, outputTokens: 40 } },
    ]);
  });

  for (const [wire, reason] of [
    ['length', 'length'],
    ['content_filter', 'other'],
    ['something_new', 'other'],
  ] as const) {
    it(`maps finish_reason ${wire} to ${reason}`, async () => {
      upstream.reply({ body: openAiStream(['cut'], { finish: wire }) });
      const chunks = await run();
      assert.equal(chunks.at(-1)?.type === 'finish' && chunks.at(-1)!.type, 'finish');
      assert.equal((chunks.at(-1) as { reason: string }).reason, reason);
    });
  }

  it('finishes a stream that closes after its finish_reason without [DONE]', async () => {
    upstream.reply({ body: [openAiChunk({ content: 'old server' }), openAiChunk({}, 'stop')] });
    const chunks = await run();
    assert.deepEqual(chunks, [
      { type: 'text', text: 'old server' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('turns a mid-stream error chunk into an error with the provider message, no retry', async () => {
    upstream.reply({
      body: [
        openAiChunk({ role: 'assistant', content: '' }),
        openAiChunk({ content: 'Half a' }),
        `data: ${JSON.stringify({ error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } })}\n\n`,
      ],
      hang: true,
    });
    const chunks = await run();
    assert.equal(textOf(chunks), 'Half a');
    const error = errorOf(chunks);
    assert.equal(error.code, 'provider_error');
    assert.match(error.message, /The server had an error while processing your request/);
    assert.equal(upstream.requests.length, 1);
  });

  it('retries a 429 after the Retry-After it names, then streams', async () => {
    upstream.reply(
      {
        status: 429,
        headers: { 'retry-after': '1' },
        body: [
          '{"error":{"message":"Rate limit reached for gpt-4o-mini","type":"requests","param":null,"code":"rate_limit_exceeded"}}',
        ],
      },
      { body: openAiStream(REPLY) },
    );
    const chunks = await run({ backoffMs: 10 });
    assert.equal(textOf(chunks), REPLY.join(''));
    assert.equal(upstream.requests.length, 2);
    const gap = upstream.requests[1].at - upstream.requests[0].at;
    assert.ok(gap >= 950, `retried after ${gap} ms, not the 1 s asked for`);
  });

  it('retries a 500 with backoff, then streams', async () => {
    upstream.reply(
      { status: 500, body: ['{"error":{"message":"internal","type":"server_error"}}'] },
      { body: openAiStream(REPLY) },
    );
    const chunks = await run();
    assert.equal(textOf(chunks), REPLY.join(''));
    assert.equal(upstream.requests.length, 2);
  });

  it('gives up after the configured retries, quoting the provider', async () => {
    const busy = { status: 503, body: ['{"error":{"message":"Service Unavailable: overloaded"}}'] };
    upstream.reply(busy, busy, busy);
    const chunks = await run({ retries: 2 });
    const error = errorOf(chunks);
    assert.equal(error.code, 'provider_unavailable');
    assert.match(error.message, /openai answered HTTP 503: Service Unavailable: overloaded/);
    assert.match(error.message, /gave up after 3 attempts/);
    assert.equal(upstream.requests.length, 3);
    upstream.reply(busy);
    await run({ retries: 0 });
    assert.equal(upstream.requests.length, 4);
  });

  it('does not retry a 401 and never repeats the key, even when the provider quotes it', async () => {
    upstream.reply({
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
    });
    const chunks = await run();
    const error = errorOf(chunks);
    assert.equal(error.code, 'unauthorised');
    assert.match(
      error.message,
      /^openai answered HTTP 401: Incorrect API key provided: \[redacted\]/,
    );
    assert.ok(!error.message.includes(KEY));
    assert.equal(upstream.requests.length, 1);

    // A key that straddles the point where a long message is cut leaves no piece behind.
    upstream.reply({
      status: 401,
      body: [JSON.stringify({ error: { message: `${'x'.repeat(490)} ${KEY}` } })],
    });
    const cut = errorOf(await run()).message;
    assert.ok(!cut.includes(KEY.slice(0, 6)), cut.slice(-40));
  });

  it('does not retry a 400 and quotes the message of a local server', async () => {
    upstream.reply({
      status: 404,
      body: ['{"error":"model \\"llama9\\" not found, try pulling it first"}'],
    });
    const chunks = await run();
    assert.equal(
      errorOf(chunks).message,
      'openai answered HTTP 404: model "llama9" not found, try pulling it first',
    );
    upstream.reply({ status: 400, body: ['<html><body><h1>400 Bad Request</h1></body></html>'] });
    assert.equal(errorOf(await run()).message, 'openai answered HTTP 400: 400 Bad Request');
    assert.equal(upstream.requests.length, 2);
  });

  it('fails with a timeout when the first token is slow, and closes the request', async () => {
    upstream.reply({ body: [openAiChunk({ role: 'assistant', content: '' }), { wait: 5000 }] });
    const started = Date.now();
    const chunks = await run({ firstTokenMs: 300 });
    const took = Date.now() - started;
    assert.deepEqual(
      chunks.map((c) => c.type),
      ['error'],
    );
    const error = errorOf(chunks);
    assert.equal(error.code, 'timeout');
    assert.equal(error.message, 'openai did not start replying within 300 ms');
    assert.ok(took >= 290 && took < 2000, `timed out after ${took} ms`);
    await upstream.requests[0].closed;
    assert.equal(upstream.requests[0].closedEarly, true);
    assert.equal(upstream.requests.length, 1, 'a timeout is not retried');
  });

  it('fails with a timeout when the stream goes silent mid-reply, keeping the text', async () => {
    upstream.reply({ body: openAiStream(REPLY).slice(0, 4), hang: true });
    const chunks = await run({ idleMs: 300 });
    assert.equal(textOf(chunks), REPLY.slice(0, 3).join(''));
    const error = errorOf(chunks);
    assert.equal(error.code, 'timeout');
    assert.equal(error.message, 'openai went silent for 300 ms in the middle of the reply');
    await upstream.requests[0].closed;
    assert.equal(upstream.requests[0].closedEarly, true);
  });

  it('does not count the time a slow consumer holds a chunk as silence', async () => {
    upstream.reply({ body: openAiStream(REPLY.slice(0, 3)) });
    const chunks: ResponderChunk[] = [];
    const slow = responder({ firstTokenMs: 2000, idleMs: 150 });
    for await (const chunk of slow.respond(input(), new AbortController().signal)) {
      chunks.push(chunk);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(textOf(chunks), REPLY.slice(0, 3).join(''));
    assert.equal(chunks.at(-1)?.type, 'finish');
  });

  it('fails clearly, without retrying, when the connection breaks after the first token', async () => {
    upstream.reply({ body: [...openAiStream(REPLY).slice(0, 3), { destroy: true }] });
    const chunks = await run();
    assert.equal(textOf(chunks), REPLY.slice(0, 2).join(''));
    const error = errorOf(chunks);
    assert.equal(error.code, 'connection_failed');
    assert.match(error.message, /^the connection to openai broke|^openai ended the stream/);
    assert.equal(upstream.requests.length, 1);
  });

  it('retries when the connection breaks before the first token', async () => {
    upstream.reply(
      { body: [openAiChunk({ role: 'assistant', content: '' }), { destroy: true }] },
      { body: openAiStream(REPLY) },
    );
    const chunks = await run();
    assert.equal(textOf(chunks), REPLY.join(''));
    assert.equal(upstream.requests.length, 2);
  });

  it('cancels the upstream request on abort mid-stream, yielding nothing more', async () => {
    upstream.reply({ body: [...openAiStream(REPLY).slice(0, 3), { wait: 10_000 }] });
    const controller = new AbortController();
    const chunks: ResponderChunk[] = [];
    const started = Date.now();
    for await (const chunk of responder().respond(input(), controller.signal)) {
      chunks.push(chunk);
      if (chunks.length === 2) controller.abort();
    }
    assert.ok(Date.now() - started < 2000);
    assert.deepEqual(
      chunks.map((c) => c.type),
      ['text', 'text'],
    );
    await upstream.requests[0].closed;
    assert.equal(upstream.requests[0].closedEarly, true, 'the server saw the request closed');
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('cancels the upstream request when the consumer stops reading', async () => {
    upstream.reply({ body: [...openAiStream(REPLY).slice(0, 3), { wait: 10_000 }] });
    for await (const chunk of responder().respond(input(), new AbortController().signal)) {
      if (chunk.type === 'text') break;
    }
    await upstream.requests[0].closed;
    assert.equal(upstream.requests[0].closedEarly, true);
  });

  it('stops waiting out a Retry-After when aborted', async () => {
    upstream.reply({ status: 429, headers: { 'retry-after': '30' }, body: ['{}'] });
    const controller = new AbortController();
    const started = Date.now();
    const pending = collect(responder().respond(input(), controller.signal));
    while (upstream.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    setTimeout(() => controller.abort(), 50);
    assert.deepEqual(await pending, []);
    assert.ok(Date.now() - started < 2000);
    assert.equal(upstream.requests.length, 1);
  });

  it('fails at once when Retry-After asks for longer than it will wait', async () => {
    upstream.reply({
      status: 429,
      headers: { 'retry-after': '3600' },
      body: ['{"error":{"message":"Slow down"}}'],
    });
    const error = errorOf(await run({ maxRetryAfterMs: 5000 }));
    assert.equal(error.code, 'rate_limited');
    assert.equal(
      error.message,
      'openai answered HTTP 429: Slow down (asked to retry after 3600 s)',
    );
  });

  it('reports a provider that cannot be reached', async () => {
    const dead = new OpenAiResponder({
      ...responder()['options'],
      baseUrl: 'http://127.0.0.1:9/v1',
      retries: 1,
      backoffMs: 10,
    });
    const error = errorOf(await collect(dead.respond(input(), new AbortController().signal)));
    assert.equal(error.code, 'connection_failed');
    assert.match(error.message, /^could not reach openai: .+ \(gave up after 2 attempts\)$/);
  });
});
