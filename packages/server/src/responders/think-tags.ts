/**
 * Splits inline `<think>…</think>` reasoning off a model's text. Local models (DeepSeek R1
 * distills, Qwen3, QwQ under Ollama or llama.cpp without a reasoning parser) write their thinking
 * into the answer itself, between these tags, before the answer. Only a reply (or a round of one)
 * that opens with the tag is split: `<think>` later in an answer is the answer's own text. Tags may
 * arrive cut across chunks; nothing is held back longer than it takes to tell.
 */
const OPEN = '<think>';
const CLOSE = '</think>';

export type ThinkPiece = { type: 'text' | 'reasoning'; text: string };

export class ThinkTags {
  private state: 'start' | 'thinking' | 'answer' = 'start';
  /** Text held back: the start of the reply (a tag may be opening), or a part of `</think>`. */
  private held = '';
  /** Some reasoning was passed on. */
  private thought = false;
  /** The line breaks after `</think>` are layout too: dropped until the answer's first word. */
  private trimAnswer = false;

  push(text: string): ThinkPiece[] {
    if (this.state === 'answer') return this.answer(text);
    this.held += text;
    if (this.state === 'start') {
      const lead = this.held.trimStart();
      if (lead.startsWith(OPEN)) {
        this.state = 'thinking';
        this.held = lead.slice(OPEN.length);
      } else if (OPEN.startsWith(lead)) {
        return []; // still could be the tag
      } else {
        return this.answer(this.held);
      }
    }
    // The line breaks around the reasoning are the tags' layout, not part of it.
    if (!this.thought) this.held = this.held.replace(/^\s+/, '');
    const end = this.held.indexOf(CLOSE);
    if (end >= 0) {
      const thought = this.held.slice(0, end).trimEnd();
      const rest = this.held.slice(end + CLOSE.length);
      this.trimAnswer = true;
      return [...this.reasoning(thought), ...this.answer(rest)];
    }
    // Keep back what may be the start of `</think>`, and the white space before it.
    const tag = partialSuffix(this.held, CLOSE);
    const keep = this.held.length - this.held.slice(0, this.held.length - tag).trimEnd().length;
    const thought = this.held.slice(0, this.held.length - keep);
    this.held = this.held.slice(this.held.length - keep);
    return this.reasoning(thought);
  }

  /** The stream ended: whatever was held back, as what it was. */
  end(): ThinkPiece[] {
    const held = this.held;
    this.held = '';
    if (this.state === 'thinking') return this.reasoning(held.trimEnd());
    return held ? [{ type: 'text', text: held }] : [];
  }

  private reasoning(text: string): ThinkPiece[] {
    if (!text) return [];
    this.thought = true;
    return [{ type: 'reasoning', text }];
  }

  private answer(text: string): ThinkPiece[] {
    this.state = 'answer';
    this.held = '';
    if (this.trimAnswer) text = text.replace(/^\s+/, '');
    if (!text) return [];
    this.trimAnswer = false;
    return [{ type: 'text', text }];
  }
}

/** Length of the longest end of `text` that is a proper start of `tag`. */
function partialSuffix(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}
