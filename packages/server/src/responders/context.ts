/**
 * The conversation a model sees, shared by every provider: the system prompt, the room's history
 * trimmed to a character budget (newest kept), and each person's name in front of their words.
 */
import type {
  ChatMessage,
  ContextMessage,
  ReasoningItem,
  ResponderInput,
  ToolCall,
} from './types.js';

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

/** One turn as a provider receives it, before its own wire format. */
export type Turn =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[]; reasoningItems?: ReasoningItem[] }
  | { role: 'tool'; callId: string; name: string; content: string; isError: boolean };

export interface Conversation {
  system: string;
  /** Oldest first; the message being answered last, or followed by the tool work answering it. */
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

function toTurn(message: ChatMessage): Turn {
  // Only people get a prefix: a model shown its own turns prefixed starts writing "Assistant: ".
  if (message.role === 'user') {
    return { role: 'user', content: `${speakerName(message.name)}: ${message.text}` };
  }
  const calls = message.toolCalls ?? [];
  const items = (calls.length && message.reasoningItems) || [];
  return {
    role: 'assistant',
    content: message.text,
    ...(calls.length && { toolCalls: calls }),
    ...(items.length && { reasoningItems: items }),
  };
}

function size(turn: Turn): number {
  if (turn.role !== 'assistant') return turn.content.length;
  const calls = turn.toolCalls ?? [];
  return calls.reduce((n, c) => n + c.name.length + c.arguments.length, turn.content.length);
}

/**
 * The history as units that are kept or trimmed whole: a turn, or an assistant turn with tool calls
 * followed by the result of each call. Providers refuse a result whose call is missing and a call
 * whose result is missing, so calls without a result and results without a call are left out, and
 * results are moved up to follow their call directly (someone may have spoken while a tool ran).
 */
function units(messages: readonly ContextMessage[]): Turn[][] {
  const results = new Map<string, { index: number; turn: Turn }>();
  messages.forEach((m, index) => {
    if (m.role !== 'tool' || results.has(m.callId)) return;
    const { callId, name, content, isError } = m;
    results.set(callId, { index, turn: { role: 'tool', callId, name, content, isError } });
  });
  const out: Turn[][] = [];
  messages.forEach((m, index) => {
    if (m.role === 'tool') return;
    const answered = (m.role === 'assistant' && m.toolCalls) || [];
    const found = answered.flatMap((call) => {
      const result = results.get(call.id);
      if (!result || result.index < index) return [];
      results.delete(call.id);
      return [{ call, result: result.turn }];
    });
    const turn = toTurn({ ...m, toolCalls: found.map((f) => f.call) });
    if (turn.role === 'assistant' && !turn.content && !turn.toolCalls) return;
    out.push([turn, ...found.map((f) => f.result)]);
  });
  return out;
}

/**
 * Builds the conversation for `input`: the message being answered (with any tool calls and results
 * made since, which answer it) whatever its size, then the newest history that fits in
 * `contextChars` (counting the name prefixes), stopping at the first unit that does not fit so no
 * gap opens in the middle of the history.
 */
export function buildConversation(input: ResponderInput, options: ContextOptions): Conversation {
  const all = units(input.messages);
  const unitSize = (unit: Turn[]) => unit.reduce((n, t) => n + size(t), 0);
  let first = all.length - 1;
  while (first > 0 && all[first][0].role !== 'user') first--;
  // No person in the history: only the newest unit is sure to matter.
  if (first < 0 || all[first][0].role !== 'user') first = Math.max(0, all.length - 1);
  let used = all.slice(first).reduce((n, unit) => n + unitSize(unit), 0);
  for (; first > 0; first--) {
    const more = unitSize(all[first - 1]);
    if (used + more > options.contextChars) break;
    used += more;
  }
  // A room's own prompt replaces the deployment's.
  return { system: input.systemPrompt ?? options.systemPrompt, turns: all.slice(first).flat() };
}

/**
 * Joins consecutive turns of the same role (several people speaking in a row) into one, for
 * providers that need user and assistant turns to alternate. Tool results stay separate turns, and
 * nothing is joined after an assistant turn's tool calls, which must come last in that turn.
 */
export function mergeTurns(turns: Turn[]): Turn[] {
  const out: Turn[] = [];
  for (const turn of turns) {
    const last = out.at(-1);
    if (
      last &&
      last.role === turn.role &&
      last.role !== 'tool' &&
      !(last.role === 'assistant' && last.toolCalls)
    ) {
      last.content = [last.content, turn.content].filter(Boolean).join('\n\n');
      if (last.role === 'assistant' && turn.role === 'assistant' && turn.toolCalls) {
        last.toolCalls = [...turn.toolCalls];
      }
    } else {
      out.push(
        turn.role === 'assistant' && turn.toolCalls
          ? { ...turn, toolCalls: [...turn.toolCalls] }
          : { ...turn },
      );
    }
  }
  return out;
}
