/**
 * Anthropic's Messages API, streamed: `message_start`, content blocks (text, tool_use), then
 * `message_delta` with the stop reason and `message_stop`; `ping` keeps the line open.
 */
import type { Usage } from '@realstream/protocol';
import { buildConversation, mergeTurns, type Turn } from './context.js';
import type { SseEvent } from './sse.js';
import type { ResponderChunk, ResponderInput, ToolCall } from './types.js';
import { ProviderResponder } from './model-quirks.js';
import { notJson, providerMessage } from './provider-errors.js';
import { ToolNames, providerSchema } from './tool-names.js';
import {
  streamUpstream,
  type DecodedChunk,
  type ProviderOptions,
  type StreamDecoder,
} from './upstream.js';

export const ANTHROPIC_VERSION = '2023-06-01';
/** The API requires max_tokens; every current model can write this many. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

type FinishReason = Extract<ResponderChunk, { type: 'finish' }>['reason'];

const STOP_REASONS: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool-calls',
};

/** Marks the thinking blocks this responder made (ReasoningItem.provider). */
const REASONING_PROVIDER = 'anthropic';

/** Errors that say "try again" rather than "this request is wrong". */
const RETRYABLE_ERRORS = new Set(['overloaded_error', 'api_error', 'rate_limit_error']);

type Block =
  | { type: 'text'; text: string }
  /** Thinking blocks (`thinking` with its signature, `redacted_thinking`), sent back as they came. */
  | { type: 'thinking' | 'redacted_thinking'; [key: string]: unknown }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; tool_use_id: string; content: string; is_error: boolean };

interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: string | Block[];
}

/** The API takes `input` as an object; a model that wrote broken JSON is shown an empty one. */
function toolInput(args: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(args || '{}');
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through
  }
  return {};
}

/**
 * Turns in Messages API form. Tool results travel in a user message, all the results of one
 * assistant turn in the same one (turns must alternate), ahead of anything a person said next.
 */
function anthropicMessages(turns: Turn[], names: ToolNames): AnthropicMessage[] {
  const out: AnthropicMessage[] = [];
  for (const turn of mergeTurns(turns)) {
    const last = out.at(-1);
    const blocks = last?.role === 'user' && Array.isArray(last.content) ? last.content : null;
    if (turn.role === 'tool') {
      const { callId, content, isError } = turn;
      const block: Block = { type: 'tool_result', tool_use_id: callId, content, is_error: isError };
      if (blocks) blocks.push(block);
      else out.push({ role: 'user', content: [block] });
    } else if (turn.role === 'user') {
      if (blocks) blocks.push({ type: 'text', text: turn.content });
      else out.push({ role: 'user', content: turn.content });
    } else if (turn.toolCalls) {
      // Thinking first, as the model wrote it: the API checks the signatures when the results of
      // the calls it led to come back.
      const content: Block[] = (turn.reasoningItems ?? []).flatMap((item) =>
        item.provider === REASONING_PROVIDER ? [item.data as Block] : [],
      );
      if (turn.content.trim()) content.push({ type: 'text', text: turn.content });
      for (const call of turn.toolCalls) {
        const name = names.provider(call.name);
        content.push({ type: 'tool_use', id: call.id, name, input: toolInput(call.arguments) });
      }
      out.push({ role: 'assistant', content });
    } else {
      out.push({ role: 'assistant', content: turn.content });
    }
  }
  return out;
}

/**
 * The request body for one reply, or null when there is nothing to answer. The API wants turns
 * that alternate and start with a user turn: people speaking in a row become one turn. `names`
 * maps room tool names to provider names and must decode the reply.
 */
