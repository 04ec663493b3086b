import {
  PROTOCOL_VERSION,
  PostMessageBodySchema,
  depthProblem,
  describeIssues,
  roleAtLeast,
  statusOf,
  type ErrorBody,
  type ErrorCode,
  type EventFrame,
  type MessagePage,
  type RoomInfo,
} from '@realstream/protocol';
import type { Identity } from './auth.js';
import { MAX_PAGE } from './messages.js';
import { hideReasoning, hideReasoningIn, seesReasoning } from './reasoning-view.js';
import { handleToolsRequest } from './http-tools.js';
import { CONTENT_TYPES, type MetricsFormat } from './metrics/prometheus.js';
import type { Room, Subscriber } from './room.js';

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
};

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

export function errorResponse(
  code: ErrorCode,
  message: string,
  extra: { retryAfterMs?: number } = {},
): Response {
  const body: ErrorBody = { error: { code, message, ...extra } };
  const headers: Record<string, string> = {};
  if (extra.retryAfterMs !== undefined)
    headers['retry-after'] = String(Math.ceil(extra.retryAfterMs / 1000));
  return json(body, statusOf(code), headers);
}

const ID_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** The room's HTTP API. `rest` is the path after /parties/:party/:room. */
export async function handleRoomRequest(
  room: Room,
  req: Request,
  identity: Identity,
  rest: string,
): Promise<Response> {
  // A request waiting on an event the room's storage failed to store is answered, not left hanging.
  const broken = room.log.broken.then((failure) =>
    errorResponse('storage_failed', `${failure.message}; the room restarted, try again`),
  );
  return Promise.race([route(room, req, identity, rest), broken]);
}

async function route(
  room: Room,
  req: Request,
  identity: Identity,
  rest: string,
): Promise<Response> {
  const method = req.method.toUpperCase();
  if (rest === '' || rest === '/') {
    if (method !== 'GET')
      return errorResponse('method_not_allowed', `${method} is not supported here; use GET`);
    return json(info(room));
  }
  if (rest === '/messages') {
    if (method === 'GET') return listMessages(room, new URL(req.url), identity);
    if (method === 'POST') return postMessage(room, req, identity);
    return errorResponse('method_not_allowed', `${method} is not supported here; use GET or POST`);
  }
  if (rest === '/metrics') {
    if (method !== 'GET')
      return errorResponse('method_not_allowed', `${method} is not supported here; use GET`);
    if (!roleAtLeast(identity.role, 'operator'))
      return errorResponse('forbidden', 'metrics need the operator role');
    const format = metricsFormat(req);
    if (format instanceof Response) return format;
    if (format === 'json') return json(room.ops.snapshot());
    return new Response(room.ops.text(format), {
      headers: { 'content-type': CONTENT_TYPES[format], 'cache-control': 'no-store' },
    });
  }
  if (rest === '/tools' || rest.startsWith('/tools/')) {
    return handleToolsRequest(room, req, identity, rest.slice('/tools'.length));
  }
  if (rest === '/events') {
    if (method !== 'GET')
      return errorResponse('method_not_allowed', `${method} is not supported here; use GET`);
    return eventStream(room, req, identity);
  }
  return errorResponse('not_found', `no route ${rest}; see the README for the room API`);
}

function info(room: Room): RoomInfo {
  return {
    room: room.name,
    seq: room.log.seq,
    protocol: PROTOCOL_VERSION,
    devMode: room.config.secret === null,
    presence: room.presenceList,
    connections: room.conns.size,
    streaming: room.replies.active,
    limits: {
      maxFrameBytes: room.config.maxFrameBytes,
      maxMessageChars: room.config.maxMessageChars,
    },
    settings: room.settings,
    responders: room.responderNames,
  };
}

function intParam(url: URL, name: string, min: number, max: number): number | null | Error {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    return new Error(`${name}=${raw}: expected a whole number from ${min} to ${max}`);
  return n;
}

async function listMessages(room: Room, url: URL, identity: Identity): Promise<Response> {
  const before = intParam(url, 'before', 1, Number.MAX_SAFE_INTEGER);
  const limit = intParam(url, 'limit', 1, MAX_PAGE);
  if (before instanceof Error) return errorResponse('invalid_frame', before.message);
  if (limit instanceof Error) return errorResponse('invalid_frame', limit.message);
  const seq = room.log.seq;
  const page = await room.messages.page(before, limit ?? room.config.snapshotMessages);
  if (!seesReasoning(room.settings, identity.role))
    page.messages = page.messages.map(hideReasoning);
  return json({ ...page, seq } satisfies MessagePage);
}

/** The Idempotency-Key header (or a fresh id), or the error response for a malformed one. */
export function idempotencyKey(req: Request): string | Response {
  const key = req.headers.get('idempotency-key') ?? `http-${crypto.randomUUID()}`;
  if (ID_RE.test(key)) return key;
  return errorResponse(
    'invalid_frame',
    'Idempotency-Key: use 1-64 characters from A-Z a-z 0-9 _ . : -',
  );
}

/**
 * A JSON body within the frame cap and no deeper than a frame may be (zod and the tool's validator
 * recurse per level, so 5,000-deep bodies would overflow them), or the error response saying what
 * is wrong with it.
 */
