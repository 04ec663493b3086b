/**
 * What a room's Durable Object does around the plain Room, whichever engine runs it: opening the
 * room over the object's storage, handing it sockets and requests, telling the ops party how it is
 * doing while it is live. The adapters in `adapters/` (PartyKit, partyserver) only translate their
 * engine's calls into these; nothing here knows either engine.
 */
import { CLOSE_CODES } from '@realstream/protocol';
import { decodeIdentity, IDENTITY_HEADER } from './auth.js';
import { readConfig, type Config } from './config.js';
import { errorResponse, handleRoomRequest } from './http.js';
import { Logger } from './log.js';
import { IDLE_HEADER, REPORT_HEADER, reportKey } from './ops-party.js';
import { clientAddress, corsHeaders, discardUnreadBody, withHeaders } from './party-http.js';
import { createResponders } from './responders/index.js';
import { Room, type Socket } from './room.js';
import type { RoomStorage } from './storage.js';
import { serverTools } from './tools/index.js';

/** How often a live room reports to the ops party. */
export const REPORT_MS = 5000;

/** A WebSocket as the engine hands it over (PartyKit's and partyserver's Connection both fit). */
export interface EngineConnection {
  readonly id: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** What the host needs of the Durable Object it runs in. */
export interface RoomEngine {
  /** The room's id, as the router took it from the path. */
  readonly id: string;
  /** The party's name in URLs (`main`). */
  readonly party: string;
  readonly env: Record<string, unknown>;
  readonly storage: RoomStorage;
  /** POSTs a report to the ops party's `deployment` room, or null when there is no ops party. */
  reportToOps(init: {
    method: string;
    headers: Record<string, string>;
    body: string;
  }): Promise<Response> | null;
}

/** /parties/:party/:room/rest -> rest */
export function subPath(url: string, roomId: string): string {
  const path = new URL(url).pathname;
  // Room names are refused unless encodeURIComponent leaves them alone, so the raw id matches.
  const marker = `/${roomId}`;
  const at = path.indexOf(marker, '/parties/'.length);
  return at < 0 ? '' : path.slice(at + marker.length);
}

export class RoomHost {
  room!: Room;
  readonly config: Config;
  readonly logger: Logger;
  /** The room's view of each engine connection, so a close finds exactly the socket it closes. */
  private readonly sockets = new WeakMap<EngineConnection, Socket>();
  /** Runs only while the room is live (see keepReporting). */
  private reportTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly engine: RoomEngine) {
    this.config = readConfig(engine.env);
    this.logger = new Logger(this.config.logLevel, { room: engine.id, party: engine.party });
  }

  async start(): Promise<void> {
    if (this.config.secret === null) {
      this.logger.warn(
        'REALSTREAM_SECRET is not set: open dev mode, anyone may join any room as an operator',
      );
    }
    this.room = await Room.open({
      name: this.engine.id,
      storage: this.engine.storage,
      config: this.config,
      logger: this.logger,
      responders: createResponders(this.config),
      serverTools: serverTools(this.config),
    });
  }

  /** Someone is connected or following the event stream, or a reply or a tool call is running. */
  get live(): boolean {
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
    const active = this.live;
    if (!active && this.reportTimer) {
      clearInterval(this.reportTimer);
      this.reportTimer = null;
    }
    const summary = this.room.ops.summary(this.engine.id, this.engine.party);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [REPORT_HEADER]: reportKey(this.config),
    };
    if (!active) headers[IDLE_HEADER] = '1';
    try {
      const sent = this.engine.reportToOps({
        method: 'POST',
        headers,
        body: JSON.stringify(summary),
      });
      if (!sent) return;
      const res = await sent;
      if (!res.ok) this.logger.warn('ops report refused', { status: res.status });
    } catch (err) {
      this.logger.warn('ops report failed', { error: String(err) });
    }
  }

  connect(conn: EngineConnection, request: Request): void {
    const identity = decodeIdentity(request.headers.get(IDENTITY_HEADER));
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
    this.room.connect(socket, identity, clientAddress(request.headers));
    this.keepReporting();
  }

  message(conn: EngineConnection, data: string | ArrayBuffer | ArrayBufferView): Promise<void> {
    return this.room.message(conn.id, data);
  }

  disconnect(conn: EngineConnection): void {
    const socket = this.sockets.get(conn);
    if (socket) this.room.disconnect(socket);
    // The last one out: the deployment view drops the room now, not at the next tick.
    if (!this.live && this.reportTimer) void this.report();
  }

  async request(req: Request): Promise<Response> {
    const identity = decodeIdentity(req.headers.get(IDENTITY_HEADER));
    const cors = corsHeaders(req.headers.get('origin'), this.config);
    if (!identity) return withHeaders(errorResponse('unauthorised', 'no identity'), cors);
    let res: Response;
    try {
      res = await handleRoomRequest(this.room, req, identity, subPath(req.url, this.engine.id));
      // A reply or a tool call started over HTTP, or an event stream opened, makes the room live.
      this.keepReporting();
    } catch (err) {
      this.logger.error('request failed', { url: req.url, error: String(err) });
      res = errorResponse('internal', 'internal error; see the server log');
    }
    // A refusal leaves the body unread; read it so the connection stays usable.
    await discardUnreadBody(req);
    return withHeaders(res, cors);
  }
}
