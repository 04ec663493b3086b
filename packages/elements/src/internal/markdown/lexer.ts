import {
  ATX,
  cells,
  dedent,
  DEF,
  DELIMITER_CELL,
  FENCE,
  HTML,
  indentOf,
  interrupts,
  isBlank,
  isHr,
  ITEM,
  paragraphOpen,
  QUOTE,
  SETEXT,
  TASK,
} from './block-lines.js';
import { decodeEntities } from './entities.js';
import { lexInline } from './inline-lexer.js';
import { MAX_DEPTH } from './inline-nodes.js';
import { normalizeLabel, unescapeMarkdown } from './link-syntax.js';
import type { Align, Block, BlockOf, InlineHolder, Links, ListItem } from './tokens.js';

// Block structure after CommonMark + GFM (tables, task lists), line by line, with containers
// (quotes, list items) parsed by stripping their markers and lexing the inside again. Where the
// spec needs lookahead we do not have (lazy continuation lines) a cheap rule on the previous line
// stands in. Nesting stops at MAX_DEPTH: a deeper `>` or `-` is paragraph text, so a line of 100k
// `>` costs MAX_DEPTH passes, not a stack overflow.

class BlockLexer {
  /** Inline sources, lexed once every definition is known (a reference may come before one). */
  private readonly pending: [InlineHolder, string][] = [];

  constructor(readonly links: Links) {}

  run(src: string): Block[] {
    const raws = src.match(/[^\n]*\n|[^\n]+$/g) ?? [];
    const lines = raws.map((r) => (r.endsWith('\n') ? r.slice(0, -1) : r));
    const tokens = this.blocks(lines, raws, 0);
    for (const [holder, text] of this.pending) holder.tokens = lexInline(text, this.links);
    return tokens;
  }

  /** `raws`: the source lines with their newlines, at the top level only. */
  blocks(lines: string[], raws: string[] | null, depth: number): Block[] {
    const out: Block[] = [];
    for (let i = 0; i < lines.length;) {
      const [token, end] = this.block(lines, i, depth);
      token.raw = raws ? raws.slice(i, end).join('') : '';
      out.push(token);
      i = end;
    }
    return out;
  }

  private block(lines: string[], i: number, depth: number): [Block, number] {
    const line = lines[i];
    if (isBlank(line)) {
      let j = i + 1;
      while (j < lines.length && isBlank(lines[j])) j++;
      return [{ type: 'space', raw: '' }, j];
    }
    if (indentOf(line) >= 4) return this.indentedCode(lines, i);
    const fence = FENCE.exec(line);
    if (fence && !(fence[2][0] === '`' && fence[3].includes('`'))) {
      return this.fencedCode(lines, i, fence);
    }
    const atx = ATX.exec(line);
    if (atx) return [this.heading(atx[1].length, stripClosingHashes(atx[2] ?? '')), i + 1];
    if (isHr(line)) return [{ type: 'hr', raw: '' }, i + 1];
    if (depth < MAX_DEPTH && QUOTE.test(line)) return this.quote(lines, i, depth);
    if (depth < MAX_DEPTH && ITEM.test(line)) return this.list(lines, i, depth);
    if (HTML.test(line)) {
      let j = i + 1;
      while (j < lines.length && !isBlank(lines[j])) j++;
      return [{ type: 'html', raw: '', text: lines.slice(i, j).join('\n') }, j];
    }
    const def = DEF.exec(line);
    if (def && normalizeLabel(def[1])) return [this.def(def), i + 1];
    if (this.tableAt(lines, i)) return this.table(lines, i, depth);
    return this.paragraph(lines, i, depth);
  }

  private inline<T extends InlineHolder>(holder: T, text: string): T {
    this.pending.push([holder, text]);
    return holder;
  }

  private heading(depth: number, text: string): Block {
    return this.inline<BlockOf<'heading'>>({ type: 'heading', raw: '', depth, tokens: [] }, text);
  }

