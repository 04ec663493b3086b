/**
 * Test helper (node only, never imported by the server): a local HTTP server on 127.0.0.1 that
 * plays scripted provider responses byte for byte, and records every request it received, including
 * whether the client closed it before the response ended.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import type { ResponderChunk } from './types.js';

/** A piece of the response body, a pause, or a cut of the connection. */
export type Step = string | Uint8Array | { wait: number } | { destroy: true };

export interface Script {
  status?: number;
  headers?: Record<string, string>;
  body: Step[];
  /** Leave the response open after the last step (a provider gone silent). */
  hang?: boolean;
  /** Pause between two writes; default: one event-loop turn. */
  gapMs?: number;
}

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The JSON body. */
  body: any;
  at: number;
  /** Set when the client closed the connection before the response was complete. */
  closedEarly: boolean;
  /** Resolves when the connection has closed, however it closed. */
  closed: Promise<void>;
}

export type Handler = (req: Received) => Script;

export class FakeUpstream {
  readonly requests: Received[] = [];
  private queue: Script[] = [];
  private handler: Handler | null = null;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeUpstream> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const upstream = new FakeUpstream(server, `http://127.0.0.1:${port}`);
    server.on('request', (req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        let closeNow = () => {};
        const received: Received = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: parseJson(Buffer.concat(parts).toString('utf8')),
          at: Date.now(),
          closedEarly: false,
          closed: new Promise<void>((resolve) => (closeNow = resolve)),
        };
        res.on('close', () => {
          if (!res.writableFinished) received.closedEarly = true;
          closeNow();
        });
        upstream.requests.push(received);
        const script = upstream.next(received);
        void play(script, res);
      });
    });
    return upstream;
  }

  /** Queues scripts for the next requests, in order; after the queue, the handler (if any) answers. */
  reply(...scripts: Script[]): this {
    this.queue.push(...scripts);
    return this;
  }

  /** Forgets the requests seen and the scripts not played yet (a failed test may leave some). */
  reset(): this {
    this.requests.length = 0;
    this.queue = [];
    return this;
  }

  /** Answers every request the queue does not cover. */
  handle(handler: Handler): this {
    this.handler = handler;
    return this;
  }

  private next(req: Received): Script {
    const queued = this.queue.shift();
    if (queued) return queued;
    if (this.handler) return this.handler(req);
    return { status: 500, body: ['{"error":{"message":"fake upstream: no script left"}}'] };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function play(script: Script, res: import('node:http').ServerResponse): Promise<void> {
  const sse = (script.status ?? 200) < 300;
  res.writeHead(script.status ?? 200, {
    'content-type': sse ? 'text/event-stream; charset=utf-8' : 'application/json',
    'cache-control': 'no-cache',
    ...script.headers,
  });
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  for (const step of script.body) {
    if (res.destroyed) return;
    if (typeof step === 'string' || step instanceof Uint8Array) {
      res.write(step);
      // Yield between writes so they leave as separate chunks rather than one buffered write.
      await (script.gapMs ? sleep(script.gapMs) : new Promise((resolve) => setImmediate(resolve)));
    } else if ('wait' in step) {
      // A closed connection ends the pause, so no timer outlives the request.
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, step.wait);
        res.once('close', () => (clearTimeout(t), resolve()));
      });
    } else {
      res.socket?.destroy();
      return;
    }
  }
  if (!script.hang && !res.destroyed) res.end();
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Cuts `text` into pieces of `size` bytes, cutting through multi-byte characters. */
export function byteSlices(text: string, size: number): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

// ---- Wire formats, as the providers document and send them ----

const CHUNK_BASE = {
  id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
  object: 'chat.completion.chunk',
  created: 1741569952,
  model: 'gpt-4o-mini-2024-07-18',
  service_tier: 'default',
  system_fingerprint: 'fp_06737a9306',
};

/** One `data:` event of a Chat Completions stream. */
export function openAiChunk(
  delta: Record<string, unknown>,
  finishReason: string | null = null,
  extra: Record<string, unknown> = {},
): string {
  const chunk = {
    ...CHUNK_BASE,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    usage: null,
    ...extra,
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

export function openAiUsageChunk(
  prompt: number,
  completion: number,
  choices: [] | null = [],
): string {
  const usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
  return `data: ${JSON.stringify({ ...CHUNK_BASE, choices, usage })}\n\n`;
}

/** A whole OpenAI stream of `pieces` as the API sends it with `stream_options.include_usage`. */
export function openAiStream(
  pieces: string[],
  { finish = 'stop', usage = [12, pieces.length] as [number, number] } = {},
): string[] {
  return [
    openAiChunk({ role: 'assistant', content: '', refusal: null }),
    ...pieces.map((content) => openAiChunk({ content })),
    openAiChunk({}, finish),
    openAiUsageChunk(usage[0], usage[1]),
    'data: [DONE]\n\n',
  ];
}

export function anthropicEvent(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

export const ANTHROPIC_MESSAGE_ID = 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY';

export function anthropicStart(inputTokens = 25): string {
  return anthropicEvent('message_start', {
    message: {
      id: ANTHROPIC_MESSAGE_ID,
      type: 'message',
      role: 'assistant',
      content: [],
      model: 'claude-sonnet-4-5-20250929',
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 1 },
    },
  });
}

/** The Messages API's documented sequence for a text reply, ping included. */
export function anthropicStream(
  pieces: string[],
  { stopReason = 'end_turn', inputTokens = 25, outputTokens = 15 } = {},
): string[] {
  return [
    anthropicStart(inputTokens),
    anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    'event: ping\ndata: {"type": "ping"}\n\n',
    ...pieces.map((text) =>
      anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }),
    ),
    anthropicEvent('content_block_stop', { index: 0 }),
    anthropicEvent('message_delta', {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: outputTokens },
    }),
    anthropicEvent('message_stop', {}),
  ];
}

/** Every chunk a responder yields, in order. */
export async function collect(chunks: AsyncIterable<ResponderChunk>): Promise<ResponderChunk[]> {
  const out: ResponderChunk[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

/** The text a reply streamed. */
export const textOf = (chunks: ResponderChunk[]) =>
  chunks.map((c) => (c.type === 'text' ? c.text : '')).join('');

/** The error chunk a failed reply ends with (asserts there is one). */
export const errorOf = (chunks: ResponderChunk[]) => {
  const last = chunks.at(-1);
  assert.equal(last?.type, 'error', `expected an error at the end, got ${JSON.stringify(last)}`);
  return last as Extract<ResponderChunk, { type: 'error' }>;
};
