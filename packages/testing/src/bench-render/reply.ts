/**
 * A deterministic, realistic long markdown reply for the render benchmark: headings, paragraphs
 * with inline code, emphasis and links, bullet and numbered lists, fenced code, tables and
 * quotes. Every block carries a unique sentinel word (`zq` + number), so a run can check that a
 * system rendered every block and not just the end of the text.
 */

/** Word-sized chunks that keep their whitespace, as the demo responder streams them. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? [];
}

const WORDS = (
  'the room client stream token frame render element message reply server socket state queue ' +
  'batch latency buffer update layout paint markdown parser block inline list table quote code ' +
  'cache resume snapshot replay presence typing cursor history page limit budget measure trace ' +
  'worker thread task event listener handler option default value result error retry backoff ' +
  'and of to in for with on by from as at is are was be it this that which when where while ' +
  'each every only still never always often quickly slowly carefully simply clearly'
).split(' ');

const LANGS = ['ts', 'js', 'python', 'bash', 'json'];

/** Mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const FINAL_PARAGRAPH =
  'That is the end of this long answer: the final paragraph closes the reply for the render benchmark.';

export interface Reply {
  text: string;
  tokens: string[];
  /** One unique word per block, in order. */
  sentinels: string[];
}

export function makeReply(targetTokens = 20_000, seed = 3): Reply {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const sentinels: string[] = [];
  const mark = () => {
    const s = `zq${sentinels.length + 1}`;
    sentinels.push(s);
    return s;
  };
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const sentence = () => {
    const w = words(int(6, 16));
    const r = rand();
    const decorated =
      r < 0.15
        ? w.replace(/(\w+) (\w+)/, '$1 `$2()`')
        : r < 0.3
          ? w.replace(/(\w+) (\w+)/, '$1 **$2**')
          : r < 0.4
            ? w.replace(/(\w+) (\w+)/, '$1 *$2*')
            : r < 0.45
              ? w.replace(/(\w+) (\w+)/, '[$1 $2](https://example.com/docs/$2)')
              : w;
    return decorated[0].toUpperCase() + decorated.slice(1) + '.';
  };
  const paragraph = () => `${mark()} ` + Array.from({ length: int(2, 5) }, sentence).join(' ');
  const blocks: string[] = [];
  const block = (): string => {
    const r = rand();
    if (r < 0.1) return `${'#'.repeat(int(2, 3))} ${mark()} ${words(int(2, 5))}`;
    if (r < 0.45) return paragraph();
    if (r < 0.58) {
      const n = int(3, 6);
      const first = mark();
      return Array.from({ length: n }, (_, i) => `- ${i ? '' : first + ' '}${sentence()}`).join(
        '\n',
      );
    }
    if (r < 0.66) {
      const n = int(3, 5);
      const first = mark();
      return Array.from(
        { length: n },
        (_, i) => `${i + 1}. ${i ? '' : first + ' '}${sentence()}`,
      ).join('\n');
    }
    if (r < 0.8) {
      const lang = pick(LANGS);
      const lines = Array.from({ length: int(4, 12) }, (_, i) => {
        const a = pick(WORDS);
        const b = pick(WORDS);
        return `${'  '.repeat(i % 3)}const ${a}_${i} = ${b}(${int(0, 99)}, '${pick(WORDS)}');`;
      });
      return '```' + lang + `\n// ${mark()}\n` + lines.join('\n') + '\n```';
    }
    if (r < 0.9) {
      const cols = int(3, 4);
      const head = Array.from({ length: cols }, (_, i) => (i ? pick(WORDS) : mark()));
      const rows = Array.from({ length: int(3, 6) }, () =>
        Array.from({ length: cols }, (_, i) => (i ? `${int(1, 999)} ms` : words(2))),
      );
      return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
    }
    return `> ${mark()} ${sentence()} ${sentence()}\n> ${sentence()}`;
  };
  let count = 0;
  const finalCount = tokenize('\n\n' + FINAL_PARAGRAPH).length;
  while (count < targetTokens - finalCount) {
    const marks = sentinels.length;
    const b = block();
    const n = tokenize((blocks.length ? '\n\n' : '') + b).length;
    if (count + n > targetTokens - finalCount) {
      sentinels.length = marks; // that block is not used
      // Fill the remainder with one plain paragraph of exactly the right length.
      const rest = targetTokens - finalCount - count;
      if (rest > 0) blocks.push(`${mark()}` + (rest > 1 ? ' ' + words(rest - 1) : ''));
      break;
    }
    blocks.push(b);
    count += n;
  }
  blocks.push(FINAL_PARAGRAPH);
  const text = blocks.join('\n\n');
  return { text, tokens: tokenize(text), sentinels };
}
