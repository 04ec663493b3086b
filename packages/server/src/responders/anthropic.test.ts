// The Anthropic responder against a local server speaking the Messages API event stream.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AnthropicResponder, ANTHROPIC_DEFAULT_MAX_TOKENS } from './anthropic.js';
import { DEFAULT_SYSTEM_PROMPT } from './context.js';
import {
  FakeUpstream,
  collect,
  errorOf,
  textOf,
  anthropicEvent,
  anthropicStart,
  anthropicStream,
  byteSlices,
} from './fake-upstream.js';
import type { ResponderChunk, ResponderInput } from './types.js';
import type { ProviderOptions } from './upstream.js';

const KEY = 'sk-ant-api03-test-0123456789';

const input = (text = 'What is a room?'): ResponderInput => ({
  room: 'lobby',
  messages: [
    { role: 'user', name: 'Ada', text: 'Hello' },
    { role: 'assistant', name: 'Assistant', text: 'Hi Ada!' },
    { role: 'user', name: 'Ada', text: 'Bob is here too.' },
    { role: 'user', name: 'Bob', text },
  ],
});

const REPLY = ['Hello', '!', ' Rooms', ' are', ' shared', ' — ', 'héllo 🎉 中文'];
const OVERLOADED =
  'event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n';

describe('AnthropicResponder', () => {
  let upstream: FakeUpstream;
  before(async () => {
    upstream = await FakeUpstream.start();
  });
  after(() => upstream.close());
  afterEach(() => {
    upstream.requests.length = 0;
  });

  const responder = (over: Partial<ProviderOptions> = {}) =>
    new AnthropicResponder({
      baseUrl: upstream.url,
      apiKey: KEY,
      model: 'claude-sonnet-4-5',
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

  it('streams text deltas, then a finish with input and output usage', async () => {
    upstream.reply({ body: anthropicStream(REPLY, { inputTokens: 25, outputTokens: 15 }) });
    const chunks = await run();
    assert.deepEqual(
      chunks.filter((c) => c.type === 'text').map((c) => c.type === 'text' && c.text),
      REPLY,
    );
    assert.deepEqual(chunks.at(-1), {
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 25, outputTokens: 15 },
    });
    assert.equal(chunks.length, REPLY.length + 1);
  });

  it('posts to /v1/messages with the key, version, system prompt and max_tokens', async () => {
    upstream.reply({ body: anthropicStream(['ok']) });
    await run({ systemPrompt: 'Be brief.' });
    const [req] = upstream.requests;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/v1/messages');
    assert.equal(req.headers['x-api-key'], KEY);
    assert.equal(req.headers['anthropic-version'], '2023-06-01');
    assert.equal(req.headers.authorization, undefined);
    assert.equal(req.body.model, 'claude-sonnet-4-5');
    assert.equal(req.body.stream, true);
    assert.equal(req.body.system, 'Be brief.');
    assert.equal(req.body.max_tokens, ANTHROPIC_DEFAULT_MAX_TOKENS);
    assert.ok(!('temperature' in req.body));
  });

  it('sends the configured temperature and max tokens', async () => {
    upstream.reply({ body: anthropicStream(['ok']) });
    await run({ temperature: 0.5, maxTokens: 256 });
    assert.equal(upstream.requests[0].body.temperature, 0.5);
    assert.equal(upstream.requests[0].body.max_tokens, 256);
  });

  it('merges people speaking in a row into one user turn, names kept, turns alternating', async () => {
    upstream.reply({ body: anthropicStream(['ok']) });
    await run();
    assert.deepEqual(upstream.requests[0].body.messages, [
      { role: 'user', content: 'Ada: Hello' },
      { role: 'assistant', content: 'Hi Ada!' },
      { role: 'user', content: 'Ada: Bob is here too.\n\nBob: What is a room?' },
    ]);
  });

  it('starts with a user turn when trimming leaves an assistant turn first', async () => {
    upstream.reply({ body: anthropicStream(['ok']) });
    const inp: ResponderInput = {
      room: 'r',
      messages: [
        { role: 'user', name: 'Ada', text: 'x'.repeat(500) },
        { role: 'assistant', name: 'Assistant', text: 'An answer' },
        { role: 'user', name: 'Ada', text: 'Thanks' },
      ],
    };
    await run({ contextChars: 100 }, inp);
    assert.deepEqual(upstream.requests[0].body.messages, [
      { role: 'user', content: 'Ada: Thanks' },
    ]);
  });

  for (const size of [1, 3, 4, 11]) {
    it(`gives the same reply when the bytes arrive in ${size}-byte pieces`, async () => {
      upstream.reply({ body: byteSlices(anthropicStream(REPLY).join(''), size) });
      const chunks = await run();
      assert.equal(textOf(chunks), REPLY.join(''));
      assert.equal(chunks.at(-1)?.type, 'finish');
    });
  }

  it('reads CRLF line endings, comments, pings and unknown event types', async () => {
    const body = anthropicStream(REPLY);
    body.splice(2, 0, ': comment\n\n', anthropicEvent('some_future_event', { index: 0, x: 1 }));
    body.splice(6, 0, 'event: ping\ndata: {"type": "ping"}\n\n');
    const crlf = body.join('').replaceAll('\n', '\r\n');
    upstream.reply({ body: byteSlices(crlf, 5) });
    const chunks = await run();
    assert.equal(textOf(chunks), REPLY.join(''));
    assert.equal(chunks.at(-1)?.type, 'finish');
  });

  it('assembles a tool_use block from input_json_delta fragments', async () => {
    upstream.reply({
      body: [
        anthropicStart(472),
        anthropicEvent('content_block_start', {
          index: 0,
          content_block: { type: 'text', text: '' },
        }),
        anthropicEvent('content_block_delta', {
          index: 0,
          delta: { type: 'text_delta', text: 'Let me check the weather.' },
        }),
        anthropicEvent('content_block_stop', { index: 0 }),
        anthropicEvent('content_block_start', {
          index: 1,
          content_block: {
            type: 'tool_use',
            id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
            name: 'get_weather',
            input: {},
          },
        }),
        anthropicEvent('content_block_delta', {
          index: 1,
          delta: { type: 'input_json_delta', partial_json: '' },
        }),
        anthropicEvent('content_block_delta', {
          index: 1,
          delta: { type: 'input_json_delta', partial_json: '{"location": "San Fra' },
        }),
        'event: ping\ndata: {"type": "ping"}\n\n',
        anthropicEvent('content_block_delta', {
          index: 1,
          delta: { type: 'input_json_delta', partial_json: 'ncisco, CA", "unit": "fahrenheit"}' },
        }),
        anthropicEvent('content_block_stop', { index: 1 }),
        anthropicEvent('message_delta', {
          delta: { stop_reason: 'tool_use', stop_sequence: null },
          usage: { output_tokens: 89 },
        }),
        anthropicEvent('message_stop', {}),
      ],
    });
    const chunks = await run();
    assert.deepEqual(chunks, [
      { type: 'text', text: 'Let me check the weather.' },
      {
        type: 'tool-call',
        id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
        name: 'get_weather',
        arguments: '{"location": "San Francisco, CA", "unit": "fahrenheit"}',
      },
      { type: 'finish', reason: 'tool-calls', usage: { inputTokens: 472, outputTokens: 89 } },
    ]);
  });

  it('asks for extended thinking with REALSTREAM_LLM_THINKING_TOKENS, room left for the answer', async () => {
    upstream.reply({ body: anthropicStream(['ok']) });
    await run({ temperature: 0.5, maxTokens: 2000, thinkingTokens: 8000 });
    const { body } = upstream.requests[0];
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 8000 });
    assert.ok(body.max_tokens > 8000, `max_tokens ${body.max_tokens} above the budget`);
    assert.ok(!('temperature' in body), 'thinking takes only the default temperature');
  });

  it('maps max_tokens to a length finish', async () => {
    upstream.reply({ body: anthropicStream(['cut'], { stopReason: 'max_tokens' }) });
    const chunks = await run();
    assert.equal((chunks.at(-1) as { reason: string }).reason, 'length');
  });

  it('turns a mid-stream error event into an error with the provider text, no retry', async () => {
    upstream.reply({ body: [...anthropicStream(REPLY).slice(0, 5), OVERLOADED], hang: true });
    const chunks = await run();
    assert.equal(textOf(chunks), REPLY.slice(0, 2).join(''));
    const error = errorOf(chunks);
    assert.equal(error.code, 'provider_error');
    assert.equal(error.message, 'anthropic: Overloaded (overloaded_error)');
    assert.equal(upstream.requests.length, 1);
  });

  it('retries an overloaded_error event that comes before the first token', async () => {
    upstream.reply({ body: [anthropicStart(), OVERLOADED] }, { body: anthropicStream(REPLY) });
    const chunks = await run();
    assert.equal(textOf(chunks), REPLY.join(''));
    assert.equal(upstream.requests.length, 2);
  });

  it('retries a 529 overloaded answer, then streams', async () => {
    upstream.reply(
      {
        status: 529,
        body: ['{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'],
      },
      { body: anthropicStream(REPLY) },
    );
    const chunks = await run();
    assert.equal(textOf(chunks), REPLY.join(''));
    assert.equal(upstream.requests.length, 2);
  });

  it('retries a 429 after its Retry-After, then streams', async () => {
    upstream.reply(
      {
        status: 429,
        headers: { 'retry-after': '1' },
        body: [
          '{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}',
        ],
      },
      { body: anthropicStream(REPLY) },
    );
    const chunks = await run({ backoffMs: 10 });
    assert.equal(textOf(chunks), REPLY.join(''));
    const gap = upstream.requests[1].at - upstream.requests[0].at;
    assert.ok(gap >= 950, `retried after ${gap} ms, not the 1 s asked for`);
  });

  it('does not retry a 401, quoting the provider without the key', async () => {
    upstream.reply({
      status: 401,
      body: [
        '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}',
      ],
    });
    const error = errorOf(await run());
    assert.equal(error.code, 'unauthorised');
    assert.equal(error.message, 'anthropic answered HTTP 401: invalid x-api-key');
    assert.equal(upstream.requests.length, 1);
  });

  it('does not retry a 400, quoting the provider', async () => {
    upstream.reply({
      status: 400,
      body: [
        '{"type":"error","error":{"type":"invalid_request_error","message":"temperature: range: 0..1"}}',
      ],
    });
    const error = errorOf(await run({ temperature: 1.5 }));
    assert.equal(error.message, 'anthropic answered HTTP 400: temperature: range: 0..1');
    assert.equal(upstream.requests.length, 1);
  });

  it('times out when only pings arrive before the first token', async () => {
    upstream.reply({
      body: [
        anthropicStart(),
        ...Array.from({ length: 20 }, () => 'event: ping\ndata: {"type": "ping"}\n\n'),
      ],
      gapMs: 50,
      hang: true,
    });
    const started = Date.now();
    const chunks = await run({ firstTokenMs: 300 });
    const took = Date.now() - started;
    const error = errorOf(chunks);
    assert.equal(error.code, 'timeout');
    assert.equal(error.message, 'anthropic did not start replying within 300 ms');
    assert.ok(took < 1500, `timed out after ${took} ms`);
    await upstream.requests[0].closed;
    assert.equal(upstream.requests[0].closedEarly, true);
  });

  it('times out when the stream goes silent mid-reply', async () => {
    upstream.reply({ body: anthropicStream(REPLY).slice(0, 5), hang: true });
    const chunks = await run({ idleMs: 300 });
    assert.equal(textOf(chunks), REPLY.slice(0, 2).join(''));
    const error = errorOf(chunks);
    assert.equal(error.code, 'timeout');
    assert.equal(error.message, 'anthropic went silent for 300 ms in the middle of the reply');
    await upstream.requests[0].closed;
    assert.equal(upstream.requests[0].closedEarly, true);
  });

  it('fails clearly when the stream ends without message_stop after the first token', async () => {
    upstream.reply({ body: anthropicStream(REPLY).slice(0, 5) });
    const chunks = await run();
    assert.equal(
      errorOf(chunks).message,
      'anthropic ended the stream before the reply was finished',
    );
    assert.equal(upstream.requests.length, 1);
  });

  it('cancels the upstream request on abort mid-stream', async () => {
    upstream.reply({ body: [...anthropicStream(REPLY).slice(0, 5), { wait: 10_000 }] });
    const controller = new AbortController();
    const chunks: ResponderChunk[] = [];
    for await (const chunk of responder().respond(input(), controller.signal)) {
      chunks.push(chunk);
      if (chunks.length === 2) controller.abort();
    }
    assert.deepEqual(
      chunks.map((c) => c.type),
      ['text', 'text'],
    );
    await upstream.requests[0].closed;
    assert.equal(upstream.requests[0].closedEarly, true, 'the server saw the request closed');
  });
});
