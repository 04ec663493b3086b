/**
 * What both parties do in the worker, before a Durable Object is reached: origin and token checks,
 * CORS, and refusing a WebSocket with a close code a browser can see. Engine-neutral: the PartyKit
 * and partyserver adapters both call it with the room id their router read from the path.
 */
import { CLOSE_CODES, roomNameProblem, type ErrorCode } from '@realstream/protocol';
import {
  authenticate,
  encodeIdentity,
  IDENTITY_HEADER,
  originAllowed,
  type Reach,
} from './auth.js';
import { ConfigError, readConfig, type Config } from './config.js';
import { floodWait } from './door.js';
import { errorResponse } from './http.js';
import { Logger } from './log.js';

// workerd's socket pair (typed here so the rest of the server keeps the DOM lib's types).
declare const WebSocketPair: new () => { 0: WebSocket; 1: WebSocket & { accept(): void } };

/**
 * The client's address as Cloudflare's edge saw it (it sets CF-Connecting-IP and overwrites any a
 * client sends), or null. A loopback address is no client's own: `wrangler dev` stamps 127.0.0.1
 * on every local request (`partykit dev` sets nothing), and treating it as one address would hold
 * every tab and test client on the machine to one address's share of a room.
 */
export function clientAddress(headers: Headers): string | null {
  const address = headers.get('cf-connecting-ip');
  if (address === null || /^(127\.|::1$|::ffff:127\.)/.test(address)) return null;
  return address;
}

const CORS_ALLOW_HEADERS = 'authorization, content-type, idempotency-key, last-event-id';

export function corsHeaders(origin: string | null, config: Config): Record<string, string> {
  if (!origin || !originAllowed(origin, config.allowedOrigins)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, POST, PATCH, OPTIONS',
    'access-control-allow-headers': CORS_ALLOW_HEADERS,
    'access-control-expose-headers': 'retry-after',
    'access-control-max-age': '600',
    vary: 'Origin',
  };
}

export function withHeaders(res: Response, headers: Record<string, string>): Response {
  const out = new Response(res.body, res);
  for (const [k, v] of Object.entries(headers)) out.headers.set(k, v);
  return out;
}

/** The most of an unread request body worth reading, or waiting for, to keep its connection open. */
const DISCARD_LIMIT_BYTES = 1 << 20;
const DISCARD_WAIT_MS = 2000;

/**
 * Reads and drops what is left of a request's body, so that it can be answered before its body was
 * needed (a refusal, most often) without losing the connection. workerd closes a connection whose
 * request body was not read; a keep-alive client that sends its next request on it gets "other
 * side closed" (undici; 7 in 300 refusal-then-request pairs here). A body past the limits, in
 * size or in time (a client that never sends it must still get its answer), is left, and its
 * connection with it.
 */
export async function discardUnreadBody(req: Request): Promise<void> {
  if (!req.body || req.bodyUsed) return;
  if (Number(req.headers.get('content-length') ?? 0) > DISCARD_LIMIT_BYTES) return;
  const reader = req.body.getReader();
  const drain = async () => {
    for (let read = 0; read <= DISCARD_LIMIT_BYTES;) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
  };
  let giveUp: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (giveUp = setTimeout(resolve, DISCARD_WAIT_MS)));
  try {
    await Promise.race([drain(), late]);
  } catch {
    // The client went away mid-body: there is no connection left to keep.
  } finally {
    clearTimeout(giveUp);
    reader.cancel().catch(() => {});
  }
}

/**
 * An HTTP error on a WebSocket upgrade reaches a browser as close 1006, which clients retry forever.
 * Instead accept the upgrade and close at once with an application code the client treats as final.
 */
function refuseSocket(code: number, reason: string): Response {
  const pair = new WebSocketPair();
  const server = pair[1];
  server.accept();
  server.close(code, reason.slice(0, 120));
  return new Response(null, { status: 101, webSocket: pair[0] } as ResponseInit);
}

/** Longest a refused upgrade of a flooder is held before it is answered. */
const TARPIT_MS = 2000;

const WS_CLOSE: Partial<Record<ErrorCode, number>> = {
  unauthorised: CLOSE_CODES.unauthorised,
  forbidden: CLOSE_CODES.forbidden,
  origin_not_allowed: CLOSE_CODES.forbidden,
};

/** Where a request is headed, as the engine's router saw it. */
export interface Lobby {
  /** The room part of the URL, as the router took it from the raw path (not decoded). */
  id: string;
  /** The deployment's variables (REALSTREAM_*). */
  env: Record<string, unknown>;
}

