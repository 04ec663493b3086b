import { MAX_DEPTH } from './inline-nodes.js';

// Line tests and helpers of the block lexer: what a line starts, how far it is indented.

export const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
export const ATX = /^ {0,3}(#{1,6})(?:[ \t](.*))?$/;
export const SETEXT = /^ {0,3}(?:=+|-+)[ \t]*$/;
export const QUOTE = /^ {0,3}> ?/;
export const ITEM = /^ {0,3}(?:[-+*]|(\d{1,9})[.)])(?=[ \t]|$)/;
export const HTML =
  /^ {0,3}(?:<\/?[A-Za-z][A-Za-z0-9-]*(?=[\s/>]|$)|<!--|<\?|<![A-Za-z]|<!\[CDATA\[)/;
export const DEF =
  /^ {0,3}\[((?:[^\\[\]]|\\.){1,999})\]:[ \t]*(?:<((?:[^\\<>]|\\.)*)>|([^\s<]\S*))(?:[ \t]+("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?[ \t]*$/;
export const TASK = /^\[([ xX])\][ \t]+/;
export const DELIMITER_CELL = /^:?-+:?$/;

export const isBlank = (line: string) => !/\S/.test(line);

/** Columns of leading whitespace, tabs to the next multiple of 4. */
export function indentOf(line: string): number {
  let col = 0;
  for (const c of line) {
    if (c === ' ') col++;
    else if (c === '\t') col += 4 - (col % 4);
    else break;
  }
  return col;
}

/** The line without its first `n` columns of indentation (a tab split in two leaves spaces). */
export function dedent(line: string, n: number): string {
  let col = 0;
  let i = 0;
  while (i < line.length && col < n) {
    if (line[i] === ' ') col++;
    else if (line[i] === '\t') {
      const to = col + 4 - (col % 4);
      if (to > n) return ' '.repeat(to - n) + line.slice(i + 1);
      col = to;
    } else break;
    i++;
  }
  return line.slice(i);
}

export function isHr(line: string): boolean {
  if (indentOf(line) >= 4) return false;
  const s = line.trim();
  const c = s[0];
  if (c !== '-' && c !== '*' && c !== '_') return false;
  let n = 0;
  for (const ch of s) {
    if (ch === c) n++;
    else if (ch !== ' ' && ch !== '\t') return false;
  }
  return n >= 3;
}

/** A table row's cells: outer pipes optional, `\|` a literal pipe. */
export function cells(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const out: string[] = [];
  let cell = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (s[i] === '|') {
      out.push(cell.trim());
      cell = '';
    } else cell += s[i];
  }
  out.push(cell.trim());
  return out;
}

/** A line ending the paragraph above it (and so also a lazy continuation line). */
export function interrupts(line: string, depth: number): boolean {
  if (indentOf(line) >= 4) return false;
  if (FENCE.test(line) || ATX.test(line) || isHr(line)) return true;
  if (depth >= MAX_DEPTH) return false;
  if (QUOTE.test(line)) return true;
  const item = ITEM.exec(line);
  // An empty item, or an ordered one not starting at 1, cannot interrupt a paragraph.
  return !!item && !isBlank(line.slice(item[0].length)) && (!item[1] || Number(item[1]) === 1);
}

/**
 * Whether the last line of a container's content leaves a paragraph open, so that a following
 * line without the container's marker still belongs to it (a lazy continuation line).
 */
export function paragraphOpen(lines: string[], inFence: boolean): boolean {
  const last = lines[lines.length - 1];
  return (
    !inFence &&
    !isBlank(last) &&
    indentOf(last) < 4 &&
    !ATX.test(last) &&
    !isHr(last) &&
    !FENCE.test(last) &&
    !HTML.test(last)
  );
}
