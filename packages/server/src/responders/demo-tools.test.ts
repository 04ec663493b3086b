// The demo responder's offline tool use: the question spotted, the call asked for, the result worded.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DemoResponder, demoReply, tokenize } from './demo.js';
import { findExpression, guessTimeZone, planToolCall, toolResultReply } from './demo-tools.js';
import { collect, textOf as joined } from './fake-upstream.js';
import type { ContextMessage, ResponderChunk, ResponderInput, ToolOffer } from './types.js';

const texts = (chunks: ResponderChunk[]) =>
  chunks.flatMap((c) => (c.type === 'text' ? [c.text] : []));

describe('DemoResponder tool use', () => {
  const offer = (name: string): ToolOffer => ({ name, description: name, inputSchema: {} });
  const TOOLS = [offer('time.now'), offer('math.evaluate')];
  const ask = (text: string, tools = TOOLS, after: ContextMessage[] = []): ResponderInput => ({
    room: 'lobby',
    messages: [{ role: 'user', name: 'Ada', text }, ...after],
    tools,
  });
  const play = (inp: ResponderInput) =>
    collect(
      new DemoResponder({ tokensPerSecond: 0, replyTokens: 0 }).respond(
        inp,
        new AbortController().signal,
      ),
    );
  const CALC = 'Let me calculate that.';
  const CLOCK = 'Let me check the clock.';

  for (const c of [
    {
      prompt: 'what is 12*(3+4)?',
      lead: CALC,
      call: ['math.evaluate', '{"expression":"12*(3+4)"}'],
      result: '{"expression":"12*(3+4)","result":84}',
      // Escaped so the product's `*` does not end the bold early.
      reply: '**12\\*(3+4) = 84**',
    },
    {
      prompt: 'What time is it in Tokyo?',
      lead: CLOCK,
      call: ['time.now', '{"timeZone":"Asia/Tokyo"}'],
      result: '{"iso":"2026-11-25T07:04:00.000Z","timeZone":"Asia/Tokyo"}',
      reply: 'It is 16:04 in Asia/Tokyo (Wednesday).',
    },
    {
      prompt: 'calculate 2^10 / 4',
      lead: CALC,
      call: ['math.evaluate', '{"expression":"2^10 / 4"}'],
      result: '{"error":{"code":"invalid_expression","message":"division by zero"}}',
      isError: true,
      reply: 'I could not calculate `2^10 / 4` (`invalid_expression`): division by zero',
    },
  ]) {
    it(`asks ${c.call[0]} for "${c.prompt}", then answers with the result`, async () => {
      const first = await play(ask(c.prompt));
      assert.equal(joined(first), c.lead);
      const call = first.at(-2);
      assert.ok(call?.type === 'tool-call', `expected a tool call, got ${JSON.stringify(call)}`);
      assert.match(call.id, /^demo-[0-9a-f]+$/);
      assert.deepEqual([call.name, call.arguments], c.call);
      const outputTokens = tokenize(c.lead).length + 1;
      const inputTokens = tokenize(c.prompt).length;
      assert.deepEqual(first.at(-1), {
        type: 'finish',
        reason: 'tool-calls',
        usage: { inputTokens, outputTokens },
      });

      const { type: _, ...toolCall } = call;
      const second = await play(
        ask(c.prompt, TOOLS, [
          { role: 'assistant', name: 'Assistant', text: c.lead, toolCalls: [toolCall] },
          {
            role: 'tool',
            callId: call.id,
            name: call.name,
            content: c.result,
            isError: !!c.isError,
          },
        ]),
      );
      assert.equal(joined(second), c.reply);
      assert.equal((second.at(-1) as { reason: string }).reason, 'stop');
    });
  }

  it('gives the plain demo reply without tools, or when no tool fits', async () => {
    for (const inp of [
      ask('what is 12*(3+4)?', []),
      { ...ask('what time is it?'), tools: undefined },
      ask('what time is it?', [offer('math.evaluate')]),
      ask('Tell me about rooms'),
    ]) {
      const chunks = await play(inp);
      const prompt = (inp.messages[0] as { text: string }).text;
      assert.deepEqual(texts(chunks), tokenize(demoReply(prompt)));
      assert.equal((chunks.at(-1) as { reason: string }).reason, 'stop');
    }
  });

  it('asks with the same call id for the same conversation', async () => {
    assert.deepEqual(await play(ask('sqrt(2)*3')), await play(ask('sqrt(2)*3')));
  });
});

describe('findExpression', () => {
  for (const [text, expression] of [
    ['what is 12*(3+4)?', '12*(3+4)'],
    ['calculate 2^10 / 4', '2^10 / 4'],
    ['sqrt(2)*3', 'sqrt(2)*3'],
    ['what is (2+3)*4, please', '(2+3)*4'],
    ['max(1, 2) + 3 or so', 'max(1, 2) + 3'],
    ['(that is 2+2)', '2+2'],
    ['3 × 4 ÷ 2', '3 * 4 / 2'],
    ['what is 5 - 3? and 1+1', '5 - 3'],
    ['1+1 or rather 100 * (2 + 3)', '100 * (2 + 3)'],
    ['I have 2 cats and 3 dogs', null],
    ['-5', null],
    ['1, 2 and 3', null],
    ['see you on 2026-11-25', null],
    ['sqrt(2', null],
    ['hello', null],
  ] as const) {
    it(`finds ${JSON.stringify(expression)} in ${JSON.stringify(text)}`, () => {
      assert.equal(findExpression(text), expression);
    });
  }
});

describe('guessTimeZone', () => {
  it('takes a zone written out, then a known city, else UTC', () => {
    assert.equal(guessTimeZone('time in Europe/Lisbon please'), 'Europe/Lisbon');
    assert.equal(guessTimeZone('time in Tokyo'), 'Asia/Tokyo');
    assert.equal(guessTimeZone('what time is it in new york or london'), 'America/New_York');
    assert.equal(guessTimeZone('time in America/Nowhere'), 'UTC');
    assert.equal(guessTimeZone('what time is it?'), 'UTC');
  });
});

describe('planToolCall', () => {
  it('only plans calls to tools that are offered', () => {
    assert.equal(planToolCall('what time is it?', new Set(['math.evaluate'])), null);
    assert.equal(planToolCall('what is 2+2', new Set(['time.now'])), null);
    assert.equal(planToolCall('what is 2+2', new Set(['math.evaluate']))?.name, 'math.evaluate');
  });
});

describe('toolResultReply', () => {
  const result = (name: string, content: string, isError = false): ContextMessage => ({
    role: 'tool',
    callId: 'c1',
    name,
    content,
    isError,
  });

  it('is null unless the conversation ends in tool results', () => {
    assert.equal(toolResultReply([{ role: 'user', name: 'Ada', text: 'hi' }]), null);
    assert.equal(toolResultReply([]), null);
  });

  it('keeps a multi-line error in a code block', () => {
    const error = { error: { code: 'invalid_expression', message: 'bad\n  1+\n    ^' } };
    assert.equal(
      toolResultReply([result('math.evaluate', JSON.stringify(error), true)]),
      'I could not calculate `?` (`invalid_expression`):\n\n```\nbad\n  1+\n    ^\n```',
    );
  });

  it('shows the result of another tool, or an unreadable clock, as JSON', () => {
    assert.equal(
      toolResultReply([result('crm.lookup', '{"id":7}')]),
      'The `crm.lookup` tool returned:\n\n```json\n{\n  "id": 7\n}\n```',
    );
    assert.match(
      toolResultReply([result('time.now', '{"time":"16:04"}')])!,
      /^The `time.now` tool/,
    );
  });
});
