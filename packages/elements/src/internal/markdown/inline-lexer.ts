import { convert, Node, plainText, type NodeType } from './inline-nodes.js';
import { ESCAPABLE, inlineTarget, normalizeLabel, type LinkTail } from './link-syntax.js';
import type { Inline, Links } from './tokens.js';

// CommonMark's inline algorithm (delimiter runs, a bracket stack, "process emphasis" with the
// openers-bottom shortcut), cut down to what the renderer shows. Message text comes from a model or
// a stranger, so every step is linear-ish: nodes sit in linked lists (wrapping a span is a relink,
// not a copy), closing backtick runs are indexed once per paragraph, link destinations stop at 32
// nested parentheses, and labels at 999 characters. Nesting deeper than MAX_DEPTH is flattened (see
// inline-nodes.ts) so neither the conversion to tokens nor Lit's rendering recurses without bound.

interface Delim {
  node: Node;
  ch: string;
  count: number;
  orig: number;
  canOpen: boolean;
  canClose: boolean;
  prev: Delim | null;
  next: Delim | null;
}

interface Bracket {
  node: Node;
  image: boolean;
  active: boolean;
  /** Delimiter stack top when the bracket opened: emphasis inside the link text stops there. */
  bottom: Delim | null;
  /** Index just after the `[`. */
  start: number;
}

