/**
 * A parser of ECMAScript regular expressions under the `u` flag (what JSON Schema's `pattern` and
 * @cfworker/json-schema use), into the small tree regex-safety.ts analyses. Character sets are
 * over-approximated where exactness would need Unicode tables (`\p{…}` is "any character"):
 * more characters can only make the analysis refuse more, never accept a slow pattern.
 */

/** Code points as sorted, disjoint, non-adjacent inclusive ranges, flattened: [lo, hi, lo, hi…]. */
export type CharSet = readonly number[];

export type RegexNode =
  | { t: 'chars'; set: CharSet }
  | { t: 'seq'; items: RegexNode[] }
  | { t: 'alt'; options: RegexNode[] }
  | { t: 'repeat'; body: RegexNode; min: number; max: number }
  /** Zero-width: `^`, `$`, `\b`, `\B`, or a lookaround (its body is kept for its own check). */
  | {
      t: 'assert';
      kind: 'start' | 'end' | 'boundary' | 'look';
      body?: RegexNode;
      behind?: boolean;
    };

/** Why a pattern cannot be analysed; regex-safety.ts turns it into the refusal. */
export class RegexRefusal extends Error {}

const MAX_CP = 0x10ffff;
export const ANY: CharSet = [0, MAX_CP];
const DIGIT: CharSet = [0x30, 0x39];
const WORD: CharSet = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
// WhiteSpace and LineTerminator, as \s means them.
const SPACE: CharSet = /* @__PURE__ */ normalise([
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f,
  0x202f, 0x205f, 0x205f, 0x3000, 0x3000, 0xfeff, 0xfeff,
]);
const LINE_TERMINATORS: CharSet = [0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029];
const DOT = /* @__PURE__ */ complement(LINE_TERMINATORS);

export function normalise(ranges: readonly number[]): CharSet {
  const pairs: [number, number][] = [];
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i], ranges[i + 1]]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    if (out.length && lo <= out[out.length - 1] + 1) {
      out[out.length - 1] = Math.max(out[out.length - 1], hi);
    } else out.push(lo, hi);
  }
  return out;
}

export function complement(set: CharSet): CharSet {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < set.length; i += 2) {
    if (set[i] > next) out.push(next, set[i] - 1);
    next = set[i + 1] + 1;
  }
  if (next <= MAX_CP) out.push(next, MAX_CP);
  return out;
}