export async function readJson(room: Room, req: Request): Promise<{ body: unknown } | Response> {
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (declared > room.config.maxFrameBytes)
    return errorResponse('too_large', `body larger than ${room.config.maxFrameBytes} bytes`);
  const raw = await req.text();
  if (new TextEncoder().encode(raw).length > room.config.maxFrameBytes) {
    return errorResponse('too_large', `body larger than ${room.config.maxFrameBytes} bytes`);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (err) {
    return errorResponse('bad_json', `body is not JSON: ${(err as Error).message}`);
  }
  const deep = depthProblem(body, 'body');
  return deep ? errorResponse('invalid_frame', deep) : { body };
}

/**
 * What a metrics request asks for: `?format=` (json, openmetrics, prometheus) first, then the
 * Accept header as scrapers send it (Prometheus asks for OpenMetrics first, text/plain after), else
 * JSON.
 */
function metricsFormat(req: Request): MetricsFormat | 'json' | Response {
  const asked = new URL(req.url).searchParams.get('format');
  if (asked !== null) {
    if (asked === 'json' || asked === 'openmetrics' || asked === 'prometheus') return asked;
    return errorResponse(
      'invalid_frame',
      `format=${asked}: expected json, openmetrics or prometheus`,
    );
  }
  const accept = req.headers.get('accept') ?? '';
  if (accept.includes('application/openmetrics-text')) return 'openmetrics';
  if (accept.includes('text/plain')) return 'prometheus';
  return 'json';
}

async function postMessage(room: Room, req: Request, identity: Identity): Promise<Response> {
  const key = idempotencyKey(req);
  if (key instanceof Response) return key;
  const read = await readJson(room, req);
  if (read instanceof Response) return read;
  const parsed = PostMessageBodySchema.safeParse(read.body);
  if (!parsed.success) return errorResponse('invalid_frame', describeIssues(parsed.error));
  const result = await room.send(identity, key, parsed.data.text, parsed.data.reply ?? true);
  if (!result.ok) return errorResponse(result.code, result.message);
  const { message, seq, duplicate } = result;
  return json({ message, seq, duplicate }, duplicate ? 200 : 201);
}

const encoder = new TextEncoder();

/**
 * How far an event stream may fall behind (bytes queued that its reader has not taken) before it
 * is ended: a reader that stopped reading must not grow the room's memory without bound. Its
 * client reconnects with Last-Event-ID and resumes, as after any drop.
 */
const SSE_BACKLOG_BYTES = 4 * 1024 * 1024;
/** Longest a timer may be set for (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Server-sent events: the same log as the WebSocket, `id:` = seq, resumable with Last-Event-ID. */
async function eventStream(room: Room, req: Request, identity: Identity): Promise<Response> {
  const url = new URL(req.url);
  const lastId = req.headers.get('last-event-id') ?? url.searchParams.get('since') ?? '0';
  const since = Number(lastId);
  if (!Number.isInteger(since) || since < 0)
    return errorResponse('invalid_frame', `Last-Event-ID ${lastId}: expected a seq`);

  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let heartbeat: ReturnType<typeof setInterval> | undefined = undefined;
  let expiry: ReturnType<typeof setTimeout> | undefined = undefined;
  let open = true;
  /** Bytes the reader may leave unread before the stream ends: the catch-up's own, plus the cap. */
  let allowance = Infinity;
  const queued = () => SSE_BACKLOG_BYTES - (controller.desiredSize ?? 0);
  const close = () => {
    open = false;
    room.subscribers.delete(subscriber);
    clearInterval(heartbeat);
    clearTimeout(expiry);
  };
  const write = (text: string) => {
    if (!open) return;
    try {
      controller.enqueue(encoder.encode(text));
      if (queued() > allowance)
        end('too_large', 'this stream fell too far behind; resume with Last-Event-ID');
    } catch {
      close();
    }
  };
  /** Says why the stream ends, as an `error` event, and ends it. */
  const end = (code: ErrorCode, message: string) => {
    if (!open) return;
    try {
      controller.enqueue(
        encoder.encode(`event: error\ndata: ${JSON.stringify({ code, message })}\n\n`),
      );
      controller.close();
    } catch {
      // The reader has gone already.
    }
    close();
  };
  // Whether this reader sees reasoning is asked at every event: an operator may change it.
  const eventText = (f: EventFrame) => {
    const shown = seesReasoning(room.settings, identity.role) ? f : hideReasoningIn(f);
    return `id: ${f.seq}\ndata: ${JSON.stringify(shown)}\n\n`;
  };
  const subscriber: Subscriber = {
    deliver: (frames) => write(frames.map(eventText).join('')),
    end,
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      cancel: close,
    },
    { highWaterMark: SSE_BACKLOG_BYTES, size: (chunk) => chunk.byteLength },
  );

  const replay = await room.missedSince(since);
  write('retry: 3000\n\n');
  if (replay) write(replay.map(eventText).join(''));
  else {
    const snapshot = room.snapshot(!seesReasoning(room.settings, identity.role));
    write(`id: ${room.log.seq}\ndata: ${JSON.stringify(snapshot)}\n\n`);
  }
  if (!open) return new Response(body, { headers: SSE_HEADERS });
  // A snapshot may be large (a long reply still streaming): it is not the reader falling behind.
  allowance = queued() + SSE_BACKLOG_BYTES;
  room.subscribers.add(subscriber);
  heartbeat = setInterval(() => write(': keep-alive\n\n'), room.config.heartbeatMs);
  // Expiry is enforced on the stream as it is on sockets: at `exp`, not when the reader next asks.
  if (identity.exp !== null) {
    const ms = Math.min(MAX_TIMER_MS, Math.max(0, identity.exp - Date.now()));
    expiry = setTimeout(() => end('unauthorised', 'token expired'), ms);
  }
  return new Response(body, { headers: SSE_HEADERS });
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  'x-accel-buffering': 'no',
};
