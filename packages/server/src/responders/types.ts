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
  /**
   * Only on an assistant turn with tool calls, within one reply: the provider's own record of the
   * reasoning that led to the calls (ReasoningItem), sent back as it came, since a provider may
   * check it (Anthropic verifies thinking signatures when tool results come back).
   */
  reasoningItems?: ReasoningItem[];
}

/**
 * A provider's opaque record of reasoning, kept for the rest of one reply and never shown or
 * stored: an Anthropic `thinking` block with its signature or a `redacted_thinking` block, an
 * OpenAI Responses `reasoning` item. Only the responder that made it reads it.
 */
export interface ReasoningItem {
  provider: string;
  data: Record<string, unknown>;
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
  /** The model's reasoning, shown apart from the answer and never sent back to a model as text. */
  | { type: 'reasoning'; text: string }
  /** See ReasoningItem; `redacted` when the provider withheld the reasoning it stands for. */
  | { type: 'reasoning-item'; item: ReasoningItem; redacted?: boolean }
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