export function contains(set: CharSet, cp: number): boolean {
  let lo = 0;
  let hi = set.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < set[2 * mid]) hi = mid - 1;
    else if (cp > set[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** A class escape's set, and whether it is exact (`\p{…}` is not: it stands for any character). */
function classEscape(c: string): { set: CharSet; exact: boolean } | null {
  const base = { d: DIGIT, w: WORD, s: SPACE }[c.toLowerCase()];
  if (base) return { set: c === c.toLowerCase() ? base : complement(base), exact: true };
  if (c === 'p' || c === 'P') return { set: ANY, exact: false };
  return null;
}

const CONTROL_ESCAPES: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };

/** Parses `source` (already known to compile with the `u` flag). */
export function parseRegex(source: string): RegexNode {
  const cps = Array.from(source);
  let i = 0;
  const peek = (k = 0) => cps[i + k];
  const eat = (s: string) => (cps[i] === s ? (i++, true) : false);

  const hex = (n: number) => {
    const digits = cps.slice(i, i + n).join('');
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits)) throw new RegexRefusal('escape');
    i += n;
    return parseInt(digits, 16);
  };

  /** One escaped character after the backslash (identity, control, hex, unicode). */
  const charEscape = (inClass: boolean): number => {
    const c = cps[i++];
    if (c === undefined) throw new RegexRefusal('escape');
    if (c in CONTROL_ESCAPES) return CONTROL_ESCAPES[c];
    if (c === 'b' && inClass) return 8;
    if (c === '0') return 0;
    if (c === 'c') {
      const l = cps[i++] ?? '';
      if (!/^[A-Za-z]$/.test(l)) throw new RegexRefusal('escape');
      return l.codePointAt(0)! % 32;
    }
    if (c === 'x') return hex(2);
    if (c === 'u') {
      if (eat('{')) {
        const start = i;
        while (peek() !== '}' && peek() !== undefined) i++;
        const v = parseInt(cps.slice(start, i).join(''), 16);
        if (!eat('}') || !(v <= MAX_CP)) throw new RegexRefusal('escape');
        return v;
      }
      const u = hex(4);
      // Under `u`, an escaped surrogate pair is one code point.
      if (u >= 0xd800 && u <= 0xdbff && peek() === '\\' && peek(1) === 'u') {
        const save = i;
        i += 2;
        try {
          const low = hex(4);
          if (low >= 0xdc00 && low <= 0xdfff)
            return 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
        } catch {
          // not a pair
        }
        i = save;
      }
      return u;
    }
    if ('^$\\.*+?()[]{}|/'.includes(c) || (inClass && c === '-')) return c.codePointAt(0)!;
    throw new RegexRefusal('escape');
  };

  const skipPropertyName = () => {
    if (!eat('{')) throw new RegexRefusal('escape');
    while (peek() !== '}' && peek() !== undefined) i++;
    if (!eat('}')) throw new RegexRefusal('escape');
  };

  const parseClass = (): CharSet => {
    const negated = eat('^');
    const ranges: number[] = [];
    let exact = true;
    /** One class atom: a code point, or a set for class escapes. */
    const atom = (): number | CharSet => {
      const c = cps[i++];
      if (c === undefined) throw new RegexRefusal('class');
      if (c !== '\\') return c.codePointAt(0)!;
      const c2 = peek() ?? '';
      const e = classEscape(c2);
      if (e) {
        i++;
        if (c2 === 'p' || c2 === 'P') skipPropertyName();
        exact &&= e.exact;
        return e.set;
      }
      return charEscape(true);
    };
    while (peek() !== ']') {
      if (peek() === undefined) throw new RegexRefusal('class');
      const a = atom();
      if (typeof a === 'number' && peek() === '-' && peek(1) !== ']' && peek(1) !== undefined) {
        i++;
        const b = atom();
        if (typeof b !== 'number' || b < a) throw new RegexRefusal('class');
        ranges.push(a, b);
      } else if (typeof a === 'number') ranges.push(a, a);
      else ranges.push(...a);
    }
    i++;
    const set = normalise(ranges);
    if (!negated) return set;
    // The complement of an over-approximation would be an under-approximation: use "any".
    return exact ? complement(set) : ANY;
  };

  const parseQuantifier = (): { min: number; max: number } | null => {
    const c = peek();
    let q: { min: number; max: number } | null = null;
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    if (q) i++;
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(cps.slice(i, i + 40).join(''));
      if (!m) throw new RegexRefusal('quantifier');
      i += Array.from(m[0]).length;
      const min = Number(m[1]);
      q = { min, max: m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]) };
    }
    if (q) eat('?'); // lazy: the same paths are explored when a match fails
    return q;
  };

  const parseAtom = (): RegexNode => {
    const c = cps[i++];
    switch (c) {
      case '^':
        return { t: 'assert', kind: 'start' };
      case '$':
        return { t: 'assert', kind: 'end' };
      case '.':
        return { t: 'chars', set: DOT };
      case '[':
        return { t: 'chars', set: parseClass() };
      case '(':
        return parseGroup();
      case '\\': {
        const n = peek() ?? '';
        if (n === 'b' || n === 'B') return (i++, { t: 'assert', kind: 'boundary' });
        if (/^[1-9]$/.test(n) || n === 'k') throw new RegexRefusal('backreference');
        const e = classEscape(n);
        if (e) {
          i++;
          if (n === 'p' || n === 'P') skipPropertyName();
          return { t: 'chars', set: e.set };
        }
        const cp = charEscape(false);
        return { t: 'chars', set: [cp, cp] };
      }
      default: {
        if (c === undefined || ')|*+?{}]'.includes(c)) throw new RegexRefusal('syntax');
        const cp = c.codePointAt(0)!;
        return { t: 'chars', set: [cp, cp] };
      }
    }
  };

  const parseGroup = (): RegexNode => {
    let look: { behind: boolean } | null = null;
    if (eat('?')) {
      if (eat(':')) {
        // non-capturing
      } else if (eat('=') || eat('!')) look = { behind: false };
      else if (peek() === '<' && (peek(1) === '=' || peek(1) === '!')) {
        i += 2;
        look = { behind: true };
      } else if (eat('<')) {
        while (peek() !== '>' && peek() !== undefined) i++;
        if (!eat('>')) throw new RegexRefusal('syntax');
      } else throw new RegexRefusal('syntax'); // modifiers and anything newer: not analysed
    }
    const body = parseAlternation();
    if (!eat(')')) throw new RegexRefusal('syntax');
    return look ? { t: 'assert', kind: 'look', body, behind: look.behind } : body;
  };

  const parseSequence = (): RegexNode => {
    const items: RegexNode[] = [];
    while (i < cps.length && peek() !== '|' && peek() !== ')') {
      const atom = parseAtom();
      const q = parseQuantifier();
      if (q && atom.t === 'assert') throw new RegexRefusal('syntax');
      items.push(q ? { t: 'repeat', body: atom, ...q } : atom);
    }
    return items.length === 1 ? items[0] : { t: 'seq', items };
  };

  const parseAlternation = (): RegexNode => {
    const options = [parseSequence()];
    while (eat('|')) options.push(parseSequence());
    return options.length === 1 ? options[0] : { t: 'alt', options };
  };

  const tree = parseAlternation();
  if (i !== cps.length) throw new RegexRefusal('syntax');
  return tree;
}
