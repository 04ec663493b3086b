/**
 * OpenAI's Responses API (`POST /v1/responses`, streamed): typed events (`response.output_text
 * .delta`, `response.function_call_arguments.delta`, reasoning summaries, ...) ending with
 * `response.completed`, `response.incomplete` or `response.failed`; no `[DONE]`. Chosen with
 * `REALSTREAM_OPENAI_API=responses`; nothing is stored on OpenAI's side (`store: false`).
 */
import type { Usage } from '@realstream/protocol';
import { buildConversation, type Turn } from './context.js';
import { ProviderResponder, bearerHeaders } from './model-quirks.js';
import { notJson, providerMessage } from './provider-errors.js';
import { count } from './openai.js';
import type { SseEvent } from './sse.js';
import { ToolNames, providerSchema } from './tool-names.js';
import type { ResponderChunk, ResponderInput, ToolCall } from './types.js';
import {
  streamUpstream,
  type DecodedChunk,
  type ProviderOptions,
  type StreamDecoder,
} from './upstream.js';

/** Marks the reasoning items this responder made (ReasoningItem.provider). */
const REASONING_PROVIDER = 'openai-responses';

/** One turn as Responses input items: a message, or the function calls and their outputs. */
function inputItems(turn: Turn, names: ToolNames): Record<string, unknown>[] {
  if (turn.role === 'tool') {
    return [{ type: 'function_call_output', call_id: turn.callId, output: turn.content }];
  }
  const items: Record<string, unknown>[] = [];
  if (turn.content || !('toolCalls' in turn) || !turn.toolCalls) {
    items.push({ role: turn.role, content: turn.content });
  }
  if (turn.role === 'assistant') {
    // The reasoning that led to the calls goes back before them, as the API asks of reasoning
    // models within one reply.
    for (const item of turn.reasoningItems ?? []) {
      if (item.provider === REASONING_PROVIDER) items.push(item.data);
    }
    for (const call of turn.toolCalls ?? []) {
      items.push({
        type: 'function_call',
        call_id: call.id,
        name: names.provider(call.name),
        arguments: call.arguments || '{}',
      });
    }
  }
  return items;
}

export function responsesRequestBody(
  input: ResponderInput,
  options: ProviderOptions,
  names = ToolNames.for(input.tools, input.messages),
  offerTools = true,
) {
  const { system, turns } = buildConversation(input, options);
  const tools = offerTools ? (input.tools ?? []) : [];
  return {
    model: options.model,
    instructions: system,
    input: turns.flatMap((turn) => inputItems(turn, names)),
    ...(tools.length > 0 && {
      tools: tools.map((tool) => ({
        type: 'function',
        name: names.provider(tool.name),
        description: tool.description,
        parameters: providerSchema(tool.inputSchema),
        // Strict mode would demand every property be required: room schemas are not written so.
        strict: false,
      })),
      tool_choice: 'auto',
    }),
    stream: true,
    store: false,
    ...(options.temperature !== null && { temperature: options.temperature }),
    ...(options.maxTokens !== null && { max_output_tokens: options.maxTokens }),
    ...(options.reasoningEffort && {
      reasoning: { effort: options.reasoningEffort, summary: 'auto' },
      // Nothing is stored upstream (store: false), so the reasoning behind a round's function
      // calls can only go back with the results encrypted, as the API hands it out on request.
      include: ['reasoning.encrypted_content'],
    }),
  };
}

/** max_output_tokens is the one name this API has for max tokens. */
export class OpenAiResponsesResponder extends ProviderResponder {
  readonly name = 'openai';

  protected request(
    input: ResponderInput,
    signal: AbortSignal,
    offerTools: boolean,
  ): AsyncIterable<ResponderChunk> {
    const { options } = this;
    const names = ToolNames.for(input.tools, input.messages);
    return streamUpstream(
      {
        provider: this.name,
        url: `${options.baseUrl.replace(/\/+$/, '')}/responses`,
        headers: bearerHeaders(options.apiKey),
        body: responsesRequestBody(input, options, names, offerTools),
        decoder: () => new ResponsesDecoder(names),
        secrets: options.apiKey ? [options.apiKey] : [],
      },
      options,
      signal,
    );
  }
}

/** Reads Responses stream events, by their `type` (the `event:` line says the same). */
export class ResponsesDecoder implements StreamDecoder {
  started = false;
  /** Function calls by item id, in the order they were added. */
  private readonly calls = new Map<string, ToolCall>();

