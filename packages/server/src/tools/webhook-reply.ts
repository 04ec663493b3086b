import { ToolProgressSchema, type ToolProgress } from '@realstream/protocol';
import { ToolFailure } from './types.js';

/**
 * Reading a webhook's reply: a bounded byte reader and the two streaming formats.
 *
 * application/x-ndjson, one JSON object a line:
 *   {"progress": {"text": "...", "percent": 40}}
 *   {"result": <any JSON>}            ends the call
 *   {"error": {"code": "...", "message": "..."}}
 * text/event-stream, the same three as `event: progress|result|error` with JSON `data:`.
 * Objects / events of other kinds are ignored, so a receiver may send heartbeats.
 */

export type ReplyEvent =
  | { type: 'progress'; progress: ToolProgress }
  | { type: 'result'; value: unknown }
  | { type: 'error'; code: string; message: string };

/** Yields the body's chunks; fails with `too_large` past `maxBytes` in total. */
export async function* byteChunks(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): AsyncGenerator<Uint8Array> {
  if (!body) return;
  const reader = body.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
      if (total > maxBytes) {
        throw new ToolFailure('too_large', `webhook reply is larger than ${maxBytes} bytes`);
      }
      yield value;
    }
  } finally {
    // Stopping early (result seen, failure) must close the connection, not leave it draining.
    reader.cancel().catch(() => {});
  }
}

/** The whole body as text, within `maxBytes`. */
export async function readText(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<string> {
  let text = '';
  for await (const chunk of decode(byteChunks(body, maxBytes))) text += chunk;
  return text;
}

/** Decodes UTF-8 across chunk boundaries (a character may be split between two reads). */
export async function* decode(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * Splits text into lines. SSE ends a line at CRLF, LF or CR; NDJSON at LF (a CR before it is
 * dropped). A CR at the end of one chunk and an LF at the start of the next are one break.
 */
export class LineSplitter {
  private buffer = '';
  private skipLF = false;

  constructor(private readonly crIsBreak: boolean) {}

  push(text: string): string[] {
    if (text === '') return [];
    if (this.skipLF && text.startsWith('\n')) text = text.slice(1);
    this.skipLF = false;
    this.buffer += text;
    const lines: string[] = [];
    const re = this.crIsBreak ? /\r\n|\r|\n/g : /\n/g;
    let start = 0;
    for (const m of this.buffer.matchAll(re)) {
      const at = m.index ?? 0;
      lines.push(
        this.crIsBreak ? this.buffer.slice(start, at) : stripCR(this.buffer.slice(start, at)),
      );
      start = at + m[0].length;
      if (m[0] === '\r' && start === this.buffer.length) this.skipLF = true;
    }
    this.buffer = this.buffer.slice(start);
    return lines;
  }

  /** What is left after the last break (NDJSON accepts a last line without one). */
  end(): string {
    const rest = this.buffer;
    this.buffer = '';
    return this.crIsBreak ? rest : stripCR(rest);
  }
}

/** An SSE parser as the HTML standard describes it: comments, multi-line data, BOM, CR/LF. */
export class SseParser {
  private lines = new LineSplitter(true);
  private data: string[] = [];
  private event = '';
  private started = false;

  push(text: string): { event: string; data: string }[] {
    if (!this.started && text !== '') {
      this.started = true;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    const events: { event: string; data: string }[] = [];
    for (const line of this.lines.push(text)) {
      if (line === '') {
        // A blank line dispatches; an event with no data lines is dropped, as in browsers.
        if (this.data.length > 0) {
          events.push({ event: this.event || 'message', data: this.data.join('\n') });
        }
        this.data = [];
        this.event = '';
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      // `id` and `retry` matter to reconnecting browsers, not to a single POST.
    }
    return events;
  }
}

/** Events from an application/x-ndjson body. */
export async function* ndjsonEvents(text: AsyncIterable<string>): AsyncGenerator<ReplyEvent> {
  const splitter = new LineSplitter(false);
  let n = 0;
  const handle = (line: string): ReplyEvent | undefined => {
    n++;
    if (line.trim() === '') return undefined;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      throw new ToolFailure('invalid_output', `webhook reply line ${n} is not JSON`);
    }
    if (!isObject(obj)) {
      throw new ToolFailure('invalid_output', `webhook reply line ${n} is not an object`);
    }
    if ('error' in obj) return toError(obj.error);
    if ('result' in obj) return { type: 'result', value: obj.result };
    if ('progress' in obj) return toProgress(obj.progress, `line ${n}`);
    return undefined;
  };
  for await (const chunk of text) {
    for (const line of splitter.push(chunk)) {
      const event = handle(line);
      if (event) yield event;
    }
  }
  const event = handle(splitter.end());
  if (event) yield event;
}

/** Events from a text/event-stream body. */
export async function* sseEvents(text: AsyncIterable<string>): AsyncGenerator<ReplyEvent> {
  const parser = new SseParser();
  let n = 0;
  for await (const chunk of text) {
    for (const { event, data } of parser.push(chunk)) {
      n++;
      if (event !== 'progress' && event !== 'result' && event !== 'error') continue;
      let value: unknown;
      try {
        value = JSON.parse(data);
      } catch {
        if (event === 'error') value = { message: data };
        else
          throw new ToolFailure('invalid_output', `webhook event ${n} (${event}) data is not JSON`);
      }
      if (event === 'progress') yield toProgress(value, `event ${n}`);
      else if (event === 'result') yield { type: 'result', value };
      else yield toError(value);
    }
  }
}

function toProgress(value: unknown, where: string): ReplyEvent {
  // Long text is cut rather than refused: it is a log line, not worth failing the call over.
  if (isObject(value) && typeof value.text === 'string' && value.text.length > 4000) {
    value = { ...value, text: value.text.slice(0, 4000) };
  }
  const parsed = ToolProgressSchema.safeParse(value);
  if (!parsed.success) {
    throw new ToolFailure(
      'invalid_output',
      `webhook progress at ${where} is not {text?, percent?}`,
    );
  }
  return { type: 'progress', progress: parsed.data };
}

/** A receiver may choose its own snake_case code; anything else becomes `upstream_failed`. */
function toError(value: unknown): ReplyEvent {
  const e = isObject(value) ? value : {};
  const code =
    typeof e.code === 'string' && /^[a-z][a-z0-9_]{0,63}$/.test(e.code)
      ? e.code
      : 'upstream_failed';
  const message =
    typeof e.message === 'string' && e.message !== ''
      ? e.message.slice(0, 1000)
      : 'webhook reported an error';
  return { type: 'error', code, message };
}

function stripCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
