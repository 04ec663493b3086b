/**
 * The one file that knows PartyKit: it adapts PartyKit's Party.Server to the plain Room.
 * Auth and origin checks run in the worker (onBeforeConnect / onBeforeRequest), before the room's
 * Durable Object is reached.
 */
import type * as Party from 'partykit/server';
import { CLOSE_CODES } from '@realstream/protocol';
import { decodeIdentity, IDENTITY_HEADER } from './auth.js';
import { readConfig, type Config } from './config.js';
import { errorResponse, handleRoomRequest } from './http.js';
import { admitRequest, admitSocket, corsHeaders, withHeaders } from './party-http.js';
import { Logger } from './log.js';
import { createResponders } from './responders/index.js';
import { serverTools } from './tools/index.js';
import { IDLE_HEADER, REPORT_HEADER, reportKey } from './ops-party.js';
import { Room, type Socket } from './room.js';

/** How often an active room reports to the ops party. */
const REPORT_MS = 5000;
/** A room with no connection and nothing recorded for this long is idle. */
const ACTIVE_WINDOW_MS = 60_000;

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
  private reporting = false;

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
    if (this.config.metrics) setInterval(() => void this.report(), REPORT_MS);
  }

  /**
   * Tells the ops party how this room is doing, while it is active, and once more when it goes
   * idle so the deployment view drops it at once. A failed report is retried by the next one.
   */
  private async report(): Promise<void> {
    const { room } = this;
    const active =
      room.conns.size > 0 ||
      room.replies.active > 0 ||
      room.ops.recorder.activeWithin(ACTIVE_WINDOW_MS);
    if (!active && !this.reporting) return;
    this.reporting = active;
    const summary = room.ops.summary(this.party.id, this.party.name);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [REPORT_HEADER]: reportKey(this.config),
    };
    if (!active) headers[IDLE_HEADER] = '1';
    try {
      const ops = this.party.context.parties.ops;
      if (!ops) return;
      const res = await ops.get('deployment').fetch({
        method: 'POST',
        headers,
        body: JSON.stringify(summary),
      });
      if (!res.ok) this.logger.warn('ops report refused', { status: res.status });
    } catch (err) {
      this.logger.warn('ops report failed', { error: String(err) });
    }
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

  static onBeforeConnect(req: Party.Request, lobby: Party.Lobby) {
    return admitSocket(req, lobby);
  }

  static onBeforeRequest(req: Party.Request, lobby: Party.Lobby) {
    return admitRequest(req, lobby);
  }
}

RealstreamParty satisfies Party.Worker;
