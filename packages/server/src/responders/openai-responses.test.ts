// What the Responses API responder sends: the conversation as input items, tools as functions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ResponsesDecoder, responsesRequestBody } from './openai-responses.js';
import { TOOL_HISTORY, toolInput } from './tool-fixtures.js';
import type { ChatMessage, ContextMessage } from './types.js';
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

  it('sends the reasoning behind a round of calls back before them, and no other provider’s', () => {
    const item = { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAA-opaque' };
    const [question, calls, result] = TOOL_HISTORY;
    const withThoughts: ContextMessage = {
      ...(calls as ChatMessage),
      reasoningItems: [
        { provider: 'openai-responses', data: item },
        { provider: 'anthropic', data: { type: 'thinking', thinking: 'x', signature: 'y' } },
      ],
    };
    const body = responsesRequestBody(toolInput([question!, withThoughts, result!]), options);
    assert.deepEqual(
      body.input.map((i) => i.type ?? i.role),
      ['user', 'reasoning', 'function_call', 'function_call_output'],
    );
    assert.deepEqual(body.input[1], item);
  });

  it('keeps a reasoning item for the next round only with its encrypted content', () => {
    const decoder = new ResponsesDecoder();
    const done = (item: Record<string, unknown>) =>
      decoder.event({
        event: 'response.output_item.done',
        data: JSON.stringify({ type: 'response.output_item.done', output_index: 0, item }),
      });
    const item = { id: 'rs_1', type: 'reasoning', summary: [], encrypted_content: 'gAAAA' };
    assert.deepEqual(done(item), [
      { type: 'reasoning-item', item: { provider: 'openai-responses', data: item } },
    ]);
    // Stored nowhere upstream (store: false), an item without it could not be found again.
    assert.deepEqual(done({ id: 'rs_2', type: 'reasoning', summary: [] }), []);
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
