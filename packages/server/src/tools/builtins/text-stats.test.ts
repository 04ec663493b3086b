import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@cfworker/json-schema';
import type { ToolRunContext } from '../types.js';
import { textStats, textStatsTool } from './text-stats.js';

describe('textStats', () => {
  it('counts nothing in an empty text', () => {
    assert.deepEqual(textStats(''), {
      characters: 0,
      graphemes: 0,
      words: 0,
      sentences: 0,
      lines: 0,
      paragraphs: 0,
      readingTimeSeconds: 0,
      longestWord: null,
    });
  });

  it('finds no words, sentences or paragraphs in whitespace', () => {
    const stats = textStats('   \n\n ');
    assert.equal(stats.characters, 6);
    assert.equal(stats.words, 0);
    assert.equal(stats.sentences, 0);
    assert.equal(stats.paragraphs, 0);
    assert.equal(stats.longestWord, null);
  });

  it('counts plain English', () => {
    assert.deepEqual(textStats('Hello, world! How are you today? Fine.'), {
      characters: 38,
      graphemes: 38,
      words: 7,
      sentences: 3,
      lines: 1,
      paragraphs: 1,
      readingTimeSeconds: 2,
      longestWord: 'Hello',
    });
  });

  it('counts an emoji sequence as one grapheme of several code points, and not as a word', () => {
    const stats = textStats('👩‍👩‍👧 family 🇫🇷');
    assert.equal(stats.characters, 5 + 1 + 6 + 1 + 2);
    assert.equal(stats.graphemes, 1 + 1 + 6 + 1 + 1);
    assert.equal(stats.words, 1);
    assert.equal(stats.longestWord, 'family');
  });

  it('measures the longest word in graphemes, keeping the first on a tie', () => {
    // "cafés" written with a combining accent: six code points, five graphemes, as long as "naïve".
    const stats = textStats('naïve cafe\u0301s');
    assert.equal(stats.characters, 12);
    assert.equal(stats.graphemes, 11);
    assert.equal(stats.longestWord, 'naïve');
  });

  it('finds words in Chinese, which has no spaces', () => {
    const stats = textStats('我爱北京天安门。今天天气很好！');
    assert.equal(stats.characters, 15);
    assert.equal(stats.graphemes, 15);
    // The exact split comes from ICU's dictionary; it finds several words, not one or fifteen.
    assert.ok(stats.words >= 4 && stats.words <= 12, `words: ${stats.words}`);
    assert.equal(stats.sentences, 2);
    assert.ok(stats.longestWord && stats.longestWord.length >= 2, `${stats.longestWord}`);
  });

  it('counts lines and paragraphs across CRLF and a final newline', () => {
    const stats = textStats('First line.\r\nSecond line.\n\n\nNew paragraph.\n  \nThird one.\n');
    assert.equal(stats.lines, 7);
    assert.equal(stats.paragraphs, 3);
    assert.equal(textStats('one\n').lines, 1);
    assert.equal(textStats('one\n\n').lines, 2);
    assert.equal(textStats('\n').lines, 1);
  });

  it('does not count punctuation runs as sentences', () => {
    assert.equal(textStats('Really?! ... Yes.').sentences, 2);
  });

  it('estimates reading time at 238 words per minute', () => {
    assert.equal(textStats('word '.repeat(238)).readingTimeSeconds, 60);
    assert.equal(textStats('word '.repeat(119)).readingTimeSeconds, 30);
  });

  it('handles the largest allowed text in pieces without changing the counts', () => {
    // Segmenting 100k characters in one go takes V8 about 10 s; in pieces, well under a second.
    const prose = 'The quick brown fox jumps over the lazy dog. '.repeat(2222);
    const started = performance.now();
    const stats = textStats(prose);
    assert.ok(performance.now() - started < 3000, 'fast');
    assert.equal(stats.characters, 99_990);
    assert.equal(stats.words, 9 * 2222);
    assert.equal(stats.sentences, 2222);
    assert.equal(stats.longestWord, 'quick');

    // Text that goes on without line breaks or sentence ends is cut mid-sentence or mid-word,
    // and the split word or sentence is mended.
    const runOn = textStats('word and '.repeat(11_000));
    assert.deepEqual([runOn.words, runOn.sentences], [22_000, 1]);
    const lowerCase = textStats('ok. sure thing. '.repeat(6000));
    assert.equal(lowerCase.sentences, 1, 'ICU does not end a sentence at ". s"');
    const blob = textStats('QUJD'.repeat(25_000));
    assert.deepEqual([blob.words, blob.sentences, blob.longestWord?.length], [1, 1, 100_000]);
    const cjk = textStats('我爱北京天安门。今天天气很好！'.repeat(6600));
    assert.equal(cjk.sentences, 13_200);
    assert.equal(cjk.graphemes, 99_000);
    // 12 UTF-16 units a pair, so a cut every 2000 units would land inside one.
    const emoji = textStats('👩‍👩‍👧🇫🇷'.repeat(8000));
    assert.equal(emoji.graphemes, 16_000, 'never cuts inside an emoji sequence or flag');
    assert.equal(textStats('ab\n'.repeat(33_000)).lines, 33_000);
  });
});

describe('text.stats tool', () => {
  it('returns the stats, matching its output schema', async () => {
    const out = await textStatsTool.run({ text: 'Hi there.' }, {} as ToolRunContext);
    assert.deepEqual(out, textStats('Hi there.'));
    const output = new Validator(textStatsTool.outputSchema as object, '2020-12', false);
    assert.ok(output.validate(out).valid);
    assert.ok(output.validate(textStats('')).valid);
  });

  it('bounds its input', () => {
    const input = new Validator(textStatsTool.inputSchema as object, '2020-12', false);
    assert.ok(input.validate({ text: '' }).valid);
    assert.ok(!input.validate({}).valid);
    assert.ok(!input.validate({ text: 'x'.repeat(100_001) }).valid);
    assert.ok(!input.validate({ text: 'x', lang: 'en' }).valid);
  });
});
