/**
 * Any OpenAI-compatible Chat Completions endpoint (OpenAI, Ollama, llama.cpp server, vLLM,
 * LM Studio, OpenRouter), streamed: `data:` chunks until `data: [DONE]`, usage in the last chunk.
 */
import type { Usage } from '@realstream/protocol';
import { buildConversation, type Turn } from './context.js';
import type { SseEvent } from './sse.js';
import type { ResponderChunk, ResponderInput, ToolCall } from './types.js';
import { ProviderResponder, bearerHeaders, type MaxTokensParam } from './model-quirks.js';
import { notJson, providerMessage } from './provider-errors.js';
import { ToolNames, providerSchema } from './tool-names.js';
import { ThinkTags } from './think-tags.js';
import {
  streamUpstream,
  type DecodedChunk,
  type ProviderOptions,
  type StreamDecoder,
} from './upstream.js';

type FinishReason = Extract<ResponderChunk, { type: 'finish' }>['reason'];

const FINISH_REASONS: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
};

/** One turn in Chat Completions form; tool names are the provider names from `names`. */
function openAiMessage(turn: Turn, names: ToolNames) {
  if (turn.role === 'tool') {
    // No error flag on this API: the content is already `{"error":...}` JSON the model can read.
    return { role: 'tool', tool_call_id: turn.callId, content: turn.content };
  }
  if (turn.role === 'user' || !turn.toolCalls) return { role: turn.role, content: turn.content };
  return {
    role: 'assistant',
    content: turn.content || null,
    tool_calls: turn.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: names.provider(call.name), arguments: call.arguments || '{}' },
    })),
  };
}

/**
 * The request body for one reply. Temperature and max tokens are sent only when configured, tools
 * only when offered. `names` maps room tool names to provider names and must decode the reply.
 */
export function openAiRequestBody(
  input: ResponderInput,
  options: ProviderOptions,
  names = ToolNames.for(input.tools, input.messages),
  { offerTools = true, maxTokensParam = 'max_tokens' as MaxTokensParam } = {},
) {
  const { system, turns } = buildConversation(input, options);
  const tools = offerTools ? (input.tools ?? []) : [];
  return {
    model: options.model,
    messages: [{ role: 'system', content: system }, ...turns.map((t) => openAiMessage(t, names))],
    ...(tools.length > 0 && {
      tools: tools.map((tool) => ({
        type: 'function',
        function: {
          name: names.provider(tool.name),
          description: tool.description,
          parameters: providerSchema(tool.inputSchema),
        },
      })),
      tool_choice: 'auto',
    }),
    stream: true,
    stream_options: { include_usage: true },
    ...(options.temperature !== null && { temperature: options.temperature }),
    ...(options.maxTokens !== null && { [maxTokensParam]: options.maxTokens }),
    ...(options.reasoningEffort && { reasoning_effort: options.reasoningEffort }),
  };
}

/**
 * OpenAI itself takes `max_completion_tokens` from every chat model and `max_tokens` from none of
 * its reasoning models; compatible servers may know only `max_tokens` (and say so if not).
 */
function maxTokensParamFor(baseUrl: string): MaxTokensParam {
  return new URL(baseUrl).hostname === 'api.openai.com' ? 'max_completion_tokens' : 'max_tokens';
}

export class OpenAiResponder extends ProviderResponder {
  readonly name = 'openai';

  constructor(options: ProviderOptions) {
    super(options, maxTokensParamFor(options.baseUrl));
  }

  protected request(
    input: ResponderInput,
    signal: AbortSignal,
    offerTools: boolean,
  ): AsyncIterable<ResponderChunk> {
    const { options, quirks } = this;
    const headers = bearerHeaders(options.apiKey);
    const names = ToolNames.for(input.tools, input.messages);
    return streamUpstream(
      {
        provider: this.name,
        url: `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`,
        headers,
        body: openAiRequestBody(input, options, names, {
          offerTools,
          maxTokensParam: quirks.maxTokensParam,
        }),
        decoder: () => new OpenAiDecoder(names),
        secrets: options.apiKey ? [options.apiKey] : [],
      },
      options,
      signal,
    );
  }
}

/** Reads `chat.completion.chunk` events; only choice 0 is followed (we never ask for n > 1). */
export class OpenAiDecoder implements StreamDecoder {
  started = false;
  private finishReason: string | null = null;
  private usage: Usage | undefined;
  /** Tool calls arrive in pieces keyed by `index`: id and name once, arguments in fragments. */
  private readonly calls = new Map<number, ToolCall>();
  /** Local models write their reasoning into the content, inside <think> tags. */
  private readonly tags = new ThinkTags();

