import { decodeEntities } from './entities.js';
import type { Inline } from './tokens.js';

// The inline lexer's working form: doubly linked nodes, so wrapping a run of them in emphasis or a
// link is a relink whatever its length, then converted to tokens in one iterative walk.

/** Emphasis and link nesting kept; deeper spans keep their text but lose their wrapper. */
export const MAX_DEPTH = 16;

export type NodeType =
  'text' | 'escape' | 'codespan' | 'br' | 'em' | 'strong' | 'del' | 'link' | 'image';

/** One shape for every node: a paragraph of a million delimiters makes a million of them. */
export class Node {
  prev: Node | null = null;
  next: Node | null = null;
  /** Children of em, strong, del and link. */
  first: Node | null = null;
  href = '';
  title: string | null = null;

  constructor(
    public type: NodeType,
    /** Text, escaped character, code, or an image's alt text. */
    public text: string,
  ) {}
}

/** An image's alt text: the text of its content, markup dropped. Iterative, as nesting is free. */
export function plainText(first: Node | null): string {
  let out = '';
  const stack: (Node | null)[] = [first];
  while (stack.length) {
    const node = stack.pop();
    if (!node) continue;
    stack.push(node.next);
    if (node.type === 'text') out += decodeEntities(node.text);
    else if (node.type === 'escape' || node.type === 'codespan' || node.type === 'image')
      out += node.text;
    else if (node.first) stack.push(node.first);
  }
  return out;
}

/** Linked nodes to tokens. Iterative, with links in links and spans past MAX_DEPTH unwrapped. */
export function convert(first: Node | null): Inline[] {
  const root: Inline[] = [];
  const stack = [{ node: first, out: root, depth: 0, inLink: false }];
  const text = (out: Inline[], s: string) => {
    const last = out[out.length - 1];
    if (last?.type === 'text') last.text += s;
    else out.push({ type: 'text', text: s });
  };
  while (stack.length) {
    const frame = stack[stack.length - 1];
    const node = frame.node;
    if (!node) {
      stack.pop();
      continue;
    }
    frame.node = node.next;
    const { out, depth, inLink } = frame;
    switch (node.type) {
      case 'text':
        if (node.text) text(out, decodeEntities(node.text));
        break;
      case 'escape':
        text(out, node.text);
        break;
      case 'codespan':
        out.push({ type: 'codespan', text: node.text });
        break;
      case 'br':
        out.push({ type: 'br' });
        break;
      case 'image':
        out.push({ type: 'image', href: node.href, title: node.title, text: node.text });
        break;
      default: {
        const link = node.type === 'link';
        if (depth >= MAX_DEPTH || (link && inLink)) {
          stack.push({ node: node.first, out, depth, inLink });
          break;
        }
        const tokens: Inline[] = [];
        out.push(
          link
            ? { type: 'link', href: node.href, title: node.title, tokens }
            : { type: node.type as 'em' | 'strong' | 'del', tokens },
        );
        stack.push({
          node: node.first ?? null,
          out: tokens,
          depth: depth + 1,
          inLink: inLink || link,
        });
      }
    }
  }
  return root;
}
