// What the Responses API responder sends: the conversation as input items, tools as functions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { responsesRequestBody } from './openai-responses.js';
import { toolInput } from './tool-fixtures.js';
import type { ProviderOptions } from './upstream.js';

const options: ProviderOptions = {
  baseUrl: 'https://api.openai.com/v1',
  apiKey: null,
  model: 'gpt-5-mini',
  temperature: null,
  maxTokens: null,
  systemPrompt: 'Be brief.',
  contextChars: 24_000,
  firstTokenMs: 5000,
  idleMs: 5000,
  retries: 0,
};

describe('responsesRequestBody', () => {
  it('sends each tool round as function_call and function_call_output items', () => {
    const body = responsesRequestBody(toolInput(), options);
    assert.equal(body.instructions, 'Be brief.');
    assert.deepEqual(body.input, [
      { role: 'user', content: 'Ada: What is 12*(3+4)?' },
      {
        type: 'function_call',
        call_id: 'call_1',
        name: 'math_evaluate',
        arguments: '{"expression":"12*(3+4)"}',
      },
      {
        type: 'function_call_output',
        call_id: 'call_1',
        output: '{"expression":"12*(3+4)","result":84}',
      },
      { role: 'assistant', content: '**12\\*(3+4) = 84**' },
      { role: 'user', content: 'Bob: Time in Tokyo and Mars?' },
      { role: 'assistant', content: 'Checking both.' },
      {
        type: 'function_call',
        call_id: 'call_2',
        name: 'time_now',
        arguments: '{"timeZone":"Asia/Tokyo"}',
      },
      {
        type: 'function_call',
        call_id: 'call_3',
        name: 'time_now',
        arguments: '{"timeZone":"Mars/Olympus',
      },
      {
        type: 'function_call_output',
        call_id: 'call_2',
        output: '{"iso":"2026-11-25T07:04:00.000Z","timeZone":"Asia/Tokyo"}',
      },
      {
        type: 'function_call_output',
        call_id: 'call_3',
        output: '{"error":{"code":"invalid_arguments","message":"arguments are not JSON"}}',
      },
    ]);
    assert.deepEqual(
      body.tools?.map((t) => [t.type, t.name, t.strict]),
      [
        ['function', 'time_now', false],
        ['function', 'math_evaluate', false],
      ],
    );
    assert.equal(body.tool_choice, 'auto');
    assert.equal(body.store, false);
    assert.ok(!('reasoning' in body) && !('max_output_tokens' in body) && !('temperature' in body));
  });

  it('offers no tools when told not to, and sends the settings that are set', () => {
    const body = responsesRequestBody(
      toolInput(),
      {
        ...options,
        maxTokens: 500,
        temperature: 0.2,
        reasoningEffort: 'high',
      },
      undefined,
      false,
    );
    assert.ok(!('tools' in body) && !('tool_choice' in body));
    assert.equal(body.max_output_tokens, 500);
    assert.equal(body.temperature, 0.2);
    assert.deepEqual(body.reasoning, { effort: 'high', summary: 'auto' });
  });
});
