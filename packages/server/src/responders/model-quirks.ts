/**
 * What a model turned out not to take, learned from the errors it answered with, and remembered
 * for the responder's life, so that one refused request costs one retry and not every reply.
 *
 * - Tools: local models without tool support (Ollama "does not support tools", llama.cpp started
 *   without `--jinja`, vLLM without `--enable-auto-tool-choice`, OpenRouter routes with no
 *   tool-capable endpoint) refuse any request that offers tools. With `REALSTREAM_LLM_TOOLS=auto`
 *   the reply is asked again once without tools and later replies offer none.
 * - Max tokens: OpenAI's reasoning models refuse `max_tokens` and want `max_completion_tokens`;
 *   most compatible servers know only `max_tokens`.
 */
import type { ErrorChunk } from './provider-errors.js';
import type { Responder, ResponderChunk, ResponderInput } from './types.js';
import type { ProviderOptions } from './upstream.js';

/** `REALSTREAM_LLM_TOOLS`: offer tools always, never, or until the model says it takes none. */
export type ToolsMode = 'auto' | 'on' | 'off';
export const TOOLS_MODES: readonly ToolsMode[] = ['auto', 'on', 'off'];

/** How hard a reasoning model thinks (OpenAI's `reasoning_effort` / `reasoning.effort`). */
export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high';
export const REASONING_EFFORTS: readonly ReasoningEffort[] = ['minimal', 'low', 'medium', 'high'];

export type MaxTokensParam = 'max_tokens' | 'max_completion_tokens';

/** Provider answers that mean "this model takes no tools", from their own error texts. */
const REFUSES_TOOLS = [
  /does not support tools/i,
  /tools? param(eter)?s? requires? --jinja/i,
  /tool choice requires --enable-auto-tool-choice/i,
  /no endpoints found that support tool use/i,
  /does not support (function|tool) calling/i,
  /tool use is not supported/i,
];

/** Says the request offered tools to a model that takes none. */
export function refusesTools(error: ErrorChunk): boolean {
  return REFUSES_TOOLS.some((pattern) => pattern.test(error.message));
}

/** OpenAI: "Unsupported parameter: 'max_tokens' ... Use 'max_completion_tokens' instead." */
export function wantsMaxCompletionTokens(error: ErrorChunk): boolean {
  return /'?max_tokens'?.*not supported.*max_completion_tokens/i.test(error.message);
}

export interface ResponderQuirks {
  /** The provider's words when the model refused tools; tools are no longer offered then. */
  toolsRefused: string | null;
  maxTokensParam: MaxTokensParam;
}

/** A responder's learned quirks, read by the room's metrics (the dashboard shows them). */
export class ModelQuirks implements ResponderQuirks {
  toolsRefused: string | null = null;

  constructor(
    readonly toolsMode: ToolsMode,
    public maxTokensParam: MaxTokensParam,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** Whether this request may offer tools. */
  offerTools(): boolean {
    return this.toolsMode === 'on' || (this.toolsMode === 'auto' && this.toolsRefused === null);
  }

  /**
   * Learns from an error that ended a request before anything streamed. True when asking again
   * differently can help: the caller then sends the request once more.
   */
  learn(error: ErrorChunk, offeredTools: boolean): boolean {
    if (offeredTools && this.toolsMode === 'auto' && refusesTools(error)) {
      this.toolsRefused = error.message;
      this.log(`the model takes no tools; replies go on without them (${error.message})`);
      return true;
    }
    if (this.maxTokensParam === 'max_tokens' && wantsMaxCompletionTokens(error)) {
      this.maxTokensParam = 'max_completion_tokens';
      this.log('the model wants max_completion_tokens instead of max_tokens; sending that');
      return true;
    }
    return false;
  }

  /** The error as the room shows it: a refusal of tools says which setting decides. */
  explain(error: ErrorChunk): ErrorChunk {
    if (!refusesTools(error)) return error;
    return {
      type: 'error',
      code: 'tools_unsupported',
      message:
        `${error.message} (the model takes no tools: set REALSTREAM_LLM_TOOLS=auto or off, ` +
        'or give it tool support, e.g. llama.cpp --jinja, vLLM --enable-auto-tool-choice)',
    };
  }
}

/**
 * Streams one reply through `request`, asking again (at most once per lesson) when the model
 * refused the request in a way `quirks` learns from. Only an error before anything streamed can
 * be such a refusal, so nothing is ever sent twice to the room.
 */
export async function* withQuirks(
  quirks: ModelQuirks,
  hasTools: boolean,
  request: (offerTools: boolean) => AsyncIterable<ResponderChunk>,
): AsyncGenerator<ResponderChunk, void, undefined> {
  for (let lessons = 0; ; lessons++) {
    const offerTools = hasTools && quirks.offerTools();
    let streamed = false;
    let again = false;
    for await (const chunk of request(offerTools)) {
      if (!streamed && chunk.type === 'error') {
        // Two lessons at most (tools, then max tokens): a third refusal is the model's answer.
        again = lessons < 2 && quirks.learn(chunk, offerTools);
        if (!again) yield offerTools ? quirks.explain(chunk) : chunk;
        break;
      }
      streamed = true;
      yield chunk;
    }
    if (!again) return;
  }
}

/**
 * What every provider responder shares: its quirks, and replies asked again through withQuirks.
 * A provider supplies `request`, one HTTP call offering the tools or not.
 */
export abstract class ProviderResponder implements Responder {
  abstract readonly name: string;
  readonly quirks: ModelQuirks;

  constructor(
    protected readonly options: ProviderOptions,
    maxTokensParam: MaxTokensParam = 'max_tokens',
  ) {
    this.quirks = new ModelQuirks(options.tools ?? 'auto', maxTokensParam, options.log);
  }

  respond(input: ResponderInput, signal: AbortSignal): AsyncIterable<ResponderChunk> {
    const hasTools = (input.tools?.length ?? 0) > 0;
    return withQuirks(this.quirks, hasTools, (offerTools) =>
      this.request(input, signal, offerTools),
    );
  }

  protected abstract request(
    input: ResponderInput,
    signal: AbortSignal,
    offerTools: boolean,
  ): AsyncIterable<ResponderChunk>;
}

/** The headers of an OpenAI-style call: a Bearer key only when there is one (local servers take none, and some refuse an empty one). */
export function bearerHeaders(apiKey: string | null): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    ...(apiKey && { authorization: `Bearer ${apiKey}` }),
  };
}
