/**
 * The conversation a model sees, shared by every provider: the system prompt, the room's history
 * trimmed to a character budget (newest kept), and each person's name in front of their words.
 */
import type { ContextMessage, ResponderInput } from './types.js';

export const DEFAULT_SYSTEM_PROMPT = [
  'You are the assistant in a shared chat room where several people talk with each other and with you.',
  'Each message from a person starts with their name and a colon, like "Ada: How do rooms work?".',
  'Everyone in the room reads your replies. Answer the latest message, address people by name when',
  'that makes it clearer who you are answering, and do not start your reply with your own name or a',
  'name prefix. Format replies in Markdown.',
].join(' ');

export interface ContextOptions {
  systemPrompt: string;
  /** Most characters of history sent; the message being answered is sent whatever its length. */
  contextChars: number;
}

/** One turn as a provider receives it. */
export interface Turn {
  role: 'user' | 'assistant';
  content: string;
}

export interface Conversation {
  system: string;
  /** Oldest first; the last one is the message being answered. */
  turns: Turn[];
}

const MAX_NAME_CHARS = 64;

/** A display name made safe to put in front of a message: one line, no control characters. */
export function speakerName(name: string): string {
  const clean = name
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/:+$/, '')
    .trim()
    .slice(0, MAX_NAME_CHARS)
    .trim();
  return clean || 'Someone';
}

function toTurn(message: ContextMessage): Turn {
  // Only people get a prefix: a model shown its own turns prefixed starts writing "Assistant: ".
  if (message.role === 'assistant') return { role: 'assistant', content: message.text };
  return { role: 'user', content: `${speakerName(message.name)}: ${message.text}` };
}

/**
 * Builds the conversation for `input`: the newest turns that fit in `contextChars` (counting the name
 * prefixes), stopping at the first that does not fit so no gap opens in the middle of the history.
 */
export function buildConversation(input: ResponderInput, options: ContextOptions): Conversation {
  const turns = input.messages.map(toTurn);
  let kept = 0;
  let used = 0;
  for (let i = turns.length - 1; i >= 0; i--) {
    const size = turns[i].content.length;
    if (kept > 0 && used + size > options.contextChars) break;
    used += size;
    kept++;
  }
  return { system: options.systemPrompt, turns: turns.slice(turns.length - kept) };
}

/**
 * Joins consecutive turns of the same role (several people speaking in a row) into one, for
 * providers that need user and assistant turns to alternate.
 */
export function mergeTurns(turns: Turn[]): Turn[] {
  const out: Turn[] = [];
  for (const turn of turns) {
    const last = out.at(-1);
    if (last && last.role === turn.role) last.content += `\n\n${turn.content}`;
    else out.push({ ...turn });
  }
  return out;
}
