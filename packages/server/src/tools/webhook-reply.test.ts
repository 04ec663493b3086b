import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decode, LineSplitter, ndjsonEvents, SseParser, sseEvents } from './webhook-reply.js';

/** Feeds `text` to a parser in every possible two-chunk split, so no boundary is special. */
function everySplit<T>(text: string, run: (chunks: string[]) => T): T[] {
  const out: T[] = [];
  for (let i = 0; i <= text.length; i++) out.push(run([text.slice(0, i), text.slice(i)]));
  return out;
}

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

describe('LineSplitter', () => {
  it('treats CR, LF and CRLF as one break each in SSE mode, wherever the chunk ends', () => {
    for (const lines of everySplit('a\r\nb\rc\nd\r\n\r\ne', (chunks) => {
      const s = new LineSplitter(true);
      return [...chunks.flatMap((c) => s.push(c)), s.end()];
    })) {
      assert.deepEqual(lines, ['a', 'b', 'c', 'd', '', 'e']);
    }
  });

  it('breaks only at LF in NDJSON mode and drops a CR before it', () => {
    const s = new LineSplitter(false);
    assert.deepEqual(s.push('{"a":\r1}\r\n{"b"'), ['{"a":\r1}']);
    assert.deepEqual(s.push(':2}\n'), ['{"b":2}']);
    assert.equal(s.end(), '');
  });
});

describe('SseParser', () => {
  it('follows the HTML rules for fields, comments and dispatch', () => {
    const text =
      '\uFEFF: comment\n' +
      'event: progress\ndata:  two spaces\ndata\ndata: x\nid: 7\nretry: 10\n\n' +
      'data: no event name\n\n' +
      'event: lonely\n\n' +
      'event: result\ndata: {"a":1}\r\n\r\n' +
      'event: unfinished\ndata: 1\n';
    for (const events of everySplit(text, (chunks) => {
      const p = new SseParser();
      return chunks.flatMap((c) => p.push(c));
    })) {
      assert.deepEqual(events, [
        { event: 'progress', data: ' two spaces\n\nx' },
        { event: 'message', data: 'no event name' },
        { event: 'result', data: '{"a":1}' },
      ]);
    }
  });
});

describe('decode', () => {
  it('keeps a character split across chunks whole', async () => {
    const bytes = new TextEncoder().encode('über ✓');
    const parts = [bytes.subarray(0, 1), bytes.subarray(1, 7), bytes.subarray(7)];
    assert.equal((await collect(decode(from(parts)))).join(''), 'über ✓');
  });
});

describe('event streams', () => {
  it('turns NDJSON lines into events and ignores blank and unknown ones', async () => {
    const events = await collect(
      ndjsonEvents(from(['\n{"progress":{"text":"a"}}\n{"ping":1}\n', '{"result":null}'])),
    );
    assert.deepEqual(events, [
      { type: 'progress', progress: { text: 'a' } },
      { type: 'result', value: null },
    ]);
  });

  it('cuts over-long progress text instead of failing', async () => {
    const [event] = await collect(
      ndjsonEvents(from([JSON.stringify({ progress: { text: 'x'.repeat(5000) } })])),
    );
    assert.equal(event.type === 'progress' && event.progress.text?.length, 4000);
  });

  it('takes SSE error data that is not JSON as the message', async () => {
    const events = await collect(sseEvents(from(['event: error\ndata: disk full\n\n'])));
    assert.deepEqual(events, [{ type: 'error', code: 'upstream_failed', message: 'disk full' }]);
  });
});
