/**
 * One streaming HTTP call to an LLM provider, shared by every provider: fetch, retry with backoff
 * (429 and 5xx, honouring Retry-After, only before the first token), first-token and idle timeouts,
 * cancellation of the upstream request on abort, and error messages that quote the provider but
 * never an API key. The provider supplies the request and a decoder for its SSE events.
 */
import { errorReason, httpError, redactSecrets, type ErrorChunk } from './provider-errors.js';
import { refusesTools, type ReasoningEffort, type ToolsMode } from './model-quirks.js';
import { backoff, retryAfterMs, sleep } from './retry.js';
import { SseParser, type SseEvent } from './sse.js';
import type { ResponderChunk } from './types.js';

export interface UpstreamTiming {
  /** Longest wait from sending the request to the model's first output. */
  firstTokenMs: number;
  /** Longest silence on the stream once the model has started. */
  idleMs: number;
  /** Retries after a 429, a 5xx or a broken connection, only before the first token. */
  retries: number;
  /** First backoff when the provider names no Retry-After; doubles with each retry. */
  backoffMs?: number;
  /** A Retry-After longer than this is not waited for: the reply fails at once. */
  maxRetryAfterMs?: number;
}

/** Everything a provider responder is built from (config.ts fills it from the environment). */
export interface ProviderOptions extends UpstreamTiming {
  baseUrl: string;
  apiKey: string | null;
  model: string;
  temperature: number | null;
  maxTokens: number | null;
  systemPrompt: string;
  contextChars: number;
  /** `REALSTREAM_LLM_REASONING_EFFORT`, for models that take one (OpenAI); null: not sent. */
  reasoningEffort?: ReasoningEffort | null;
  /** `REALSTREAM_LLM_THINKING_TOKENS`: Anthropic extended thinking's budget; null: no thinking. */
  thinkingTokens?: number | null;
  /** Default `auto`: offer tools until the model says it takes none. */
  tools?: ToolsMode;
  /** Where a responder says what it learned about its model. */
  log?: (message: string) => void;
}

/** A decoder's output: chunks for the room, and errors that may be worth a retry. */
export type DecodedChunk = ResponderChunk | (ErrorChunk & { retryable?: boolean });

/** Turns one provider's SSE events into responder chunks. One decoder per attempt. */
export interface StreamDecoder {
  /** True once the model has produced anything (text or a tool call). */
  readonly started: boolean;
  /** The chunks for one event; a `finish` or `error` chunk ends the reply. */
  event(event: SseEvent): DecodedChunk[];
  /** The body ended without a finish: the closing chunks if the reply is complete anyway, else null. */
  end(): DecodedChunk[] | null;
}

export interface UpstreamCall {
  /** The provider's name in messages: `openai`, `anthropic`. */
  provider: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  decoder: () => StreamDecoder;
  /** Values never to repeat in an error message (API keys). */
  secrets: string[];
}

const DEFAULT_BACKOFF_MS = 500;
const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;
const MAX_ERROR_BODY_BYTES = 16 * 1024;

type Outcome = { type: 'done' } | { type: 'retry'; error: ErrorChunk; retryAfterMs?: number };
const DONE: Outcome = { type: 'done' };

/**
 * Streams one reply from the provider. Ends with exactly one `finish` or `error` chunk, or with
 * nothing when `signal` aborts; either way the upstream request is closed when the stream ends.
 */
export async function* streamUpstream(
  call: UpstreamCall,
  timing: UpstreamTiming,
  signal: AbortSignal,
): AsyncGenerator<ResponderChunk, void, undefined> {
  const redact = (chunk: ErrorChunk): ErrorChunk => ({
    type: 'error',
    code: chunk.code,
    message: redactSecrets(chunk.message, call.secrets),
  });
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) return;
    const outcome = yield* attemptOnce(call, timing, signal, redact);
    if (outcome.type === 'done') return;
    const { error, retryAfterMs } = outcome;
    const maxWait = timing.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    if (retryAfterMs !== undefined && retryAfterMs > maxWait) {
      yield redact({
        ...error,
        message: `${error.message} (asked to retry after ${seconds(retryAfterMs)})`,
      });
      return;
    }
    if (attempt >= timing.retries) {
      const tries = attempt + 1;
      yield redact(
        tries > 1
          ? { ...error, message: `${error.message} (gave up after ${tries} attempts)` }
          : error,
      );
      return;
    }
    const wait = retryAfterMs ?? backoff(timing.backoffMs ?? DEFAULT_BACKOFF_MS, attempt);
    if (!(await sleep(wait, signal))) return;
  }
}