export function anthropicRequestBody(
  input: ResponderInput,
  options: ProviderOptions,
  names = ToolNames.for(input.tools, input.messages),
  offerTools = true,
) {
  const { system, turns } = buildConversation(input, options);
  // The API wants a user turn first; an assistant turn dropped here takes its tool results along.
  while (turns.length > 0 && turns[0].role !== 'user') turns.shift();
  const messages = anthropicMessages(turns, names);
  if (messages.length === 0) return null;
  const last = messages[messages.length - 1];
  // A final assistant turn (a prefill) may not end in whitespace.
  if (last.role === 'assistant' && typeof last.content === 'string') {
    last.content = last.content.trimEnd();
  }
  const tools = offerTools ? (input.tools ?? []) : [];
  const budget = options.thinkingTokens ?? null;
  const maxTokens = options.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS;
  return {
    model: options.model,
    // The budget is part of max_tokens and must be below it: room is left for the answer.
    max_tokens:
      budget === null ? maxTokens : Math.max(maxTokens, budget + ANTHROPIC_DEFAULT_MAX_TOKENS),
    ...(budget !== null && { thinking: { type: 'enabled', budget_tokens: budget } }),
    ...(system && { system }),
    messages,
    ...(tools.length > 0 && {
      tools: tools.map((tool) => ({
        name: names.provider(tool.name),
        description: tool.description,
        input_schema: providerSchema(tool.inputSchema),
      })),
    }),
    stream: true,
    // Thinking takes no temperature but the default.
    ...(options.temperature !== null && budget === null && { temperature: options.temperature }),
  };
}

/** The Messages API has one name for max tokens; compatible servers may still refuse tools. */
export class AnthropicResponder extends ProviderResponder {
  readonly name = 'anthropic';

  protected request(
    input: ResponderInput,
    signal: AbortSignal,
    offerTools: boolean,
  ): AsyncIterable<ResponderChunk> {
    const { options } = this;
    const names = ToolNames.for(input.tools, input.messages);
    const body = anthropicRequestBody(input, options, names, offerTools);
    if (!body) return nothingToAnswer();
    return streamUpstream(
      {
        provider: this.name,
        url: `${options.baseUrl.replace(/\/+$/, '')}/v1/messages`,
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          'anthropic-version': ANTHROPIC_VERSION,
          ...(options.apiKey && { 'x-api-key': options.apiKey }),
        },
        body,
        decoder: () => new AnthropicDecoder(names),
        secrets: options.apiKey ? [options.apiKey] : [],
      },
      options,
      signal,
    );
  }
}

async function* nothingToAnswer(): AsyncGenerator<ResponderChunk> {
  yield {
    type: 'error',
    code: 'bad_request',
    message: 'anthropic: no message from a person to answer',
  };
}

export class AnthropicDecoder implements StreamDecoder {
  started = false;
  private stopReason: string | null = null;
  private inputTokens = 0;
  private outputTokens = 0;
  private hasUsage = false;
  /** tool_use blocks by content block index; their input arrives as JSON fragments. */
  private readonly calls = new Map<number, ToolCall>();
  /** thinking blocks by content block index, whole at content_block_stop (text and signature). */
  private readonly thoughts = new Map<number, { thinking: string; signature: string }>();
  /** Some thinking was shown: the next block of it starts a new paragraph. */
  private thought = false;
  private thoughtBlockStarting = true;

  /** `names` turns the tool names the model used back into room names. */
  constructor(private readonly names = new ToolNames()) {}

  event({ event, data }: SseEvent): DecodedChunk[] {
    let msg: any;
    try {
      msg = JSON.parse(data);
    } catch {
      return [notJson('anthropic', 'an event', data)];
    }
    switch (msg?.type ?? event) {
      case 'message_start':
        this.readUsage(msg.message?.usage);
        return [];
      case 'content_block_start':
        return this.blockStart(msg.index, msg.content_block);
      case 'content_block_delta':
        return this.blockDelta(msg.index, msg.delta);
      case 'message_delta':
        if (msg.delta?.stop_reason) this.stopReason = String(msg.delta.stop_reason);
        this.readUsage(msg.usage);
        return [];
      case 'message_stop':
        return this.finish();
      case 'content_block_stop':
        return this.blockStop(msg.index);
      case 'error': {
        const type = typeof msg.error?.type === 'string' ? msg.error.type : 'error';
        const text = providerMessage(data) || 'unknown error';
        return [
          {
            type: 'error',
            code: 'provider_error',
            message: `anthropic: ${text} (${type})`,
            retryable: RETRYABLE_ERRORS.has(type),
          },
        ];
      }
      default:
        // ping, content_block_stop, and event types added after this was written.
        return [];
    }
  }