/** The problem with the room part of the URL (the id the router derives from the raw path), or null. */
function roomProblem(lobby: Lobby): string | null {
  const problem = roomNameProblem(lobby.id);
  if (!problem) return null;
  try {
    return roomNameProblem(decodeURIComponent(lobby.id)) ?? problem;
  } catch {
    return problem;
  }
}

/** The door's own log: every request to a misconfigured deployment fails, so repeats are summarised. */
const doorLog = new Logger('error', { at: 'door' });

/**
 * Why a page's origin was refused, in words its developer can act on: the browser shows this in the
 * chat, and the variable to change lives on the server (a close reason holds at most 123 bytes).
 */
function originRefusal(origin: string): string {
  const full = `origin ${origin} is not allowed: add it to REALSTREAM_ALLOWED_ORIGINS`;
  return full.length <= 120
    ? full
    : "this page's origin is not allowed: add it to REALSTREAM_ALLOWED_ORIGINS";
}

/**
 * The deployment's configuration, or the problem with it. The start scripts check it before a
 * server starts; a deployment whose variables were changed by hand since answers every request
 * with the problem, named (never a value that could be secret: ConfigError messages name the
 * variable and what was expected), instead of the engine's bare 401 or 500.
 */
function configOf(lobby: Lobby): Config | ConfigError {
  try {
    return readConfig(lobby.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    doorLog.errorRepeated(err.message, 'configuration invalid', {
      room: lobby.id,
      error: err.message,
    });
    return err;
  }
}

export async function admitSocket(
  req: Request,
  lobby: Lobby,
  reach: Reach = 'room',
): Promise<Request | Response> {
  const config = configOf(lobby);
  if (config instanceof ConfigError) {
    return refuseSocket(
      CLOSE_CODES.server_misconfigured,
      `server misconfigured: ${config.message}`,
    );
  }
  const origin = req.headers.get('origin');
  if (!originAllowed(origin, config.allowedOrigins)) {
    return refuseSocket(CLOSE_CODES.forbidden, originRefusal(origin ?? ''));
  }
  const badRoom = roomProblem(lobby);
  if (badRoom) return refuseSocket(CLOSE_CODES.protocol_mismatch, badRoom);
  const auth = await authenticate(req, lobby.id, config.secret, reach);
  if (!auth.ok) return refuseSocket(WS_CLOSE[auth.code] ?? CLOSE_CODES.unauthorised, auth.message);
  const address = clientAddress(req.headers);
  const wait = reach === 'room' ? floodWait(lobby.id, auth.identity.id, address) : 0;
  if (wait > 0) {
    // No socket at all: a flooder told to wait gets nothing to send its frames on, and the answer
    // takes its time, so reconnecting in a loop costs the flooder seconds and the server a timer
    // (and a log line a second, not hundreds). An honest client was closed with 4429 already and
    // is backing off.
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, TARPIT_MS)));
    return errorResponse('rate_limited', 'flooding: wait before connecting again', {
      retryAfterMs: wait,
    });
  }
  const forwarded = new Request(req);
  forwarded.headers.set(IDENTITY_HEADER, encodeIdentity(auth.identity));
  return forwarded;
}

export async function admitRequest(
  req: Request,
  lobby: Lobby,
  reach: Reach = 'room',
): Promise<Request | Response> {
  const config = configOf(lobby);
  if (config instanceof ConfigError) {
    await discardUnreadBody(req);
    return errorResponse('server_misconfigured', config.message);
  }
  const origin = req.headers.get('origin');
  const cors = corsHeaders(origin, config);
  if (!originAllowed(origin, config.allowedOrigins)) {
    await discardUnreadBody(req);
    return errorResponse('origin_not_allowed', originRefusal(origin ?? ''));
  }
  if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
  const badRoom = roomProblem(lobby);
  if (badRoom) {
    await discardUnreadBody(req);
    return withHeaders(errorResponse('invalid_room', badRoom), cors);
  }
  const auth = await authenticate(req, lobby.id, config.secret, reach);
  if (!auth.ok) {
    await discardUnreadBody(req);
    return withHeaders(errorResponse(auth.code, auth.message), cors);
  }
  const forwarded = new Request(req);
  forwarded.headers.set(IDENTITY_HEADER, encodeIdentity(auth.identity));
  return forwarded;
}
