import { decodeEntities } from './entities.js';

// Link syntax shared by inline links and reference definitions: destinations, titles, labels.

export const ESCAPABLE = /[!-/:-@[-`{-~]/;

/** Where a link points, and the index just past its syntax. */
export interface LinkTail {
  href: string;
  title: string | null;
  end: number;
}

/** Backslash escapes removed: `\*` is `*`. */
export function unescapeMarkdown(s: string): string {
  return s.includes('\\') ? s.replace(/\\([!-/:-@[-`{-~])/g, '$1') : s;
}

/** A link label as definitions and references are matched: case and spacing do not count. */
export function normalizeLabel(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Destination or title text as it is used: escapes applied and character references decoded. */
const literal = (s: string) => decodeEntities(unescapeMarkdown(s));

/** Spaces and tabs, and at most one newline. */
function skipSpace(src: string, i: number): number {
  let newline = false;
  for (; i < src.length; i++) {
    const c = src[i];
    if (c === '\n') {
      if (newline) break;
      newline = true;
    } else if (c !== ' ' && c !== '\t') break;
  }
  return i;
}

/**
 * An inline link's `(destination "title")` starting at `from` (just after the `(`), or null.
 * Parentheses nest 32 deep at most, so an unclosed run of them costs one short scan.
 */
export function inlineTarget(src: string, from: number): LinkTail | null {
  let i = skipSpace(src, from);
  let dest: string;
  if (src[i] === '<') {
    let j = i + 1;
    while (j < src.length && !'<>\n'.includes(src[j])) j += src[j] === '\\' ? 2 : 1;
    if (src[j] !== '>') return null;
    dest = src.slice(i + 1, j);
    i = j + 1;
  } else {
    const start = i;
    let depth = 0;
    for (; i < src.length; i++) {
      const c = src[i];
      if (c === '\\' && ESCAPABLE.test(src[i + 1] ?? '')) i++;
      else if (c === '(' && ++depth > 32) return null;
      else if (c === ')' && depth-- === 0) break;
      else if (c <= ' ') break;
    }
    if (depth > 0) return null;
    dest = src.slice(start, i);
  }
  const j = skipSpace(src, i);
  let title: string | null = null;
  let k = j;
  const q = src[j];
  if (j > i && (q === '"' || q === "'" || q === '(')) {
    const end = q === '(' ? ')' : q;
    let e = j + 1;
    while (e < src.length && src[e] !== end) {
      if (q === '(' && src[e] === '(') return null;
      e += src[e] === '\\' ? 2 : 1;
    }
    if (e >= src.length) return null;
    title = literal(src.slice(j + 1, e));
    k = skipSpace(src, e + 1);
  }
  if (src[k] !== ')') return null;
  return { href: literal(dest), title, end: k + 1 };
}
