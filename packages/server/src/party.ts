/**
 * The one file that knows PartyKit: it adapts PartyKit's Party.Server to the plain Room.
 * Auth and origin checks run in the worker (onBeforeConnect / onBeforeRequest), before the room's
 * Durable Object is reached.
 */
import type * as Party from 'partykit/server';
import { CLOSE_CODES, type ErrorCode } from '@realstream/protocol';
import {
  authenticate,
  decodeIdentity,
  encodeIdentity,
  IDENTITY_HEADER,
  originAllowed,
} from './auth.js';
import { readConfig, type Config } from './config.js';
import { errorResponse, handleRoomRequest } from './http.js';
import { Logger } from './log.js';
import { createResponders } from './responders/index.js';
import { serverTools } from './tools/index.js';
import { Room, type Socket } from './room.js';

// workerd's socket pair (typed here so the rest of the server keeps the DOM lib's types).
declare const WebSocketPair: new () => { 0: WebSocket; 1: WebSocket & { accept(): void } };

const CORS_ALLOW_HEADERS = 'authorization, content-type, idempotency-key, last-event-id';

function corsHeaders(origin: string | null, config: Config): Record<string, string> {
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

function withHeaders(res: Response, headers: Record<string, string>): Response {
  const out = new Response(res.body, res);
  for (const [k, v] of Object.entries(headers)) out.headers.set(k, v);
  return out;
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

const WS_CLOSE: Partial<Record<ErrorCode, number>> = {
  unauthorised: CLOSE_CODES.unauthorised,
  forbidden: CLOSE_CODES.forbidden,
  origin_not_allowed: CLOSE_CODES.forbidden,
};

/** /parties/:party/:room/rest -> rest */
function subPath(url: string, roomId: string): string {
  const path = new URL(url).pathname;
  const marker = `/${encodeURIComponent(roomId)}`;
  const at = path.indexOf(marker, '/parties/'.length);
  return at < 0 ? '' : path.slice(at + marker.length);
}

export default class RealstreamParty implements Party.Server {
  readonly options: Party.ServerOptions = {
    // Live streams and the replay ring are in memory, so the room must not hibernate mid-stream.
    hibernate: false,
  };
  private room!: Room;
  /** The room's view of each PartyKit connection, so a close finds exactly the socket it closes. */
  private readonly sockets = new WeakMap<Party.Connection, Socket>();
  private readonly config: Config;
  private readonly logger: Logger;

  constructor(readonly party: Party.Room) {
    this.config = readConfig(party.env);
    this.logger = new Logger(this.config.logLevel, { room: party.id, party: party.name });
  }

  async onStart(): Promise<void> {
    if (this.config.secret === null) {
      this.logger.warn(
        'REALSTREAM_SECRET is not set: open dev mode, anyone may join any room as an operator',
      );
    }
    this.room = await Room.open({
      name: this.party.id,
      storage: this.party.storage,
      config: this.config,
      logger: this.logger,
      responders: createResponders(this.config),
      serverTools: serverTools(this.config),
    });
  }

  onConnect(conn: Party.Connection, ctx: Party.ConnectionContext): void {
    const identity = decodeIdentity(ctx.request.headers.get(IDENTITY_HEADER));
    if (!identity) {
      conn.close(CLOSE_CODES.unauthorised, 'no identity');
      return;
    }
    const socket: Socket = {
      id: conn.id,
      send: (data) => conn.send(data),
      close: (code, reason) => conn.close(code, reason),
    };
    this.sockets.set(conn, socket);
    this.room.connect(socket, identity);
  }

  async onMessage(
    message: string | ArrayBuffer | ArrayBufferView,
    sender: Party.Connection,
  ): Promise<void> {
    await this.room.message(sender.id, message);
  }

  onClose(conn: Party.Connection): void {
    const socket = this.sockets.get(conn);
    if (socket) this.room.disconnect(socket);
  }

  onError(conn: Party.Connection): void {
    this.onClose(conn);
  }

  async onRequest(req: Party.Request): Promise<Response> {
    const identity = decodeIdentity(req.headers.get(IDENTITY_HEADER));
    const cors = corsHeaders(req.headers.get('origin'), this.config);
    if (!identity) return withHeaders(errorResponse('unauthorised', 'no identity'), cors);
    try {
      const res = await handleRoomRequest(
        this.room,
        req as unknown as Request,
        identity,
        subPath(req.url, this.party.id),
      );
      return withHeaders(res, cors);
    } catch (err) {
      this.logger.error('request failed', { url: req.url, error: String(err) });
      return withHeaders(errorResponse('internal', 'internal error; see the server log'), cors);
    }
  }

  static async onBeforeConnect(
    req: Party.Request,
    lobby: Party.Lobby,
  ): Promise<Party.Request | Response> {
    const config = readConfig(lobby.env);
    if (!originAllowed(req.headers.get('origin'), config.allowedOrigins)) {
      return refuseSocket(CLOSE_CODES.forbidden, 'origin not allowed');
    }
    const auth = await authenticate(req as unknown as Request, lobby.id, config.secret);
    if (!auth.ok)
      return refuseSocket(WS_CLOSE[auth.code] ?? CLOSE_CODES.unauthorised, auth.message);
    const forwarded = new Request(req as unknown as Request);
    forwarded.headers.set(IDENTITY_HEADER, encodeIdentity(auth.identity));
    return forwarded as unknown as Party.Request;
  }

  static async onBeforeRequest(
    req: Party.Request,
    lobby: Party.Lobby,
  ): Promise<Party.Request | Response> {
    const config = readConfig(lobby.env);
    const origin = req.headers.get('origin');
    const cors = corsHeaders(origin, config);
    if (!originAllowed(origin, config.allowedOrigins)) {
      return errorResponse('origin_not_allowed', `origin ${origin} is not allowed`);
    }
    if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
    const auth = await authenticate(req as unknown as Request, lobby.id, config.secret);
    if (!auth.ok) return withHeaders(errorResponse(auth.code, auth.message), cors);
    const forwarded = new Request(req as unknown as Request);
    forwarded.headers.set(IDENTITY_HEADER, encodeIdentity(auth.identity));
    return forwarded as unknown as Party.Request;
  }
}

RealstreamParty satisfies Party.Worker;
