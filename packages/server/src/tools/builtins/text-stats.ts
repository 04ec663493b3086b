/**
 * `text.stats`: counts for a piece of text. Uses Intl.Segmenter so words are found in scripts
 * without spaces (Chinese, Japanese, Thai) and an emoji family counts as one character a reader sees.
 */
import type { ServerTool } from '../types.js';

export const MAX_TEXT_LENGTH = 100_000;
/** Average silent reading speed for adults, in words per minute (Brysbaert 2019). */
export const WORDS_PER_MINUTE = 238;

export interface TextStats {
  characters: number;
  graphemes: number;
  words: number;
  sentences: number;
  lines: number;
  paragraphs: number;
  readingTimeSeconds: number;
  longestWord: string | null;
}

// One of each, created once: constructing a Segmenter loads ICU data.
const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const wordSegmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
const sentenceSegmenter = new Intl.Segmenter(undefined, { granularity: 'sentence' });

/**
 * V8's Segmenter spends time proportional to the whole input on every segment (100k characters
 * took 10 s in Node 20), so the text is segmented in pieces of at most CHUNK characters.
 */
const CHUNK = 2000;

/** Letters ICU never breaks a word between (word rules WB5, WB8-10): a cut there splits a word. */
const ALPHABETIC = /[\p{sc=Latin}\p{sc=Greek}\p{sc=Cyrillic}\p{Nd}]/u;
const HAS_TEXT = /[\p{L}\p{N}]/u;
const SENTENCE_END = /[.!?。！？][)\]"'’”»]*\s*$/;
const FULL_STOP = /\.[)\]"'’”»]*\s*$/;

/**
 * How safe a cut before `text[p]` is. 3: a break for graphemes, words and sentences alike (after a
 * line feed, or after a sentence end and space before a capital). 2: for graphemes and words
 * (whitespace before a letter). 1: for graphemes (between letters, digits, punctuation). Lower
 * scores are used only in text that goes on for thousands of characters without one; `textStats`
 * then mends the word or sentence the cut may have split.
 */
function cutScore(text: string, p: number): number {
  const prev = text[p - 1];
  const next = text[p];
  if (prev === '\n') return 3;
  if (HAS_TEXT.test(next)) {
    if (/[。！？]/.test(prev)) return 3;
    if (/\s/.test(prev)) {
      const sentenceEnd = /[.!?][)\]"'’”»]*\s+$/.test(text.slice(Math.max(0, p - 40), p));
      return sentenceEnd && /[\p{Lu}\p{Lo}]/u.test(next) ? 3 : 2;
    }
    if (ALPHABETIC.test(prev) && ALPHABETIC.test(next)) return 0;
  }
  const simple = (ch: string) => /[\p{L}\p{N}\p{P}\p{Zs}]/u.test(ch) && !/\p{sc=Hangul}/u.test(ch);
  return simple(prev) && simple(next) ? 1 : 0;
}

/** Splits `text` into pieces, each with the score of the cut before it (3 for the first). */
function chunks(text: string): [piece: string, score: number][] {
  const pieces: [string, number][] = [];
  let start = 0;
  let score = 3;
  while (text.length - start > CHUNK) {
    let cut = -1;
    let best = 0;
    for (let p = start + CHUNK; p > start + CHUNK / 2 && best < 3; p--) {
      const s = cutScore(text, p);
      if (s > best) [cut, best] = [p, s];
    }
    if (cut < 0) {
      // Emoji and the like: cut before the window's last grapheme. `start` is a boundary, so the
      // clusters found in the window are the text's own, bar the last, which may run on.
      for (const g of graphemeSegmenter.segment(text.slice(start, start + CHUNK))) {
        if (g.index > 0) cut = start + g.index;
      }
      if (cut < 0) cut = start + CHUNK; // one 2000-character cluster: nothing reads it anyway
    }
    pieces.push([text.slice(start, cut), score]);
    [start, score] = [cut, best];
  }
  pieces.push([text.slice(start), score]);
  return pieces;
}

function count<T>(items: Iterable<T>, keep: (item: T) => boolean = () => true): number {
  let n = 0;
  for (const item of items) if (keep(item)) n++;
  return n;
}

