import type { Usage } from '@realstream/protocol';

/** One turn of the conversation as a responder sees it. */
export interface ContextMessage {
  role: 'user' | 'assistant';
  name: string;
  text: string;
}

export interface ResponderInput {
  room: string;
  /** Oldest first; the last one is the message being answered. */
  messages: ContextMessage[];
}

/**
 * A tool the model asked to call: `arguments` is the JSON text exactly as the model wrote it (not
 * parsed or validated here). Sent just before the `finish` whose reason is `tool-calls`.
 */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** What a responder streams back. A reply ends with exactly one `finish` or `error`. */
export type ResponderChunk =
  | { type: 'text'; text: string }
  | ({ type: 'tool-call' } & ToolCall)
  | { type: 'finish'; reason: 'stop' | 'length' | 'tool-calls' | 'other'; usage?: Usage }
  | { type: 'error'; code: string; message: string };

/**
 * The source of assistant replies. `respond` must stop promptly when `signal` aborts (and cancel any
 * upstream request); the room keeps whatever text was streamed.
 */
export interface Responder {
  readonly name: string;
  respond(input: ResponderInput, signal: AbortSignal): AsyncIterable<ResponderChunk>;
}
