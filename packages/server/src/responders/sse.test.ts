import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser, type SseEvent } from './sse.js';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Parses `input` fed as the given pieces, then ends the stream. */
function parse(pieces: (Uint8Array | string)[]): SseEvent[] {
  const parser = new SseParser();
  const events = pieces.flatMap((p) => parser.push(p));
  return [...events, ...parser.end()];
}

/** Every way of cutting `data` into two pieces, plus cuts into single bytes. */
function splits(data: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = 0; i <= data.length; i++) out.push([data.slice(0, i), data.slice(i)]);
  out.push([...data].map((b) => Uint8Array.of(b)));
  return out;
}

/** A seeded random cut into pieces of 1-7 bytes. */
function randomPieces(data: Uint8Array, seed: number): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let s = seed;
  for (let at = 0; at < data.length;) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const n = 1 + (s % 7);
    pieces.push(data.slice(at, at + n));
    at += n;
  }
  return pieces;
}

const STREAM =
  ': keep-alive comment\n' +
  'event: message_start\n' +
  'data: {"text":"héllo wörld 🎉 中文"}\n' +
  '\n' +
  'data: first line\n' +
  'data: second line\n' +
  '\n' +
  'data: [DONE]\n' +
  '\n';

const EXPECTED: SseEvent[] = [
  { event: 'message_start', data: '{"text":"héllo wörld 🎉 中文"}' },
  { event: 'message', data: 'first line\nsecond line' },
  { event: 'message', data: '[DONE]' },
];

describe('SseParser', () => {
  it('parses events, comments, multi-line data and the default event type', () => {
    assert.deepEqual(parse([STREAM]), EXPECTED);
  });

  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ] as const) {
    it(`gives the same events split at every byte boundary with ${name} line ends`, () => {
      const data = bytes(STREAM.replaceAll('\n', eol));
      for (const pieces of splits(data)) assert.deepEqual(parse(pieces), EXPECTED);
      for (let seed = 1; seed <= 50; seed++) {
        assert.deepEqual(parse(randomPieces(data, seed)), EXPECTED);
      }
    });
  }

  it('does not read a CR at the end of one chunk and a LF at the start of the next as two lines', () => {
    // Two line ends in a row would dispatch an event early and split it in two.
    assert.deepEqual(parse(['data: a\r', '\ndata: b\r\n', '\r\n']), [
      { event: 'message', data: 'a\nb' },
    ]);
  });

  it('decodes a multi-byte character split across chunks', () => {
    const data = bytes('data: 🎉é\n\n');
    // 🎉 is 4 bytes at offset 6; cut inside it and inside é.
    const events = parse([data.slice(0, 7), data.slice(7, 9), data.slice(9, 11), data.slice(11)]);
    assert.deepEqual(events, [{ event: 'message', data: '🎉é' }]);
  });

  it('handles mixed line endings in one stream', () => {
    assert.deepEqual(parse(['data: a\r\ndata: b\rdata: c\n\r\nevent: x\ndata: d\r\r']), [
      { event: 'message', data: 'a\nb\nc' },
      { event: 'x', data: 'd' },
    ]);
  });

  it('strips exactly one space after the colon, and takes a field without a colon as empty', () => {
    assert.deepEqual(parse(['data:no space\ndata:  two spaces\ndata\n\n']), [
      { event: 'message', data: 'no space\n two spaces\n' },
    ]);
  });

  it('dispatches an event whose data is empty, but not one without data', () => {
    assert.deepEqual(parse(['event: ping\n\ndata:\n\n']), [{ event: 'message', data: '' }]);
  });

  it('ignores comments anywhere, including between the lines of one event', () => {
    assert.deepEqual(parse([':\n: ping\ndata: a\n: in between\ndata: b\n\n:tail\n']), [
      { event: 'message', data: 'a\nb' },
    ]);
  });

  it('resets the event type after each event', () => {
    assert.deepEqual(parse(['event: one\ndata: 1\n\ndata: 2\n\n']), [
      { event: 'one', data: '1' },
      { event: 'message', data: '2' },
    ]);
  });

  it('keeps the last id and ignores unknown fields and retry', () => {
    assert.deepEqual(parse(['id: 7\nretry: 100\nfoo: bar\ndata: x\n\ndata: y\n\n']), [
      { event: 'message', data: 'x', id: '7' },
      { event: 'message', data: 'y', id: '7' },
    ]);
  });

  it('skips a byte-order mark at the start', () => {
    assert.deepEqual(
      parse([Uint8Array.of(0xef, 0xbb), Uint8Array.of(0xbf), bytes('data: a\n\n')]),
      [{ event: 'message', data: 'a' }],
    );
  });

  it('drops an event cut off before its blank line when the stream ends', () => {
    assert.deepEqual(parse(['data: complete\n\ndata: {"half":']), [
      { event: 'message', data: 'complete' },
    ]);
    assert.deepEqual(parse(['data: no blank line\n']), []);
  });

  it('returns events as soon as their blank line arrives', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('data: a\n'), []);
    assert.deepEqual(parser.push('\n'), [{ event: 'message', data: 'a' }]);
    assert.deepEqual(parser.push('data: b\n\ndata: c'), [{ event: 'message', data: 'b' }]);
    assert.deepEqual(parser.push('\n\n'), [{ event: 'message', data: 'c' }]);
    assert.deepEqual(parser.end(), []);
  });
});
