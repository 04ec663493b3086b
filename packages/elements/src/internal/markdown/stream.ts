import { html, type nothing, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { renderBlock, renderBlocks } from './blocks.js';
import type { MarkdownStrings } from './context.js';
import { lex } from './lexer.js';
import type { Block, Links } from './tokens.js';

/** CRLF to LF before lexing, so token lengths add up to the source length. */
function normalise(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/**
 * How many leading tokens text appended later cannot change. The last block with content can
 * grow; and the block before it can absorb it: `1. one` + blank line + `2` is a list and a
 * paragraph until the `.` arrives and the paragraph becomes the list's second item (the same goes
 * for indented code and a following indented line). So the last two blocks with content, and the
 * blank space after them, stay in the tail. (A reference definition arriving after its use is
 * the one reach-back this misses: the earlier link stays text until the message renders again.)
 */
export function stableCount(tokens: Block[]): number {
  let seen = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (tokens[i].type !== 'space' && ++seen === 2) return i;
  }
  return 0;
}

/** Renders a whole markdown text at once. */
export function renderMarkdown(text: string, strings: MarkdownStrings): TemplateResult {
  return html`${renderBlocks(lex(normalise(text), Object.create(null)), strings)}`;
}

interface DoneBlock {
  raw: string;
  template: TemplateResult | typeof nothing;
}

/**
 * Markdown for a text that grows at its end, as a streamed reply does. Appending text can only
 * change the last blocks of the source (a paragraph that goes on, a list that gets another item, a
 * code fence not closed yet; see stableCount), so the blocks before them are complete: each is
 * lexed and rendered once, kept with its source, and guarded so Lit never touches its DOM again.
 * Each render lexes only the source after the complete blocks.
 *
 * A text that does not extend what was rendered (an interrupted reply completed with a shorter
 * checkpoint, a snapshot) starts over.
 */
export class MarkdownStream {
  /** Lex calls and the characters they covered, for tests and curiosity. */
  readonly stats = { lexes: 0, lexedChars: 0, blocksRendered: 0 };
  private done: DoneBlock[] = [];
  /** Source covered by `done`. */
  private doneSource = '';
  private links: Links = Object.create(null);

  constructor(private strings: MarkdownStrings) {}

  /** Changes the strings (copy button labels); everything renders again with them. */
  setStrings(strings: MarkdownStrings): void {
    if (strings === this.strings) return;
    this.strings = strings;
    this.reset();
  }

  render(text: string): TemplateResult {
    text = normalise(text);
    if (!text.startsWith(this.doneSource)) this.reset();
    const rest = text.slice(this.doneSource.length);
    const tokens = lex(rest, this.links);
    this.stats.lexes++;
    this.stats.lexedChars += rest.length;
    const covered = tokens.reduce((n, t) => n + t.raw.length, 0);
    // Safety valve: if the tokens do not add up to the source, nothing can be cached safely.
    const commit = covered === rest.length ? stableCount(tokens) : 0;
    for (let i = 0; i < commit; i++) this.commit(tokens[i]);
    const tail = tokens.slice(commit).map((t) => {
      this.stats.blocksRendered++;
      return renderBlock(t, this.strings);
    });
    // One list, by position: a block keeps its DOM when it moves from the tail to the done list.
    const done = this.done.map((b) => guard([b.raw], () => b.template));
    return html`${[...done, ...tail]}`;
  }

  private commit(token: Block): void {
    // Only complete definitions: a half-streamed `[x]: https://exa` must not win over the full one.
    // The first definition of a label wins, as in one lex of the whole text.
    if (token.type === 'def' && !(token.label in this.links)) {
      this.links[token.label] = { href: token.href, title: token.title };
    }
    this.done.push({ raw: token.raw, template: renderBlock(token, this.strings) });
    this.doneSource += token.raw;
    this.stats.blocksRendered++;
  }

  private reset(): void {
    this.done = [];
    this.doneSource = '';
    this.links = Object.create(null);
  }
}