  private indentedCode(lines: string[], i: number): [Block, number] {
    let j = i;
    while (j < lines.length && (isBlank(lines[j]) || indentOf(lines[j]) >= 4)) j++;
    // Blank lines after the code are not part of it.
    while (isBlank(lines[j - 1])) j--;
    const text = lines
      .slice(i, j)
      .map((l) => dedent(l, 4))
      .join('\n');
    return [{ type: 'code', raw: '', lang: '', text }, j];
  }

  private fencedCode(lines: string[], i: number, open: RegExpExecArray): [Block, number] {
    const [, indent, marker, info] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]);
      if (
        close &&
        close[2][0] === marker[0] &&
        close[2].length >= marker.length &&
        isBlank(close[3])
      )
        break;
      body.push(dedent(lines[j], indent.length));
    }
    // An unclosed fence runs to the end: while a reply streams, that is a fence not closed yet.
    const lang = decodeEntities(unescapeMarkdown(info.trim()));
    return [{ type: 'code', raw: '', lang, text: body.join('\n') }, Math.min(j + 1, lines.length)];
  }

  private quote(lines: string[], i: number, depth: number): [Block, number] {
    const inner: string[] = [];
    let inFence = false;
    let j = i;
    for (; j < lines.length; j++) {
      const line = lines[j];
      const marker = QUOTE.exec(line);
      if (marker) {
        const content = line.slice(marker[0].length);
        if (FENCE.test(content)) inFence = !inFence;
        inner.push(content);
      } else if (!isBlank(line) && paragraphOpen(inner, inFence) && !interrupts(line, depth)) {
        inner.push(line);
      } else break;
    }
    return [{ type: 'blockquote', raw: '', tokens: this.blocks(inner, null, depth + 1) }, j];
  }

  private list(lines: string[], i: number, depth: number): [Block, number] {
    const kind = (line: string) => {
      const m = ITEM.exec(line)!;
      return m[1] ? m[0].slice(-1) : m[0].trim();
    };
    const first = ITEM.exec(lines[i])!;
    const ordered = first[1] !== undefined;
    const items: ListItem[] = [];
    let loose = false;
    let j = i;
    for (;;) {
      const marker = ITEM.exec(lines[j])!;
      const rest = lines[j].slice(marker[0].length);
      let width = marker[0].length + 1;
      let content = '';
      if (!isBlank(rest)) {
        const spaces = rest.length - rest.trimStart().length;
        // Five spaces or more after the marker: the item starts with indented code.
        if (spaces < 5) width = marker[0].length + spaces;
        content = rest.slice(spaces < 5 ? spaces : 1);
      }
      const inner = [content];
      let inFence = FENCE.test(content);
      j++;
      // An item may begin with one blank line, not two.
      const empty = content === '' && j < lines.length && isBlank(lines[j]);
      for (; !empty && j < lines.length; j++) {
        const line = lines[j];
        if (isBlank(line)) inner.push('');
        else if (indentOf(line) >= width) {
          const c = dedent(line, width);
          if (FENCE.test(c)) inFence = !inFence;
          inner.push(c);
        } else if (paragraphOpen(inner, inFence) && !interrupts(line, depth) && !ITEM.test(line)) {
          inner.push(line);
        } else break;
      }
      // Blank lines after the item belong between items, or after the list.
      while (inner.length > 1 && isBlank(inner[inner.length - 1])) {
        inner.pop();
        j--;
      }
      items.push(this.item(inner, depth));
      const tokens = items[items.length - 1].tokens;
      if (tokens.some((t, k) => t.type === 'space' && k > 0 && k < tokens.length - 1)) loose = true;
      let k = j;
      while (k < lines.length && isBlank(lines[k])) k++;
      if (k >= lines.length || !ITEM.test(lines[k]) || isHr(lines[k])) break;
      if (kind(lines[k]) !== kind(lines[i])) break;
      if (k > j) loose = true;
      j = k;
    }
    if (!loose) {
      for (const item of items)
        for (const t of item.tokens)
          if (t.type === 'paragraph') (t as { type: string }).type = 'text';
    }
    const start = ordered ? Number(first[1]) : 1;
    return [{ type: 'list', raw: '', ordered, start, items }, j];
  }

  private item(inner: string[], depth: number): ListItem {
    const task = TASK.exec(inner[0]);
    if (task) inner[0] = inner[0].slice(task[0].length);
    return {
      task: !!task,
      checked: !!task && task[1] !== ' ',
      tokens: this.blocks(inner, null, depth + 1),
    };
  }

  private def(m: RegExpExecArray): BlockOf<'def'> {
    const label = normalizeLabel(m[1]);
    const href = decodeEntities(unescapeMarkdown(m[2] ?? m[3]));
    const title = m[4] ? decodeEntities(unescapeMarkdown(m[4].slice(1, -1))) : null;
    // The first definition of a label wins.
    if (!(label in this.links)) this.links[label] = { href, title };
    return { type: 'def', raw: '', label, href, title };
  }

  /** A header row, then a delimiter row with as many cells. */
  private tableAt(lines: string[], i: number): boolean {
    const head = lines[i];
    const delimiter = lines[i + 1];
    if (delimiter === undefined || !head.includes('|') || !delimiter.includes('|')) return false;
    if (indentOf(head) >= 4 || indentOf(delimiter) >= 4) return false;
    const marks = cells(delimiter);
    return marks.every((c) => DELIMITER_CELL.test(c)) && cells(head).length === marks.length;
  }

  private table(lines: string[], i: number, depth: number): [Block, number] {
    const align: Align[] = cells(lines[i + 1]).map((c) =>
      c.endsWith(':')
        ? c.startsWith(':')
          ? 'center'
          : 'right'
        : c.startsWith(':')
          ? 'left'
          : null,
    );
    const row = (line: string) => {
      const texts = cells(line);
      return align.map((_, k) => this.inline({ tokens: [] }, texts[k] ?? ''));
    };
    const header = row(lines[i]);
    const rows: InlineHolder[][] = [];
    let j = i + 2;
    // Rows go on until a blank line or another block; a line without pipes is a one-cell row.
    for (; j < lines.length && !isBlank(lines[j]) && !interrupts(lines[j], depth); j++) {
      rows.push(row(lines[j]));
    }
    return [{ type: 'table', raw: '', align, header, rows }, j];
  }

  private paragraph(lines: string[], i: number, depth: number): [Block, number] {
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j];
      if (isBlank(line)) break;
      if (SETEXT.test(line)) {
        const level = line.trim()[0] === '=' ? 1 : 2;
        return [this.heading(level, paragraphText(lines.slice(i, j))), j + 1];
      }
      if (interrupts(line, depth) || this.tableAt(lines, j)) break;
    }
    const text = paragraphText(lines.slice(i, j));
    const block: BlockOf<'paragraph' | 'text'> = { type: 'paragraph', raw: '', tokens: [] };
    return [this.inline(block, text), j];
  }
}

function paragraphText(lines: string[]): string {
  return lines
    .map((l) => l.trimStart())
    .join('\n')
    .trimEnd();
}

/** An ATX heading's text without its optional closing `###`. */
function stripClosingHashes(text: string): string {
  const s = text.trim();
  let end = s.length;
  while (end > 0 && s[end - 1] === '#') end--;
  if (end === 0) return '';
  return s[end - 1] === ' ' || s[end - 1] === '\t' ? s.slice(0, end).trimEnd() : s;
}

/**
 * Markdown to block tokens, inline content lexed. `links`: definitions already known (from earlier
 * pieces of a streamed text); they win over later ones with the same label, as a first one does.
 */
export function lex(src: string, links: Links): Block[] {
  const known: Links = Object.assign(Object.create(null) as Links, links);
  return new BlockLexer(known).run(src);
}