  constructor(private readonly names = new ToolNames()) {}

  event({ event, data }: SseEvent): DecodedChunk[] {
    let msg: any;
    try {
      msg = JSON.parse(data);
    } catch {
      return [notJson('openai', 'an event', data)];
    }
    switch (msg?.type ?? event) {
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        if (typeof msg.delta !== 'string' || !msg.delta) return [];
        this.started = true;
        return [{ type: 'text', text: msg.delta }];
      case 'response.reasoning_summary_part.added':
        // The model is at work: no first-token timeout may cut it off while it thinks.
        this.started = true;
        // Summaries come in parts, one paragraph each.
        return msg.summary_index > 0 ? [{ type: 'reasoning', text: '\n\n' }] : [];
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        this.started = true;
        if (typeof msg.delta !== 'string' || !msg.delta) return [];
        return [{ type: 'reasoning', text: msg.delta }];
      case 'response.output_item.added':
        this.functionCall(msg.item);
        return [];
      case 'response.output_item.done':
        this.functionCall(msg.item);
        // Kept for the next round of this reply (the calls' results go back with it). Without
        // its encrypted content an item means nothing to an API that stores nothing.
        if (msg.item?.type === 'reasoning' && typeof msg.item.encrypted_content === 'string') {
          return [
            { type: 'reasoning-item', item: { provider: REASONING_PROVIDER, data: msg.item } },
          ];
        }
        return [];
      case 'response.function_call_arguments.delta': {
        const call = this.calls.get(String(msg.item_id));
        if (call && typeof msg.delta === 'string') call.arguments += msg.delta;
        return [];
      }
      case 'response.function_call_arguments.done': {
        const call = this.calls.get(String(msg.item_id));
        if (call && typeof msg.arguments === 'string') call.arguments = msg.arguments;
        return [];
      }
      case 'response.completed':
        return this.finish(msg.response, this.calls.size > 0 ? 'tool-calls' : 'stop');
      case 'response.incomplete': {
        const why = msg.response?.incomplete_details?.reason;
        return this.finish(msg.response, why === 'max_output_tokens' ? 'length' : 'other');
      }
      case 'response.failed': {
        const error = msg.response?.error;
        const text = typeof error?.message === 'string' ? error.message : 'the response failed';
        const code = typeof error?.code === 'string' ? ` (${error.code})` : '';
        return [{ type: 'error', code: 'provider_error', message: `openai: ${text}${code}` }];
      }
      case 'error': {
        const code = typeof msg.code === 'string' ? ` (${msg.code})` : '';
        const text = providerMessage(data) || 'unknown error';
        return [{ type: 'error', code: 'provider_error', message: `openai: ${text}${code}` }];
      }
      default:
        // Lifecycle events, content parts, and event types added after this was written.
        return [];
    }
  }

  end(): DecodedChunk[] | null {
    return null;
  }

  /** A function_call item opens a call (added) or states it whole (done). */
  private functionCall(item: any): void {
    // A reasoning item opens as the model starts thinking, long before any summary text.
    if (item?.type === 'reasoning') this.started = true;
    if (item?.type !== 'function_call' || typeof item.id !== 'string') return;
    this.started = true;
    const known = this.calls.get(item.id);
    const call = known ?? { id: '', name: '', arguments: '' };
    if (typeof item.call_id === 'string' && item.call_id) call.id = item.call_id;
    if (typeof item.name === 'string' && item.name) call.name = this.names.room(item.name);
    if (typeof item.arguments === 'string' && item.arguments) call.arguments = item.arguments;
    if (!known) this.calls.set(item.id, call);
  }

  private finish(
    response: any,
    reason: 'stop' | 'length' | 'tool-calls' | 'other',
  ): DecodedChunk[] {
    const out: DecodedChunk[] = [];
    if (reason === 'tool-calls') {
      [...this.calls.entries()].forEach(([itemId, call]) =>
        out.push({
          type: 'tool-call',
          ...call,
          id: call.id || itemId,
          arguments: call.arguments || '{}',
        }),
      );
    }
    const u = response?.usage;
    const usage: Usage | undefined =
      u && typeof u === 'object'
        ? { inputTokens: count(u.input_tokens), outputTokens: count(u.output_tokens) }
        : undefined;
    out.push({ type: 'finish', reason, ...(usage && { usage }) });
    return out;
  }
}
