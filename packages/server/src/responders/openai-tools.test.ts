// Tool use through the OpenAI-compatible responder: what the API receives, what the room gets back.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  FakeUpstream,
  collect,
  openAiChunk,
  openAiStream,
  openAiUsageChunk,
} from './fake-upstream.js';
import { OpenAiResponder } from './openai.js';
import { SCHEMAS, TOOLS, toolInput } from './tool-fixtures.js';
import type { ResponderInput } from './types.js';

describe('OpenAiResponder tools', () => {
  let upstream: FakeUpstream;
  before(async () => {
    upstream = await FakeUpstream.start();
  });
  after(() => upstream.close());
  afterEach(() => {
    upstream.requests.length = 0;
  });

  const run = (input: ResponderInput) =>
    collect(
      new OpenAiResponder({
        baseUrl: `${upstream.url}/v1`,
        apiKey: 'sk-test',
        model: 'gpt-4o-mini',
        temperature: null,
        maxTokens: null,
        systemPrompt: 'Be brief.',
        contextChars: 24_000,
        firstTokenMs: 5000,
        idleMs: 5000,
        retries: 0,
      }).respond(input, new AbortController().signal),
    );

  it('offers the tools as functions under provider names, $schema dropped', async () => {
    upstream.reply({ body: openAiStream(['ok']) });
    await run(toolInput());
    const { body } = upstream.requests[0];
    assert.deepEqual(body.tools, [
      {
        type: 'function',
        function: {
          name: 'time_now',
          description: 'The current time in a time zone.',
          parameters: SCHEMAS.time,
        },
      },
      {
        type: 'function',
        function: {
          name: 'math_evaluate',
          description: 'Evaluates an arithmetic expression.',
          parameters: SCHEMAS.math,
        },
      },
    ]);
    assert.equal(body.tool_choice, 'auto');
  });

  it('sends neither tools nor tool_choice when no tools are offered', async () => {
    upstream.reply({ body: openAiStream(['ok']) });
    await run(toolInput(undefined, []));
    assert.ok(!('tools' in upstream.requests[0].body));
    assert.ok(!('tool_choice' in upstream.requests[0].body));
  });

  it('sends assistant turns with their tool_calls and one tool message per result', async () => {
    upstream.reply({ body: openAiStream(['ok']) });
    await run(toolInput());
    assert.deepEqual(upstream.requests[0].body.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Ada: What is 12*(3+4)?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'math_evaluate', arguments: '{"expression":"12*(3+4)"}' },
          },
        ],
      },
      {
        role: 'tool',
        tool_call_id: 'call_1',
        content: '{"expression":"12*(3+4)","result":84}',
      },
      { role: 'assistant', content: '**12\\*(3+4) = 84**' },
      { role: 'user', content: 'Bob: Time in Tokyo and Mars?' },
      {
        role: 'assistant',
        content: 'Checking both.',
        tool_calls: [
          {
            id: 'call_2',
            type: 'function',
            function: { name: 'time_now', arguments: '{"timeZone":"Asia/Tokyo"}' },
          },
          {
            id: 'call_3',
            type: 'function',
            function: { name: 'time_now', arguments: '{"timeZone":"Mars/Olympus' },
          },
        ],
      },
      {
        role: 'tool',
        tool_call_id: 'call_2',
        content: '{"iso":"2026-11-25T07:04:00.000Z","timeZone":"Asia/Tokyo"}',
      },
      {
        role: 'tool',
        tool_call_id: 'call_3',
        content: '{"error":{"code":"invalid_arguments","message":"arguments are not JSON"}}',
      },
    ]);
  });

  it('streams tool calls back under their room names', async () => {
    const call = (index: number, id: string, name: string, args: string) =>
      openAiChunk({
        tool_calls: [{ index, id, type: 'function', function: { name, arguments: args } }],
      });
    upstream.reply({
      body: [
        openAiChunk({ role: 'assistant', content: null, refusal: null }),
        call(0, 'call_a', 'math_evaluate', '{"expression":"2^10"}'),
        call(1, 'call_b', 'time_now', '{}'),
        call(2, 'call_c', 'made_up', '{}'),
        openAiChunk({}, 'tool_calls'),
        openAiUsageChunk(80, 40),
        'data: [DONE]\n\n',
      ],
    });
    const chunks = await run(toolInput([{ role: 'user', name: 'Ada', text: 'Go' }]));
    assert.deepEqual(
      chunks.map((c) => (c.type === 'tool-call' ? [c.id, c.name, c.arguments] : c.type)),
      [
        ['call_a', 'math.evaluate', '{"expression":"2^10"}'],
        ['call_b', 'time.now', '{}'],
        // Not a tool we offered: passed through for the room to refuse.
        ['call_c', 'made_up', '{}'],
        'finish',
      ],
    );
  });

  it('keeps two room names that map alike apart, both ways', async () => {
    const tools = [
      { ...TOOLS[0], name: 'a.b' },
      { ...TOOLS[1], name: 'a_b' },
    ];
    upstream.reply({
      body: [
        openAiChunk({
          tool_calls: [
            { index: 0, id: 'c', type: 'function', function: { name: 'a_b_2', arguments: '{}' } },
          ],
        }),
        openAiChunk({}, 'tool_calls'),
        'data: [DONE]\n\n',
      ],
    });
    const chunks = await run(toolInput([{ role: 'user', name: 'Ada', text: 'Go' }], tools));
    assert.deepEqual(
      upstream.requests[0].body.tools.map((t: any) => t.function.name),
      ['a_b_2', 'a_b'],
    );
    assert.deepEqual(chunks[0], { type: 'tool-call', id: 'c', name: 'a.b', arguments: '{}' });
  });
});
