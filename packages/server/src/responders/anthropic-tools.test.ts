// Tool use through the Anthropic responder: what the API receives, what the room gets back.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AnthropicResponder } from './anthropic.js';
import {
  FakeUpstream,
  anthropicEvent,
  anthropicStart,
  anthropicStream,
  collect,
} from './fake-upstream.js';
import { SCHEMAS, TOOL_HISTORY, toolInput } from './tool-fixtures.js';
import type { ChatMessage, ContextMessage, ResponderInput } from './types.js';

describe('AnthropicResponder tools', () => {
  let upstream: FakeUpstream;
  before(async () => {
    upstream = await FakeUpstream.start();
  });
  after(() => upstream.close());
  afterEach(() => {
    upstream.requests.length = 0;
  });

  const run = (input: ResponderInput, contextChars = 24_000) =>
    collect(
      new AnthropicResponder({
        baseUrl: upstream.url,
        apiKey: 'sk-ant-test',
        model: 'claude-sonnet-4-5',
        temperature: null,
        maxTokens: null,
        systemPrompt: 'Be brief.',
        contextChars,
        firstTokenMs: 5000,
        idleMs: 5000,
        retries: 0,
      }).respond(input, new AbortController().signal),
    );

  it('offers the tools under provider names with input_schema, $schema dropped', async () => {
    upstream.reply({ body: anthropicStream(['ok']) });
    await run(toolInput());
    assert.deepEqual(upstream.requests[0].body.tools, [
      {
        name: 'time_now',
        description: 'The current time in a time zone.',
        input_schema: SCHEMAS.time,
      },
      {
        name: 'math_evaluate',
        description: 'Evaluates an arithmetic expression.',
        input_schema: SCHEMAS.math,
      },
    ]);
  });

  it('sends no tools when none are offered', async () => {
    upstream.reply({ body: anthropicStream(['ok']) });
    await run(toolInput(undefined, []));
    assert.ok(!('tools' in upstream.requests[0].body));
  });

  it('sends tool_use blocks, and the results of one turn together in one user turn', async () => {
    upstream.reply({ body: anthropicStream(['ok']) });
    await run(toolInput());
    assert.deepEqual(upstream.requests[0].body.messages, [
      { role: 'user', content: 'Ada: What is 12*(3+4)?' },
      {
        role: 'assistant',
        content: [
          {
            type: 'tool_use',
            id: 'call_1',
            name: 'math_evaluate',
            input: { expression: '12*(3+4)' },
          },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'call_1',
            content: '{"expression":"12*(3+4)","result":84}',
            is_error: false,
          },
        ],
      },
      { role: 'assistant', content: '**12\\*(3+4) = 84**' },
      { role: 'user', content: 'Bob: Time in Tokyo and Mars?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking both.' },
          { type: 'tool_use', id: 'call_2', name: 'time_now', input: { timeZone: 'Asia/Tokyo' } },
          // The model wrote broken JSON; the API only takes an object.
          { type: 'tool_use', id: 'call_3', name: 'time_now', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'call_2',
            content: '{"iso":"2026-11-25T07:04:00.000Z","timeZone":"Asia/Tokyo"}',
            is_error: false,
          },
          {
            type: 'tool_result',
            tool_use_id: 'call_3',
            content: '{"error":{"code":"invalid_arguments","message":"arguments are not JSON"}}',
            is_error: true,
          },
        ],
      },
    ]);
  });

  it('sends the thinking behind a round of calls back first, signatures and all, and no other provider’s', async () => {
    upstream.reply({ body: anthropicStream(['ok']) });
    const thinking = { type: 'thinking', thinking: 'Use the calculator.', signature: 'EqQBsig==' };
    const redacted = { type: 'redacted_thinking', data: 'EmwKAhgBopaque' };
    const [question, calls, result] = TOOL_HISTORY;
    const withThoughts: ContextMessage = {
      ...(calls as ChatMessage),
      reasoningItems: [
        { provider: 'anthropic', data: redacted },
        { provider: 'anthropic', data: thinking },
        { provider: 'openai-responses', data: { type: 'reasoning', id: 'rs_1' } },
      ],
    };
    await run(toolInput([question!, withThoughts, result!]));
    const sent = upstream.requests[0].body.messages[1];
    assert.deepEqual(sent.content.slice(0, 2), [redacted, thinking]);
    assert.equal(sent.content[2].type, 'tool_use');
    assert.equal(sent.content.length, 3);
  });

  it('puts what a person said next after the results, in the same user turn', async () => {
    upstream.reply({ body: anthropicStream(['ok']) });
    const next: ContextMessage = { role: 'user', name: 'Eve', text: 'And in Paris?' };
    await run(toolInput([...TOOL_HISTORY.slice(0, 3), next]));
    assert.deepEqual(upstream.requests[0].body.messages.slice(2), [
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: 'call_1',
            content: '{"expression":"12*(3+4)","result":84}',
            is_error: false,
          },
          { type: 'text', text: 'Eve: And in Paris?' },
        ],
      },
    ]);
  });

  it('drops a call and its result together when trimming leaves the call first', async () => {
    upstream.reply({ body: anthropicStream(['ok']) });
    const messages: ContextMessage[] = [
      { role: 'user', name: 'Ada', text: 'x'.repeat(500) },
      ...TOOL_HISTORY.slice(1, 3),
      { role: 'user', name: 'Ada', text: 'Thanks' },
    ];
    await run(toolInput(messages), 100);
    assert.deepEqual(upstream.requests[0].body.messages, [
      { role: 'user', content: 'Ada: Thanks' },
    ]);
  });

  it('streams tool calls back under their room names', async () => {
    const toolUse = (index: number, id: string, name: string, json: string) => [
      anthropicEvent('content_block_start', {
        index,
        content_block: { type: 'tool_use', id, name, input: {} },
      }),
      anthropicEvent('content_block_delta', {
        index,
        delta: { type: 'input_json_delta', partial_json: json },
      }),
      anthropicEvent('content_block_stop', { index }),
    ];
    upstream.reply({
      body: [
        anthropicStart(100),
        ...toolUse(0, 'toolu_a', 'time_now', '{"timeZone":"UTC"}'),
        ...toolUse(1, 'toolu_b', 'math_evaluate', '{"expression":"1+1"}'),
        anthropicEvent('message_delta', {
          delta: { stop_reason: 'tool_use', stop_sequence: null },
          usage: { output_tokens: 30 },
        }),
        anthropicEvent('message_stop', {}),
      ],
    });
    const chunks = await run(toolInput([{ role: 'user', name: 'Ada', text: 'Go' }]));
    assert.deepEqual(chunks, [
      { type: 'tool-call', id: 'toolu_a', name: 'time.now', arguments: '{"timeZone":"UTC"}' },
      {
        type: 'tool-call',
        id: 'toolu_b',
        name: 'math.evaluate',
        arguments: '{"expression":"1+1"}',
      },
      { type: 'finish', reason: 'tool-calls', usage: { inputTokens: 100, outputTokens: 30 } },
    ]);
  });
});
