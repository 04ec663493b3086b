import type { Usage } from '@realstream/protocol';

/**
 * A tool call the model asked for: `arguments` is the JSON text exactly as the model wrote it (not
 * parsed or validated here), `name` the tool's dotted room name (`time.now`). Streamed just before
 * the `finish` whose reason is `tool-calls`, and sent back on the assistant turn that made it.
 */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A tool the model may call in this reply. */
export interface ToolOffer {
  /** The room's dotted name, e.g. `time.now`; providers see a mapped name (see tool-names.ts). */
  name: string;
  description: string;
  /** JSON Schema 2020-12 for the arguments object. */
  inputSchema: Record<string, unknown>;
}

/** A person's or the assistant's words. */
export interface ChatMessage {
  role: 'user' | 'assistant';
  name: string;
  text: string;
  /** Only on assistant turns: the calls it made, each answered by a later `tool` turn. */
  toolCalls?: ToolCall[];
}

/** The result of one tool call: answers the call `callId` made by an earlier assistant turn. */
export interface ToolResultMessage {
  role: 'tool';
  callId: string;
  /** The tool's dotted room name. */
  name: string;
  /** JSON text of the result, or of `{ error: { code, message } }` when `isError`. */
  content: string;
  isError: boolean;
}

/** One turn of the conversation as a responder sees it. */
export type ContextMessage = ChatMessage | ToolResultMessage;

export interface ResponderInput {
  room: string;
  /**
   * Oldest first; the last one is the message being answered, or the last result of the tool calls
   * the assistant made while answering it.
   */
  messages: ContextMessage[];
  /** Tools the model may call; none offered means a plain text reply. */
  tools?: ToolOffer[];
  /** The room's own system prompt, replacing the deployment's. */
  systemPrompt?: string;
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
  /** What a provider responder learned about its model (model-quirks.ts); none for the demo. */
  readonly quirks?: { readonly toolsRefused: string | null };
  respond(input: ResponderInput, signal: AbortSignal): AsyncIterable<ResponderChunk>;
}