async function* attemptOnce(
  call: UpstreamCall,
  timing: UpstreamTiming,
  signal: AbortSignal,
  redact: (chunk: ErrorChunk) => ErrorChunk,
): AsyncGenerator<ResponderChunk, Outcome, undefined> {
  const decoder = call.decoder();
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  // Every wait below races this, so a timeout or an abort ends it even if fetch ignores the signal.
  const stopped = new Promise<never>((_, reject) =>
    controller.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
  );
  stopped.catch(() => {});

  let timedOut: 'first' | 'idle' | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (kind: 'first' | 'idle', ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = kind;
      controller.abort();
    }, ms);
  };
  const timeout = (): ErrorChunk => ({
    type: 'error',
    code: 'timeout',
    message:
      timedOut === 'first'
        ? `${call.provider} did not start replying within ${seconds(timing.firstTokenMs)}`
        : `${call.provider} went silent for ${seconds(timing.idleMs)} in the middle of the reply`,
  });
  /** What a failed wait means: the caller stopped, a timeout, or a broken connection. */
  const failure = (err: unknown, what: string): Outcome | ErrorChunk => {
    if (signal.aborted) return DONE;
    if (timedOut) return timeout();
    const error: ErrorChunk = {
      type: 'error',
      code: 'connection_failed',
      message: `${what}: ${errorReason(err)}`,
    };
    return decoder.started ? error : { type: 'retry', error };
  };

  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  arm('first', timing.firstTokenMs);
  try {
    let res: Response;
    try {
      res = await Promise.race([
        fetch(call.url, {
          method: 'POST',
          headers: call.headers,
          body: JSON.stringify(call.body),
          signal: controller.signal,
        }),
        stopped,
      ]);
    } catch (err) {
      const f = failure(err, `could not reach ${call.provider}`);
      if (f.type !== 'error') return f;
      yield redact(f);
      return DONE;
    }

    if (!res.ok) {
      let text = '';
      try {
        text = await Promise.race([readText(res, MAX_ERROR_BODY_BYTES), stopped]);
      } catch (err) {
        const f = failure(err, `${call.provider} answered HTTP ${res.status}`);
        if (f.type === 'done') return f;
      }
      // Redacted before it is parsed or clipped, so no part of a key can survive the cut.
      const error = httpError(call.provider, res.status, redactSecrets(text, call.secrets));
      // llama.cpp refuses tools with a 500: asking again the same way cannot help.
      if ((res.status === 429 || res.status >= 500) && !refusesTools(error)) {
        return { type: 'retry', error, retryAfterMs: retryAfterMs(res.headers) };
      }
      yield redact(error);
      return DONE;
    }

    reader = res.body?.getReader();
    const parser = new SseParser();
    for (;;) {
      // Silence is measured from when we start waiting, so a slow consumer never counts against it.
      if (decoder.started) arm('idle', timing.idleMs);
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = reader
          ? await Promise.race([reader.read(), stopped])
          : { done: true, value: undefined };
      } catch (err) {
        const f = failure(err, `the connection to ${call.provider} broke`);
        if (f.type !== 'error') return f;
        yield redact(f);
        return DONE;
      }
      for (const chunk of decode(decoder, parser, result, call.secrets)) {
        if (chunk.type === 'error') {
          if ('retryable' in chunk && chunk.retryable && !decoder.started) {
            const { code, message } = chunk;
            return { type: 'retry', error: { type: 'error', code, message } };
          }
          yield redact(chunk);
          return DONE;
        }
        // No timer runs while the consumer holds a chunk: it is re-armed before the next read.
        if (decoder.started) clearTimeout(timer);
        yield chunk;
        if (chunk.type === 'finish') return DONE;
      }
      if (result.done) {
        const error: ErrorChunk = {
          type: 'error',
          code: 'connection_failed',
          message: `${call.provider} ended the stream before the reply was finished`,
        };
        if (!decoder.started) return { type: 'retry', error };
        yield error;
        return DONE;
      }
    }
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    // Closes the upstream request if it is still open: the consumer stopped, or we gave up on it.
    controller.abort();
    reader?.cancel().catch(() => {});
  }
}

/** The chunks of one read, decoded lazily so nothing after a finish or an error is looked at. */
function* decode(
  decoder: StreamDecoder,
  parser: SseParser,
  result: ReadableStreamReadResult<Uint8Array>,
  secrets: string[],
): Generator<DecodedChunk> {
  for (const event of result.done ? parser.end() : parser.push(result.value)) {
    // An error event may quote the key too; the model's own text cannot contain it.
    const data = secrets.some((s) => s && event.data.includes(s))
      ? redactSecrets(event.data, secrets)
      : event.data;
    yield* decoder.event({ ...event, data });
  }
  if (result.done) yield* decoder.end() ?? [];
}

async function readText(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      size += value.byteLength;
      if (size >= maxBytes) break;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return text + decoder.decode();
}

function seconds(ms: number): string {
  return ms % 1000 === 0 || ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}