  end(): DecodedChunk[] | null {
    return null;
  }

  private blockStart(index: number, block: any): DecodedChunk[] {
    if (block?.type === 'text') {
      if (typeof block.text === 'string' && block.text) {
        this.started = true;
        return [{ type: 'text', text: block.text }];
      }
    } else if (block?.type === 'thinking') {
      // Extended thinking is work: no first-token timeout may cut the reply off meanwhile.
      this.started = true;
      const thinking = typeof block.thinking === 'string' ? block.thinking : '';
      const signature = typeof block.signature === 'string' ? block.signature : '';
      this.thoughts.set(index, { thinking, signature });
      return this.think(thinking);
    } else if (block?.type === 'redacted_thinking') {
      // Encrypted thinking: nothing to show, but it goes back with the next round.
      this.started = true;
      const data = typeof block.data === 'string' ? block.data : '';
      const item = { provider: REASONING_PROVIDER, data: { type: 'redacted_thinking', data } };
      return [{ type: 'reasoning-item', item, redacted: true }];
    } else if (block?.type === 'tool_use') {
      this.started = true;
      this.calls.set(index, {
        id: String(block.id ?? ''),
        name: this.names.room(String(block.name ?? '')),
        arguments: '',
      });
    }
    return [];
  }

  private blockDelta(index: number, delta: any): DecodedChunk[] {
    if (delta?.type === 'text_delta' && typeof delta.text === 'string' && delta.text) {
      this.started = true;
      return [{ type: 'text', text: delta.text }];
    }
    if (delta?.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
      const call = this.calls.get(index);
      if (call) call.arguments += delta.partial_json;
    }
    const thought = this.thoughts.get(index);
    if (delta?.type === 'thinking_delta' && typeof delta.thinking === 'string') {
      this.started = true;
      if (thought) thought.thinking += delta.thinking;
      return this.think(delta.thinking);
    }
    if (delta?.type === 'signature_delta' && typeof delta.signature === 'string' && thought) {
      thought.signature += delta.signature;
    }
    // citations_delta and delta types added after this was written: nothing the room shows.
    return [];
  }

  /** Thinking text to show; a new block of it starts a new paragraph. */
  private think(text: string): DecodedChunk[] {
    if (!text) return [];
    const out: DecodedChunk[] = [];
    if (this.thought && this.thoughtBlockStarting) out.push({ type: 'reasoning', text: '\n\n' });
    this.thought = true;
    this.thoughtBlockStarting = false;
    out.push({ type: 'reasoning', text });
    return out;
  }

  /** A finished thinking block is kept, signature and all, for the next round of this reply. */
  private blockStop(index: number): DecodedChunk[] {
    const thought = this.thoughts.get(index);
    if (!thought) return [];
    this.thoughts.delete(index);
    this.thoughtBlockStarting = true;
    const data = { type: 'thinking', ...thought };
    return [{ type: 'reasoning-item', item: { provider: REASONING_PROVIDER, data } }];
  }

  /** message_start carries the input count; message_delta the running output count. */
  private readUsage(usage: any): void {
    if (!usage || typeof usage !== 'object') return;
    const input = ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens']
      .map((k) => usage[k])
      .filter((n): n is number => typeof n === 'number' && n >= 0);
    if (input.length) this.inputTokens = input.reduce((a, b) => a + b, 0);
    if (typeof usage.output_tokens === 'number' && usage.output_tokens >= 0) {
      this.outputTokens = usage.output_tokens;
    }
    this.hasUsage = true;
  }

  private finish(): DecodedChunk[] {
    const reason = this.stopReason ? (STOP_REASONS[this.stopReason] ?? 'other') : 'stop';
    const out: DecodedChunk[] = [];
    if (reason === 'tool-calls') {
      for (const [, call] of [...this.calls.entries()].sort(([a], [b]) => a - b)) {
        out.push({ type: 'tool-call', ...call, arguments: call.arguments || '{}' });
      }
    }
    const usage: Usage = { inputTokens: this.inputTokens, outputTokens: this.outputTokens };
    out.push({ type: 'finish', reason, ...(this.hasUsage && { usage }) });
    return out;
  }
}