export function textStats(text: string): TextStats {
  const pieces = chunks(text);
  let graphemes = 0;
  let words = 0;
  let sentences = 0;
  let longestWord: string | null = null;
  let longestLength = 0;
  // The word and sentence at the end of the previous piece, in case a cut split them.
  let lastWord: [word: string, length: number] | null = null;
  let lastSentence = '';
  for (const [piece, score] of pieces) {
    graphemes += count(graphemeSegmenter.segment(piece));
    let first = true;
    for (const s of wordSegmenter.segment(piece)) {
      let word: [string, number] | null = null;
      if (s.isWordLike) {
        // Longest as a reader sees it, so "naïve" written with a combining mark is not longer.
        word = [s.segment, count(graphemeSegmenter.segment(s.segment))];
        words++;
        if (
          first &&
          lastWord &&
          ALPHABETIC.test(lastWord[0].at(-1)!) &&
          ALPHABETIC.test(s.segment[0])
        ) {
          word = [lastWord[0] + word[0], lastWord[1] + word[1]];
          words--;
        }
        if (word[1] > longestLength) [longestWord, longestLength] = word;
      }
      lastWord = word;
      first = false;
    }
    // After a weak cut, the sentence before it goes on unless it ended; a full stop before a
    // lower-case letter does not end one in ICU's rules ("e.g. this"), a ! or ? does.
    const goesOn =
      score < 3 &&
      HAS_TEXT.test(lastSentence) &&
      (!SENTENCE_END.test(lastSentence) ||
        (FULL_STOP.test(lastSentence) && /^\p{Ll}/u.test(piece)));
    first = true;
    for (const { segment } of sentenceSegmenter.segment(piece)) {
      const hasText = HAS_TEXT.test(segment);
      if (hasText && !(first && goesOn)) sentences++;
      lastSentence = segment;
      first = false;
    }
  }
  const normalised = text.replace(/\r\n?/g, '\n');
  // A final line break ends the last line rather than starting an empty one, as in `wc -l`.
  const lines = normalised === '' ? 0 : normalised.replace(/\n$/, '').split('\n').length;
  return {
    characters: count(text), // code points: a string's length would count surrogate halves
    graphemes,
    words,
    sentences,
    lines,
    paragraphs: count(normalised.split(/\n[^\S\n]*\n/), (p) => /\S/.test(p)),
    readingTimeSeconds: Math.round((words / WORDS_PER_MINUTE) * 60),
    longestWord,
  };
}

const counter = (description: string) => ({ type: 'integer', minimum: 0, description });

export const textStatsTool: ServerTool = {
  name: 'text.stats',
  title: 'Text statistics',
  description:
    'Counts characters, graphemes (what a reader sees as one character), words, sentences, lines ' +
    'and paragraphs in a text, estimates its reading time and finds its longest word. Works for ' +
    'languages written without spaces too.',
  inputSchema: {
    type: 'object',
    properties: {
      text: {
        type: 'string',
        description: 'The text to measure.',
        maxLength: MAX_TEXT_LENGTH,
      },
    },
    required: ['text'],
    additionalProperties: false,
  },
  outputSchema: {
    type: 'object',
    properties: {
      characters: counter('Unicode code points.'),
      graphemes: counter('User-perceived characters: an emoji with modifiers counts once.'),
      words: counter('Words, numbers included, punctuation and spaces not.'),
      sentences: counter('Sentences containing at least one letter or digit.'),
      lines: counter('Lines; a final line break does not start another.'),
      paragraphs: counter('Blocks of text separated by blank lines.'),
      readingTimeSeconds: counter(`Silent reading time at ${WORDS_PER_MINUTE} words per minute.`),
      longestWord: {
        type: ['string', 'null'],
        description: 'The longest word (first one on a tie), or null when there is none.',
      },
    },
    required: [
      'characters',
      'graphemes',
      'words',
      'sentences',
      'lines',
      'paragraphs',
      'readingTimeSeconds',
      'longestWord',
    ],
    additionalProperties: false,
  },
  timeoutMs: 5000,
  requiresApproval: false,
  minRole: 'member',
  enabledByDefault: true,
  async run(args) {
    return textStats((args as { text: string }).text);
  },
};
