import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { DemoResponder, demoReply, tokenize } from './demo.js';
import type { ResponderChunk, ResponderInput } from './types.js';

const input = (text: string): ResponderInput => ({
  room: 'lobby',
  messages: [
    { role: 'user', name: 'Ada', text: 'earlier question' },
    { role: 'assistant', name: 'Assistant', text: 'earlier answer' },
    { role: 'user', name: 'Ada', text },
  ],
});

async function collect(chunks: AsyncIterable<ResponderChunk>): Promise<ResponderChunk[]> {
  const out: ResponderChunk[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

const texts = (chunks: ResponderChunk[]) =>
  chunks.flatMap((c) => (c.type === 'text' ? [c.text] : []));

describe('demoReply', () => {
  it('gives the same prompt the same reply', () => {
    assert.equal(demoReply('What is a room?'), demoReply('What is a room?'));
  });

  it('gives different prompts different replies', () => {
    assert.notEqual(demoReply('What is a room?'), demoReply('What is a seq?'));
  });

  it('quotes the prompt on one line, capped at 80 characters', () => {
    assert.ok(demoReply('  hello\n\n  world  ').includes('_"hello world"_'));
    const long = 'x'.repeat(200);
    assert.ok(demoReply(long).includes(`_"${'x'.repeat(80)}"_`));
    assert.ok(!demoReply(long).includes('x'.repeat(81)));
  });

  it('is labelled as the offline demo', () => {
    assert.match(demoReply('hi'), /^\*\*Demo responder\*\* \(offline, no model\)/);
  });
});

describe('tokenize', () => {
  const samples = [
    '',
    'word',
    'two words',
    '  leading spaces',
    'trailing spaces   ',
    'tabs\tand\nnewlines\r\n\r\nparagraphs',
    '   ',
    'émojis 🎉🎉 and ünïcödé',
    demoReply('round trip'),
  ];

  for (const text of samples) {
    it(`round-trips ${JSON.stringify(text.slice(0, 30))}`, () => {
      assert.equal(tokenize(text).join(''), text);
    });
  }

  it('splits into word-sized tokens that carry their leading whitespace', () => {
    assert.deepEqual(tokenize('Hello,  big\nworld '), ['Hello,', '  big', '\nworld', ' ']);
    for (const token of tokenize(demoReply('shape'))) {
      assert.match(token, /^(\s*\S+|\s+)$/);
    }
  });

  it('returns no tokens for empty text', () => {
    assert.deepEqual(tokenize(''), []);
  });
});

describe('DemoResponder', () => {
  it('streams the demo reply to the last message, then a finish with usage', async () => {
    const prompt = 'Tell me about rooms';
    const chunks = await collect(
      new DemoResponder({ tokensPerSecond: 0, replyTokens: 0 }).respond(
        input(prompt),
        new AbortController().signal,
      ),
    );
    const expected = tokenize(demoReply(prompt));
    assert.deepEqual(texts(chunks), expected);
    assert.deepEqual(chunks.at(-1), {
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: tokenize(prompt).length, outputTokens: expected.length },
    });
    assert.equal(chunks.filter((c) => c.type === 'finish').length, 1);
    assert.equal(chunks.length, expected.length + 1);
  });

  it('gives the same stream twice for the same prompt', async () => {
    const responder = new DemoResponder({ tokensPerSecond: 0, replyTokens: 0 });
    const a = await collect(responder.respond(input('same'), new AbortController().signal));
    const b = await collect(responder.respond(input('same'), new AbortController().signal));
    assert.deepEqual(a, b);
  });

  it('answers an empty conversation', async () => {
    const chunks = await collect(
      new DemoResponder({ tokensPerSecond: 0, replyTokens: 0 }).respond(
        { room: 'r', messages: [] },
        new AbortController().signal,
      ),
    );
    assert.equal(texts(chunks).join(''), demoReply(''));
    assert.deepEqual(chunks.at(-1), {
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: 0, outputTokens: texts(chunks).length },
    });
  });

  for (const replyTokens of [1, 7, 500]) {
    it(`streams exactly replyTokens=${replyTokens} tokens`, async () => {
      const chunks = await collect(
        new DemoResponder({ tokensPerSecond: 0, replyTokens }).respond(
          input('count'),
          new AbortController().signal,
        ),
      );
      const streamed = texts(chunks);
      assert.equal(streamed.length, replyTokens);
      const last = chunks.at(-1)!;
      assert.equal(last.type, 'finish');
      assert.equal(last.type === 'finish' && last.usage?.outputTokens, replyTokens);
    });
  }

  it('cuts the reply short, and repeats it after a blank line to go past its length', async () => {
    const base = tokenize(demoReply('count'));
    const responder = (replyTokens: number) =>
      new DemoResponder({ tokensPerSecond: 0, replyTokens });
    const short = texts(
      await collect(responder(5).respond(input('count'), new AbortController().signal)),
    );
    assert.deepEqual(short, base.slice(0, 5));

    const long = texts(
      await collect(
        responder(base.length + 3).respond(input('count'), new AbortController().signal),
      ),
    );
    assert.deepEqual(long, [...base, '\n\n', ...base.slice(0, 2)]);
  });

  it('yields nothing, not even a finish, when aborted before it starts', async () => {
    const controller = new AbortController();
    controller.abort();
    const chunks = await collect(
      new DemoResponder({ tokensPerSecond: 0, replyTokens: 0 }).respond(
        input('hi'),
        controller.signal,
      ),
    );
    assert.deepEqual(chunks, []);
  });

  it('stops promptly when aborted while waiting for the next token', async () => {
    // One token every 5 s: without a prompt stop the iterator would hang far past the deadline.
    const controller = new AbortController();
    const replies = new DemoResponder({ tokensPerSecond: 0.2, replyTokens: 10 });
    const stream = replies.respond(input('slow'), controller.signal)[Symbol.asyncIterator]();
    const first = await stream.next();
    assert.equal(first.done, false);

    const next = stream.next();
    await new Promise((resolve) => setImmediate(resolve));
    const started = performance.now();
    controller.abort();
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      next,
      new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), 1000))),
    ]);
    clearTimeout(timer);
    assert.notEqual(result, 'deadline', 'still waiting 1 s after abort');
    assert.deepEqual(result, { done: true, value: undefined });
    assert.ok(performance.now() - started < 1000);
  });

  it('stops mid-stream on abort without a finish', async () => {
    const controller = new AbortController();
    const chunks: ResponderChunk[] = [];
    for await (const chunk of new DemoResponder({ tokensPerSecond: 0, replyTokens: 100 }).respond(
      input('hi'),
      controller.signal,
    )) {
      chunks.push(chunk);
      if (chunks.length === 20) controller.abort();
    }
    assert.equal(chunks.length, 20);
    assert.ok(chunks.every((c) => c.type === 'text'));
  });

  it('paces tokens at tokensPerSecond', async () => {
    const started = performance.now();
    const chunks = await collect(
      new DemoResponder({ tokensPerSecond: 100, replyTokens: 11 }).respond(
        input('pace'),
        new AbortController().signal,
      ),
    );
    assert.equal(texts(chunks).length, 11);
    // The 11th token is due 100 ms after the first.
    assert.ok(performance.now() - started >= 95, `took ${performance.now() - started} ms`);
  });

  // A long reply must not pile one abort listener per token onto the signal (a leak, and a
  // MaxListenersExceededWarning in node after ten).
  for (const tokensPerSecond of [0, 2000]) {
    it(`leaves no abort listeners behind (tokensPerSecond=${tokensPerSecond})`, async () => {
      const controller = new AbortController();
      const responder = new DemoResponder({ tokensPerSecond, replyTokens: 200 });
      let most = 0;
      for await (const _ of responder.respond(input('listeners'), controller.signal)) {
        most = Math.max(most, getEventListeners(controller.signal, 'abort').length);
      }
      assert.ok(most <= 1, `${most} abort listeners registered at once`);
      assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    });
  }
});

describe('DemoResponder reasoning', () => {
  it('reasons first when asked to think, then answers, the reasoning apart from the text', async () => {
    const demo = new DemoResponder({ tokensPerSecond: 0, replyTokens: 0 });
    const chunks = await collect(
      demo.respond(input('Think it through: why rooms?'), new AbortController().signal),
    );
    const firstText = chunks.findIndex((c) => c.type === 'text');
    const reasoning = chunks.flatMap((c) => (c.type === 'reasoning' ? [c.text] : [])).join('');
    assert.match(reasoning, /^You asked me to think/);
    assert.ok(
      chunks.slice(0, firstText).every((c) => c.type === 'reasoning'),
      'reasoning first',
    );
    assert.equal(texts(chunks).join(''), demoReply('Think it through: why rooms?'));
  });

  it('does not reason unless asked', async () => {
    const demo = new DemoResponder({ tokensPerSecond: 0, replyTokens: 0 });
    const chunks = await collect(
      demo.respond(input('Rethinking is a word'), new AbortController().signal),
    );
    assert.ok(!chunks.some((c) => c.type === 'reasoning'));
  });
});
