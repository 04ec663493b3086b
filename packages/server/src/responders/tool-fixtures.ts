/**
 * Test helper: a conversation with two rounds of assistant tool use, and the tools it offers, shared
 * by the provider tests that check how each API receives them.
 */
import type { ContextMessage, ResponderInput, ToolOffer } from './types.js';

export const TOOLS: ToolOffer[] = [
  {
    name: 'time.now',
    description: 'The current time in a time zone.',
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { timeZone: { type: 'string' } },
      additionalProperties: false,
    },
  },
  {
    name: 'math.evaluate',
    description: 'Evaluates an arithmetic expression.',
    inputSchema: {
      type: 'object',
      properties: { expression: { type: 'string', minLength: 1 } },
      required: ['expression'],
    },
  },
];

export const SCHEMAS = {
  time: {
    type: 'object',
    properties: { timeZone: { type: 'string' } },
    additionalProperties: false,
  },
  math: TOOLS[1].inputSchema,
};

/**
 * Ada asks a sum (one call, no lead-in text, answered), then Bob asks the time in two places while
 * saying something first (two calls, one failing): the room is about to ask for the final reply.
 */
export const TOOL_HISTORY: ContextMessage[] = [
  { role: 'user', name: 'Ada', text: 'What is 12*(3+4)?' },
  {
    role: 'assistant',
    name: 'Assistant',
    text: '',
    toolCalls: [{ id: 'call_1', name: 'math.evaluate', arguments: '{"expression":"12*(3+4)"}' }],
  },
  {
    role: 'tool',
    callId: 'call_1',
    name: 'math.evaluate',
    content: '{"expression":"12*(3+4)","result":84}',
    isError: false,
  },
  { role: 'assistant', name: 'Assistant', text: '**12\\*(3+4) = 84**' },
  { role: 'user', name: 'Bob', text: 'Time in Tokyo and Mars?' },
  {
    role: 'assistant',
    name: 'Assistant',
    text: 'Checking both.',
    toolCalls: [
      { id: 'call_2', name: 'time.now', arguments: '{"timeZone":"Asia/Tokyo"}' },
      { id: 'call_3', name: 'time.now', arguments: '{"timeZone":"Mars/Olympus' },
    ],
  },
  {
    role: 'tool',
    callId: 'call_2',
    name: 'time.now',
    content: '{"iso":"2026-11-25T07:04:00.000Z","timeZone":"Asia/Tokyo"}',
    isError: false,
  },
  {
    role: 'tool',
    callId: 'call_3',
    name: 'time.now',
    content: '{"error":{"code":"invalid_arguments","message":"arguments are not JSON"}}',
    isError: true,
  },
];

export const toolInput = (messages = TOOL_HISTORY, tools = TOOLS): ResponderInput => ({
  room: 'lobby',
  messages,
  tools,
});
