/**
 * The one file that knows PartyKit: it adapts PartyKit's Party.Server to the plain Room.
 * Auth and origin checks run in the worker (onBeforeConnect / onBeforeRequest), before the room's
 * Durable Object is reached.
 */
import type * as Party from 'partykit/server';
import { CLOSE_CODES } from '@realstream/protocol';
import { decodeIdentity, IDENTITY_HEADER } from './auth.js';
import { readConfig, type Config } from './config.js';
import { withStorageFaults } from './faulty-storage.js';
import { errorResponse, handleRoomRequest } from './http.js';
import {
  admitRequest,
  admitSocket,
  corsHeaders,
  discardUnreadBody,
  withHeaders,
} from './party-http.js';
import { Logger } from './log.js';
import { createResponders } from './responders/index.js';
import { serverTools } from './tools/index.js';
import { IDLE_HEADER, REPORT_HEADER, reportKey } from './ops-party.js';
import { Room, type Socket } from './room.js';

/** How often a live room reports to the ops party. */
const REPORT_MS = 5000;

/** /parties/:party/:room/rest -> rest */
function subPath(url: string, roomId: string): string {
  const path = new URL(url).pathname;
  // Room names are refused unless encodeURIComponent leaves them alone, so the raw id matches.
  const marker = `/${roomId}`;
  const at = path.indexOf(marker, '/parties/'.length);
  return at < 0 ? '' : path.slice(at + marker.length);
}

export default class RealstreamParty implements Party.Server {
  readonly options: Party.ServerOptions = {
    // Live streams and the replay ring are in memory, so the room must not hibernate mid-stream.
    hibernate: false,
  };
  private room!: Room;
  private reopening: Promise<Room> | null = null;
  /** The room's view of each PartyKit connection, so a close finds exactly the socket it closes. */
  private readonly sockets = new WeakMap<Party.Connection, Socket>();
  private readonly config: Config;
  private readonly logger: Logger;
  /** Runs only while the room is live (see keepReporting). */
  private reportTimer: ReturnType<typeof setInterval> | null = null;

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
      storage: withStorageFaults(
        this.party.storage,
        this.config.storageFaults,
        this.logger,
        this.party.id,
      ),
      config: this.config,
      logger: this.logger,
      responders: createResponders(this.config),
      serverTools: serverTools(this.config),
    });
  }

  /** The room, opened again from storage when a failed write broke it (see Room.breakDown). */
  private async ready(): Promise<Room> {
    if (!this.room.failure) return this.room;
    this.reopening ??= this.room.reopen().finally(() => (this.reopening = null));
    this.room = await this.reopening;
    return this.room;
  }

  /** Someone is connected or following the event stream, or a reply or a tool call is running. */
  private get live(): boolean {
    const { room } = this;
    return (
      room.conns.size > 0 ||
      room.subscribers.size > 0 ||
      room.replies.active > 0 ||
      room.calls.running > 0
    );
  }

  /**
   * Reports to the ops party at once and then every REPORT_MS while the room is live; the report
   * that finds it idle is the last (see report). No timer is left in an idle room: in workerd a
   * pending timer keeps a Durable Object alive (on Cloudflare, billed), and timers firing in idle
   * rooms stalled the whole process: `npm run bench` saw paced p99 at 500 clients go from about
   * 60 to about 300 ms in 6 of 10 runs while finished rooms kept reporting.
   */
  private keepReporting(): void {
    if (!this.config.metrics || this.reportTimer || !this.live) return;
    this.reportTimer = setInterval(() => void this.report(), REPORT_MS);
    void this.report();
  }

  /**
   * Tells the ops party how this room is doing. Once the room is idle it says so, so the deployment
   * view drops it at once, and stops reporting. A failed report is retried by the next one; a
   * failed last one is covered by the ops party forgetting rooms that went quiet.
   */
  private async report(): Promise<void> {
    const { room } = this;
    const active = this.live;
    if (!active && this.reportTimer) {
      clearInterval(this.reportTimer);
      this.reportTimer = null;
    }
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

  async onConnect(conn: Party.Connection, ctx: Party.ConnectionContext): Promise<void> {
    const room = await this.ready();
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
    // Cloudflare's edge sets this header and overwrites any a client sends.
    room.connect(socket, identity, ctx.request.headers.get('cf-connecting-ip'));
    this.keepReporting();
  }

  async onMessage(
    message: string | ArrayBuffer | ArrayBufferView,
    sender: Party.Connection,
  ): Promise<void> {
    await (await this.ready()).message(sender.id, message);
  }

  onClose(conn: Party.Connection): void {
    const socket = this.sockets.get(conn);
    if (socket) this.room.disconnect(socket);
    // The last one out: the deployment view drops the room now, not at the next tick.
    if (!this.live && this.reportTimer) void this.report();
  }

  onError(conn: Party.Connection): void {
    this.onClose(conn);
  }

  async onRequest(req: Party.Request): Promise<Response> {
    const identity = decodeIdentity(req.headers.get(IDENTITY_HEADER));
    const cors = corsHeaders(req.headers.get('origin'), this.config);
    if (!identity) return withHeaders(errorResponse('unauthorised', 'no identity'), cors);
    let res: Response;
    try {
      res = await handleRoomRequest(
        await this.ready(),
        req as unknown as Request,
        identity,
        subPath(req.url, this.party.id),
      );
      // A reply or a tool call started over HTTP, or an event stream opened, makes the room live.
      this.keepReporting();
    } catch (err) {
      this.logger.error('request failed', { url: req.url, error: String(err) });
      res = errorResponse('internal', 'internal error; see the server log');
    }
    // A refusal leaves the body unread; read it so the connection stays usable.
    await discardUnreadBody(req as unknown as Request);
    return withHeaders(res, cors);
  }

  static onBeforeConnect(req: Party.Request, lobby: Party.Lobby) {
    return admitSocket(req, lobby);
  }

  static onBeforeRequest(req: Party.Request, lobby: Party.Lobby) {
    return admitRequest(req, lobby);
  }
}

RealstreamParty satisfies Party.Worker;