  /** `names` turns the tool names the model used back into room names. */
  constructor(private readonly names = new ToolNames()) {}

  event({ data }: SseEvent): DecodedChunk[] {
    if (data.trim() === '[DONE]') return this.finish();
    let chunk: any;
    try {
      chunk = JSON.parse(data);
    } catch {
      return [notJson('openai', 'a stream chunk', data)];
    }
    if (chunk?.error) {
      return [
        { type: 'error', code: 'provider_error', message: `openai: ${providerMessage(data)}` },
      ];
    }
    if (chunk?.usage) {
      this.usage = {
        inputTokens: count(chunk.usage.prompt_tokens),
        outputTokens: count(chunk.usage.completion_tokens),
      };
    }
    const out: DecodedChunk[] = [];
    // The usage chunk has `choices: []` (OpenAI) or `choices: null` (some compatible servers).
    const choices: any[] = Array.isArray(chunk?.choices) ? chunk.choices : [];
    for (const choice of choices) {
      if ((choice?.index ?? 0) !== 0) continue;
      const delta = choice.delta ?? {};
      // DeepSeek, vLLM and others stream the model's thinking first (`reasoning_content`, or
      // `reasoning` from vLLM and OpenRouter; a server sends one of the two): it is work, so no
      // first-token timeout may cut the reply off meanwhile.
      const thought = [delta.reasoning_content, delta.reasoning].find(
        (t) => typeof t === 'string' && t,
      ) as string | undefined;
      if (thought) {
        this.started = true;
        out.push({ type: 'reasoning', text: thought });
      }
      if (typeof delta.content === 'string' && delta.content) {
        this.started = true;
        out.push(...this.tags.push(delta.content));
      }
      if (typeof delta.refusal === 'string' && delta.refusal) {
        this.started = true;
        out.push({ type: 'text', text: delta.refusal });
      }
      if (Array.isArray(delta.tool_calls)) {
        for (const part of delta.tool_calls) this.addToolCallPart(part);
      }
      if (choice.finish_reason) this.finishReason = String(choice.finish_reason);
    }
    return out;
  }

  end(): DecodedChunk[] | null {
    // Some servers (older llama.cpp) close the stream after the finish_reason without [DONE].
    return this.finishReason !== null ? this.finish() : null;
  }

  private addToolCallPart(part: any): void {
    this.started = true;
    const index = Number.isInteger(part?.index) ? part.index : this.indexOf(part);
    let call = this.calls.get(index);
    if (!call) this.calls.set(index, (call = { id: '', name: '', arguments: '' }));
    if (typeof part.id === 'string' && part.id && !call.id) call.id = part.id;
    const name = part.function?.name;
    // The name normally comes whole in the first part; some servers repeat it in every part.
    if (typeof name === 'string' && name !== call.name) call.name += name;
    if (typeof part.function?.arguments === 'string') call.arguments += part.function.arguments;
  }

  /**
   * Where a fragment without `index` belongs (some compatible servers leave it out): the call with
   * its id; a new call when it brings a new id, or a name while the call opened last has another
   * name or already holds whole JSON arguments; otherwise the call opened last, the only one a
   * streaming server can be in the middle of.
   */
  private indexOf(part: any): number {
    const id = typeof part?.id === 'string' ? part.id : '';
    const name = typeof part?.function?.name === 'string' ? part.function.name : '';
    for (const [index, call] of this.calls) if (id && call.id === id) return index;
    const last = Math.max(-1, ...this.calls.keys());
    const open = this.calls.get(last);
    const opensCall =
      !open || id !== '' || (name !== '' && (name !== open.name || isWholeJson(open.arguments)));
    return opensCall ? last + 1 : last;
  }

  private finish(): DecodedChunk[] {
    const out: DecodedChunk[] = this.tags.end();
    let reason: FinishReason = this.finishReason
      ? (FINISH_REASONS[this.finishReason] ?? 'other')
      : 'stop';
    // Some compatible servers report `stop` for a turn that ended in tool calls.
    if (this.calls.size > 0 && reason === 'stop') reason = 'tool-calls';
    if (reason === 'tool-calls') {
      const calls = [...this.calls.entries()].sort(([a], [b]) => a - b);
      calls.forEach(([index, call]) =>
        out.push({
          type: 'tool-call',
          id: call.id || `call_${index}`,
          name: this.names.room(call.name),
          arguments: call.arguments || '{}',
        }),
      );
    }
    out.push({ type: 'finish', reason, ...(this.usage && { usage: this.usage }) });
    return out;
  }
}

function isWholeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A token count from a usage object: a whole number, 0 when missing or nonsense. */
export function count(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.round(n) : 0;
}
