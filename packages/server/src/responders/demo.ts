import { planToolCall, toolResultReply } from './demo-tools.js';
import type { Responder, ResponderChunk, ResponderInput } from './types.js';

export interface DemoOptions {
  /** Tokens per second; 0 streams as fast as the room takes them. */
  tokensPerSecond: number;
  /** Reply length in tokens; 0 = the natural length of the demo reply. */
  replyTokens: number;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

const TOPICS = [
  'latency',
  'resumable streams',
  'shared rooms',
  'tool calls',
  'design tokens',
  'metrics',
];

/** The demo reply for a prompt: the same prompt always gets the same markdown. */
export function demoReply(prompt: string): string {
  const h = hash(prompt);
  const topic = TOPICS[h % TOPICS.length];
  const quoted = prompt.trim().replace(/\s+/g, ' ').slice(0, 80);
  return [
    `**Demo responder** (offline, no model): you said _"${quoted}"_. Here is a sample reply about **${topic}**.`,
    '',
    `Every token you see was streamed through the room's event log, so a refresh or a dropped link resumes exactly where it left off.`,
    '',
    '### What a room guarantees',
    '',
    '1. Every event has a room-wide `seq`.',
    '2. Durable events are stored before they are sent.',
    '3. Deltas carry an `offset`, so replays never duplicate text.',
    '',
    '- Presence and typing are live but never replayed.',
    `- Reply seed: \`${h.toString(16)}\`.`,
    '',
    '```ts',
    "const client = connect({ host: 'localhost:1999', room: 'lobby' });",
    'client.$messages.subscribe((messages) => render(messages));',
    '```',
    '',
    '| Event | Stored | Replayed |',
    '| --- | --- | --- |',
    '| message.created | yes | yes |',
    '| message.delta | yes, before it is sent | from the ring |',
    '| typing | no | no |',
    '',
    '> Set `REALSTREAM_RESPONDER` to a real provider to talk to a model.',
  ].join('\n');
}

/**
 * The demo's reasoning, for a prompt that asks it to think (or reason): scripted, and labelled so,
 * but streamed as a reasoning model's is, so the chat's reasoning view can be tried offline.
 */
export function demoReasoning(prompt: string): string | null {
  if (!/\b(think|thinking|reason|reasoning)\b/i.test(prompt)) return null;
  return [
    'You asked me to think, so here is my reasoning first. I am the offline demo responder:',
    'these words are scripted, but they stream as the reasoning part of the reply, stored and',
    'resumed like the text, and never sent back to a model.',
    '\n\nThe answer comes next, after this reasoning.',
  ].join(' ');
}

/** Splits text into word-sized tokens that keep their whitespace, like a model's stream. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? [];
}

/**
 * At full speed (tokensPerSecond 0) text comes in reads of about this many characters, as from a
 * network buffer, and the room gets a turn (frames in, timers) between reads. No I/O happens here,
 * so in workerd the clock and the room's coalescing timer stand still during a read: the delta size
 * cap (MAX_DELTA_CHARS in replies.ts) is what sends text then. Reads of 16 tokens let a loaded room
 * flip between deltas of 16 and of 400 tokens from one run to the next; reads of 4 KB starved a room
 * without coalescing (a frame per token) so long that requests timed out.
 */
const READ_CHARS = 1024;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => (clearTimeout(t), resolve());
    // Remove the listener when the timer wins, or every token of a reply leaves one on the signal.
    const t = setTimeout(() => (signal.removeEventListener('abort', onAbort), resolve()), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Deterministic markdown replies streamed token by token: the offline default, clearly labelled.
 * Offered `time.now` or `math.evaluate`, it also plays a model's tool use (see demo-tools.ts).
 */
export class DemoResponder implements Responder {
  readonly name = 'demo';
  constructor(private readonly options: DemoOptions) {}

  async *respond(input: ResponderInput, signal: AbortSignal): AsyncIterable<ResponderChunk> {
    const last = input.messages.at(-1);
    const prompt = last && last.role !== 'tool' ? last.text : '';
    const afterTools = toolResultReply(input.messages);
    if (afterTools !== null) {
      const tokens = tokenize(afterTools);
      const inputTokens = tokenize(last?.role === 'tool' ? last.content : '').length;
      if (!(yield* this.stream(tokens, signal))) return;
      yield { type: 'finish', reason: 'stop', usage: { inputTokens, outputTokens: tokens.length } };
      return;
    }
    const offered = new Set((input.tools ?? []).map((t) => t.name));
    const plan = last?.role === 'user' ? planToolCall(prompt, offered) : null;
    if (plan) {
      const tokens = tokenize(plan.lead);
      if (!(yield* this.stream(tokens, signal))) return;
      // Same conversation, same id, so a demo replays alike; a new question is a new conversation.
      const seed = `${JSON.stringify(input.messages)}:${plan.name}:${plan.arguments}`;
      const id = `demo-${hash(seed).toString(16)}`;
      yield { type: 'tool-call', id, name: plan.name, arguments: plan.arguments };
      const usage = { inputTokens: tokenize(prompt).length, outputTokens: tokens.length + 1 };
      yield { type: 'finish', reason: 'tool-calls', usage };
      return;
    }
    const reasoning = last?.role === 'user' ? demoReasoning(prompt) : null;
    if (reasoning !== null && !(yield* this.stream(tokenize(reasoning), signal, 'reasoning'))) {
      return;
    }
    let tokens = tokenize(demoReply(prompt));
    const want = this.options.replyTokens;
    if (want > 0) {
      const base = tokens;
      tokens = [];
      for (let i = 0; tokens.length < want; i++) tokens.push(...(i ? ['\n\n', ...base] : base));
      tokens.length = want;
    }
    if (!(yield* this.stream(tokens, signal))) return;
    yield {
      type: 'finish',
      reason: 'stop',
      usage: { inputTokens: tokenize(prompt).length, outputTokens: tokens.length },
    };
  }

  /** Streams `tokens` (of the answer, or of its reasoning) at the configured pace; false when `signal` aborted it. */
  private async *stream(
    tokens: string[],
    signal: AbortSignal,
    part: 'text' | 'reasoning' = 'text',
  ): AsyncGenerator<ResponderChunk, boolean> {
    const gap = this.options.tokensPerSecond > 0 ? 1000 / this.options.tokensPerSecond : 0;
    const started = Date.now();
    let read = 0;
    for (let i = 0; i < tokens.length; i++) {
      if (signal.aborted) return false;
      if (gap > 0) {
        // Pace against the start time so timer drift does not slow the stream down.
        const due = started + i * gap - Date.now();
        if (due > 0) await sleep(due, signal);
      } else if (read >= READ_CHARS) {
        read = 0;
        await sleep(0, signal);
      }
      if (signal.aborted) return false;
      read += tokens[i].length;
      yield { type: part, text: tokens[i] };
    }
    return true;
  }
}