const PUNCT = /[\p{P}\p{S}]/u;
const SPACE = /\s/;
const AUTOLINK = /<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>/y;
const EMAIL =
  /<([\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>/y;
const BARE_URL = /(?:https?:\/\/|www\.)[\w-][^\s<]*/iy;
const PLAIN = /[^\\`*_~[\]!<\nhw]+/iy;

class InlineLexer {
  private head: Node | null = null;
  private tail: Node | null = null;
  private top: Delim | null = null;
  private brackets: Bracket[] = [];
  /** Closing backtick runs by length: ascending positions and a cursor past the used ones. */
  private ticks: Map<number, { at: number[]; next: number }> | null = null;
  private pos = 0;
  private text = '';

  constructor(
    private readonly src: string,
    private readonly links: Links,
  ) {}

  lex(): Inline[] {
    const { src } = this;
    while (this.pos < src.length) {
      PLAIN.lastIndex = this.pos;
      if (PLAIN.test(src)) {
        this.text += src.slice(this.pos, PLAIN.lastIndex);
        this.pos = PLAIN.lastIndex;
      } else this.special(src[this.pos]);
    }
    this.flush();
    this.emphasis(null);
    return convert(this.head);
  }

  private special(c: string): void {
    const { src, pos } = this;
    if (c === '\\') {
      const n = src[pos + 1];
      if (n === '\n') return this.lineBreak(2);
      if (n !== undefined && ESCAPABLE.test(n)) {
        this.append('escape', n);
        this.pos += 2;
        return;
      }
    } else if (c === '\n') return this.lineBreak(1);
    else if (c === '`') return this.code();
    else if (c === '*' || c === '_' || c === '~') return this.delimiter(c);
    else if (c === '[' || (c === '!' && src[pos + 1] === '[')) {
      const node = this.append('text', c === '!' ? '![' : '[');
      const start = pos + (c === '!' ? 2 : 1);
      this.brackets.push({ node, image: c === '!', active: true, bottom: this.top, start });
      this.pos = start;
      return;
    } else if (c === ']') return this.closeBracket();
    else if (c === '<' && this.autolink()) return;
    else if ((c === 'h' || c === 'H' || c === 'w' || c === 'W') && this.bareUrl()) return;
    this.text += c;
    this.pos++;
  }

  /** Chat semantics (`breaks`): every newline in a paragraph is a line break. */
  private lineBreak(width: number): void {
    let end = this.text.length;
    while (end > 0 && (this.text[end - 1] === ' ' || this.text[end - 1] === '\t')) end--;
    this.text = this.text.slice(0, end);
    this.append('br', '');
    this.pos += width;
    while (this.src[this.pos] === ' ' || this.src[this.pos] === '\t') this.pos++;
  }

  private code(): void {
    const { src, pos } = this;
    let n = 1;
    while (src[pos + n] === '`') n++;
    const end = this.closingTicks(n, pos + n);
    if (end < 0) {
      this.text += '`'.repeat(n);
      this.pos += n;
      return;
    }
    let body = src.slice(pos + n, end).replace(/\n/g, ' ');
    if (body.length > 2 && body[0] === ' ' && body.at(-1) === ' ' && body.trim()) {
      body = body.slice(1, -1);
    }
    this.append('codespan', body);
    this.pos = end + n;
  }

  /** Start of the first run of exactly `n` backticks at or after `from`, or -1. */
  private closingTicks(n: number, from: number): number {
    if (!this.ticks) {
      this.ticks = new Map();
      const re = /`+/g;
      for (let m = re.exec(this.src); m; m = re.exec(this.src)) {
        const runs = this.ticks.get(m[0].length) ?? { at: [], next: 0 };
        runs.at.push(m.index);
        this.ticks.set(m[0].length, runs);
      }
    }
    const runs = this.ticks.get(n);
    if (!runs) return -1;
    while (runs.next < runs.at.length && runs.at[runs.next] < from) runs.next++;
    return runs.next < runs.at.length ? runs.at[runs.next] : -1;
  }

  private delimiter(ch: string): void {
    const { src, pos } = this;
    let n = 1;
    while (src[pos + n] === ch) n++;
    this.pos += n;
    const node = this.append('text', ch.repeat(n));
    if (ch === '~' && n > 2) return;
    const before = src[pos - 1] ?? '\n';
    const after = src[pos + n] ?? '\n';
    const left =
      !SPACE.test(after) && (!PUNCT.test(after) || SPACE.test(before) || PUNCT.test(before));
    const right =
      !SPACE.test(before) && (!PUNCT.test(before) || SPACE.test(after) || PUNCT.test(after));
    const canOpen = ch === '_' ? left && (!right || PUNCT.test(before)) : left;
    const canClose = ch === '_' ? right && (!left || PUNCT.test(after)) : right;
    if (!canOpen && !canClose) return;
    const d: Delim = { node, ch, count: n, orig: n, canOpen, canClose, prev: this.top, next: null };
    if (this.top) this.top.next = d;
    this.top = d;
  }

  private autolink(): boolean {
    for (const re of [AUTOLINK, EMAIL]) {
      re.lastIndex = this.pos;
      const m = re.exec(this.src);
      if (!m) continue;
      const href = re === EMAIL ? `mailto:${m[1]}` : m[1];
      this.link(href, m[1]);
      this.pos += m[0].length;
      return true;
    }
    return false;
  }

  /** GFM's extended autolinks: `https://...` and `www....` at the start of a word. */
  private bareUrl(): boolean {
    const before = this.src[this.pos - 1];
    if (before !== undefined && !SPACE.test(before) && !'*_~('.includes(before)) return false;
    BARE_URL.lastIndex = this.pos;
    const m = BARE_URL.exec(this.src);
    if (!m) return false;
    let url = m[0];
    // Inside link text the link's `]` comes first: GFM finds links before extended autolinks.
    if (this.brackets.length && url.includes(']')) url = url.slice(0, url.indexOf(']'));
    let open = 0;
    let close = 0;
    for (const c of url) {
      if (c === '(') open++;
      else if (c === ')') close++;
    }
    // Trailing punctuation is the sentence's, and a `)` the URL did not open is the text's.
    for (;;) {
      const last = url[url.length - 1];
      if ('?!.,:*_~\'"'.includes(last)) url = url.slice(0, -1);
      else if (last === ')' && close > open) {
        url = url.slice(0, -1);
        close--;
      } else if (last === ';' && /&[a-z0-9]+;$/i.test(url.slice(-34))) {
        url = url.slice(0, url.lastIndexOf('&'));
      } else break;
    }
    if (!/^(?:https?:\/\/|www\.)[\w-]/i.test(url)) return false;
    this.link(/^www\./i.test(url) ? `http://${url}` : url, url);
    this.pos += url.length;
    return true;
  }

  private link(href: string, text: string): void {
    const node = this.append('link', '');
    node.first = new Node('escape', text);
    node.href = href;
  }

  private closeBracket(): void {
    const opener = this.brackets.pop();
    const close = this.pos;
    this.pos++;
    if (!opener || !opener.active) {
      this.text += ']';
      return;
    }
    const target = this.linkTail(opener, close);
    if (!target) {
      this.text += ']';
      return;
    }
    this.flush();
    this.emphasis(opener.bottom);
    const node = new Node(opener.image ? 'image' : 'link', '');
    node.first = opener.node.next;
    node.href = target.href;
    node.title = target.title;
    if (opener.node.next) opener.node.next.prev = null;
    this.tail = opener.node;
    opener.node.next = null;
    this.remove(opener.node);
    if (node.type === 'image') {
      node.text = plainText(node.first);
      node.first = null;
    } else {
      // No links inside links: earlier `[` can no longer open one.
      for (const b of this.brackets) if (!b.image) b.active = false;
    }
    this.push(node);
    this.pos = target.end;
  }

  /** What follows `]`: `(dest "title")`, `[label]`, `[]`, or nothing (a shortcut reference). */
  private linkTail(opener: Bracket, close: number): LinkTail | null {
    const { src } = this;
    const after = close + 1;
    if (src[after] === '(') {
      const inline = inlineTarget(src, after + 1);
      if (inline) return inline;
    }
    let label = src.slice(opener.start, close);
    let end = after;
    if (src[after] === '[') {
      const stop = src.indexOf(']', after + 1);
      if (stop > 0 && stop - after <= 1000 && !src.slice(after + 1, stop).includes('[')) {
        if (stop > after + 1) label = src.slice(after + 1, stop);
        end = stop + 1;
      }
    }
    if (label.length > 999) return null;
    const ref = this.links[normalizeLabel(label)];
    return ref && normalizeLabel(label) ? { ...ref, end } : null;
  }

  /** CommonMark's "process emphasis", for the delimiters above `bottom`. */
  private emphasis(bottom: Delim | null): void {
    const floors = new Map<string, Delim | null>();
    let closer: Delim | null = null;
    for (let d = this.top; d && d !== bottom; d = d.prev) closer = d;
    while (closer) {
      if (!closer.canClose) {
        closer = closer.next;
        continue;
      }
      const key = `${closer.ch}${closer.canOpen}${closer.ch === '~' ? closer.count : closer.orig % 3}`;
      const floor = floors.has(key) ? floors.get(key)! : bottom;
      let opener = closer.prev;
      while (opener && opener !== bottom && opener !== floor && !matches(opener, closer)) {
        opener = opener.prev;
      }
      if (!opener || opener === bottom || opener === floor) {
        floors.set(key, closer.prev);
        const next = closer.next;
        if (!closer.canOpen) this.dropDelim(closer);
        closer = next;
        continue;
      }
      const use = closer.ch === '~' ? closer.count : closer.count >= 2 && opener.count >= 2 ? 2 : 1;
      opener.count -= use;
      closer.count -= use;
      opener.node.text = opener.ch.repeat(opener.count);
      closer.node.text = closer.ch.repeat(closer.count);
      const type = closer.ch === '~' ? 'del' : use === 2 ? 'strong' : 'em';
      this.wrap(type, opener.node, closer.node);
      opener.next = closer;
      closer.prev = opener;
      if (opener.count === 0) {
        this.remove(opener.node);
        this.dropDelim(opener);
      }
      if (closer.count === 0) {
        this.remove(closer.node);
        const next = closer.next;
        this.dropDelim(closer);
        closer = next;
      }
    }
    while (this.top && this.top !== bottom) this.dropDelim(this.top);
  }

  /** The nodes strictly between `from` and `to` become the children of a new node. */
  private wrap(type: NodeType, from: Node, to: Node): void {
    const first = from.next === to ? null : from.next;
    const node = new Node(type, '');
    node.prev = from;
    node.next = to;
    node.first = first;
    if (first) {
      first.prev = null;
      to.prev!.next = null;
    }
    from.next = node;
    to.prev = node;
  }

  private dropDelim(d: Delim): void {
    if (d.prev) d.prev.next = d.next;
    if (d.next) d.next.prev = d.prev;
    if (this.top === d) this.top = d.prev;
  }

  private flush(): void {
    if (!this.text) return;
    const text = this.text;
    this.text = '';
    this.push(new Node('text', text));
  }

  private append(type: NodeType, text: string): Node {
    this.flush();
    return this.push(new Node(type, text));
  }

  private push(node: Node): Node {
    node.prev = this.tail;
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    return node;
  }

  private remove(node: Node): void {
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
  }
}

function matches(opener: Delim, closer: Delim): boolean {
  if (opener.ch !== closer.ch || !opener.canOpen) return false;
  if (opener.ch === '~') return opener.count === closer.count;
  // The "rule of 3": `*foo**bar*` is one em, not a strong left open.
  const both = opener.canClose || closer.canOpen;
  const sum = opener.orig + closer.orig;
  return !(both && sum % 3 === 0 && (opener.orig % 3 !== 0 || closer.orig % 3 !== 0));
}

/** Inline markdown (a paragraph, heading or table cell) to tokens. */
export function lexInline(src: string, links: Links): Inline[] {
  return new InlineLexer(src, links).lex();
}
