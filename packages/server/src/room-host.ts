/**
 * What a room's Durable Object does around the plain Room, whichever engine runs it: opening the
 * room over the object's storage, handing it sockets and requests, telling the ops party how it is
 * doing while it is live. The adapters in `adapters/` (PartyKit, partyserver) only translate their
 * engine's calls into these; nothing here knows either engine.
 */
import { CLOSE_CODES } from '@realstream/protocol';
import { decodeIdentity, IDENTITY_HEADER } from './auth.js';
import { readConfig, type Config } from './config.js';
import { withStorageFaults } from './faulty-storage.js';
import { errorResponse, handleRoomRequest } from './http.js';
import { Logger } from './log.js';
import { IDLE_HEADER, REPORT_HEADER, RESTING_HEADER, reportKey } from './ops-party.js';
import { clientAddress, corsHeaders, discardUnreadBody, withHeaders } from './party-http.js';
import { createResponders } from './responders/index.js';
import { Room, type SavedConn, type Socket } from './room.js';
import type { RoomStorage } from './storage.js';
import { serverTools } from './tools/index.js';

/** How often a busy room reports to the ops party. */
export const REPORT_MS = 5000;
/** How often a resting room (connected, idle clients) reports; the ops party keeps it meanwhile. */
export const RESTING_REPORT_MS = 5 * 60_000;
/** A room quiet for this long records the seq it settled at (see EventLog.settle). */
export const SETTLE_MS = 2000;

/** A WebSocket as the engine hands it over (PartyKit's and partyserver's Connection both fit). */
export interface EngineConnection {
  readonly id: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** The socket's attachment: kept by the engine across hibernation. */
  readonly state: unknown;
  setState(state: never): unknown;
}

/** What the host needs of the Durable Object it runs in. */
export interface RoomEngine {
  /** The room's id, as the router took it from the path. */
  readonly id: string;
  /** The party's name in URLs (`main`). */
  readonly party: string;
  readonly env: Record<string, unknown>;
  readonly storage: RoomStorage;
  /** The object's open WebSockets, those from before a hibernation included. */
  connections(): Iterable<EngineConnection>;
  /** The object's one alarm: the engine calls `alarm()` then, also after an eviction. */
  setAlarm(at: number): Promise<void>;
  deleteAlarm(): Promise<void>;
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

function isSaved(value: unknown): value is SavedConn {
  const v = value as SavedConn | null;
  return typeof v === 'object' && v !== null && v.v === 1 && typeof v.identity?.id === 'string';
}

/**
 * Open dev mode is said once per isolate (every room of a deployment shares one), not at every
 * room start, where it drowned the log it was meant to stand out in.
 */
let warnedDevMode = false;

/**
 * The room in its Durable Object. It hibernates: while its clients are idle nothing runs (no timer;
 * what must happen later is the object's alarm), so the platform may evict it with its sockets
 * still open, and a frame, a request or the alarm wakes it. Waking is `start()` again: the room is
 * opened from storage, and each socket comes back from its attachment (see Room.restore).
 */
export class RoomHost {
  room!: Room;
  /** A room broken by a failed write being opened again (see ready). */
  private reopening: Promise<Room> | null = null;
  readonly config: Config;
  readonly logger: Logger;
  /** The room's view of each engine connection, so a close finds exactly the socket it closes. */
  private readonly sockets = new WeakMap<EngineConnection, Socket>();
  /** Runs only while the room is busy (see keepReporting). */
  private reportTimer: ReturnType<typeof setInterval> | null = null;
  private lastActivity = 0;
  /** What the alarm is for: the room's deadlines, a resting report, settling the log. */
  private roomWakeAt: number | null = null;
  private restingReportAt: number | null = null;
  private settleAt: number | null = null;
  /** When the alarm is set for (null: not set, or not known since a wake). */
  private alarmAt: number | null = null;

  constructor(private readonly engine: RoomEngine) {
    this.config = readConfig(engine.env);
    this.logger = new Logger(this.config.logLevel, { room: engine.id, party: engine.party });
  }

  async start(): Promise<void> {
    if (this.config.secret === null && !warnedDevMode) {
      warnedDevMode = true;
      this.logger.warn(
        'REALSTREAM_SECRET is not set: open dev mode, anyone may join any room as an operator',
      );
    }
    this.room = await Room.open({
      name: this.engine.id,
      // Faults are injected only when REALSTREAM_STORAGE_FAULTS asks for them (tests, chaos).
      storage: withStorageFaults(
        this.engine.storage,
        this.config.storageFaults,
        this.logger,
        this.engine.id,
      ),
      config: this.config,
      logger: this.logger,
      responders: createResponders(this.config, (message) =>
        this.logger.warn(message, { event: 'model_quirk' }),
      ),
      serverTools: serverTools(this.config),
      wakeAt: (at) => {
        this.roomWakeAt = at;
        this.schedule();
      },
    });
    let restored = 0;
    for (const conn of this.engine.connections()) {
      const saved = conn.state;
      if (!isSaved(saved)) {
        // Accepted but never seen by the room (it was evicted in between): the client reconnects.
        closeQuietly(conn, 1012, 'server restarted');
        continue;
      }
      this.room.restore(this.socketFor(conn), saved);
      restored++;
    }
    if (restored) {
      this.logger.info('woke with connections', { connections: restored, seq: this.room.log.seq });
      this.activity();
    }
  }

  /**
   * The room, opened again from storage when a failed write broke it (see Room.breakDown): what
   * Cloudflare does to a Durable Object whose write failed, done in place so that both engines
   * and the tests behave alike.
   */
  private async ready(): Promise<Room> {
    if (!this.room.failure) return this.room;
    this.reopening ??= this.room.reopen().finally(() => (this.reopening = null));
    this.room = await this.reopening;
    return this.room;
  }

  /** Someone is connected or following the event stream, or a reply or a tool call is running. */
  get live(): boolean {
    return this.room.conns.size > 0 || this.busy;
  }

  /** Something runs or has just happened: the room reports often and cannot hibernate anyway. */
  private get busy(): boolean {
    const { room } = this;
    return (
      room.subscribers.size > 0 ||
      room.replies.active > 0 ||
      room.calls.running > 0 ||
      Date.now() - this.lastActivity < REPORT_MS
    );
  }

  /** A frame, a connection or a request: report while it lasts, settle the log after it. */
  private activity(): void {
    this.lastActivity = Date.now();
    this.keepReporting();
    if (this.settleAt === null) {
      this.settleAt = this.lastActivity + SETTLE_MS;
      this.schedule();
    }
  }

  /**
   * Reports to the ops party at once and then every REPORT_MS while the room is busy; the report
   * that finds it resting or idle is the last (see report). No timer is left in a quiet room: in
   * workerd a pending timer keeps a Durable Object from hibernating (on Cloudflare, billed), and
   * timers firing in idle rooms stalled the whole process: `npm run bench` saw paced p99 at 500
   * clients go from about 60 to about 300 ms in 6 of 10 runs while finished rooms kept reporting.
   */
  private keepReporting(): void {
    if (!this.config.metrics || this.reportTimer || !this.live) return;
    this.reportTimer = setInterval(() => void this.report(), REPORT_MS);
    void this.report();
  }

  /**
   * Tells the ops party how this room is doing. A room that is no longer busy says whether it
   * rests (clients connected, all idle: then it reports every RESTING_REPORT_MS from its alarm)
   * or went idle (nobody left: the deployment view drops it at once), and stops its timer. A
   * failed report is retried by the next one; a failed last one is covered by the ops party
   * forgetting rooms that went quiet.
   */
  private async report(): Promise<void> {
    const busy = this.busy;
    const resting = !busy && this.room.conns.size > 0;
    if (!busy && this.reportTimer) {
      clearInterval(this.reportTimer);
      this.reportTimer = null;
    }
    this.restingReportAt = resting ? Date.now() + RESTING_REPORT_MS : null;
    this.schedule();
    const summary = this.room.ops.summary(this.engine.id, this.engine.party);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [REPORT_HEADER]: reportKey(this.config),
    };
    if (resting) headers[RESTING_HEADER] = '1';
    else if (!busy) headers[IDLE_HEADER] = '1';
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

  /** Sets the alarm for the earliest thing due, when that changed. */
  private schedule(): void {
    const due = [this.roomWakeAt, this.restingReportAt, this.settleAt].filter(
      (t): t is number => t !== null,
    );
    const at = due.length ? Math.min(...due) : null;
    if (at === this.alarmAt) return;
    this.alarmAt = at;
    const set = at === null ? this.engine.deleteAlarm() : this.engine.setAlarm(at);
    set.catch((err) => this.logger.warn('alarm not set', { error: String(err) }));
  }

  /** The object's alarm: whatever is due now. */
  async alarm(): Promise<void> {
    this.alarmAt = null;
    const now = Date.now();
    if (this.roomWakeAt !== null && this.roomWakeAt <= now) (await this.ready()).wake(now);
    if (this.settleAt !== null && this.settleAt <= now) {
      const { room } = this;
      const quiet = room.replies.active === 0 && room.calls.running === 0;
      if (quiet && now - this.lastActivity >= SETTLE_MS) {
        this.settleAt = null;
        await room.log.settle();
      } else {
        this.settleAt = Math.max(now, this.lastActivity) + SETTLE_MS;
      }
    }
    if (this.restingReportAt !== null && this.restingReportAt <= now && this.config.metrics)
      await this.report();
    this.schedule();
  }

  private socketFor(conn: EngineConnection): Socket {
    const socket: Socket = {
      id: conn.id,
      send: (data) => conn.send(data),
      close: (code, reason) => conn.close(code, reason),
      remember: (saved) => conn.setState(saved as never),
    };
    this.sockets.set(conn, socket);
    return socket;
  }

  async connect(conn: EngineConnection, request: Request): Promise<void> {
    const identity = decodeIdentity(request.headers.get(IDENTITY_HEADER));
    if (!identity) {
      conn.close(CLOSE_CODES.unauthorised, 'no identity');
      return;
    }
    const room = await this.ready();
    room.connect(this.socketFor(conn), identity, clientAddress(request.headers));
    this.activity();
  }

  async message(
    conn: EngineConnection,
    data: string | ArrayBuffer | ArrayBufferView,
  ): Promise<void> {
    this.activity();
    return (await this.ready()).message(conn.id, data);
  }

  disconnect(conn: EngineConnection): void {
    // A connection object the room has not seen (an engine that made a new one for the socket)
    // still closes the room's socket of that id.
    const socket = this.sockets.get(conn) ?? this.room.conns.get(conn.id)?.socket;
    if (socket) this.room.disconnect(socket);
    // The last one out: the deployment view drops the room now, not at the next tick.
    if (!this.live && (this.reportTimer || this.restingReportAt !== null)) void this.report();
  }

  async request(req: Request): Promise<Response> {
    const identity = decodeIdentity(req.headers.get(IDENTITY_HEADER));
    const cors = corsHeaders(req.headers.get('origin'), this.config);
    if (!identity) return withHeaders(errorResponse('unauthorised', 'no identity'), cors);
    let res: Response;
    try {
      const room = await this.ready();
      res = await handleRoomRequest(room, req, identity, subPath(req.url, this.engine.id));
      // A reply or a tool call started over HTTP, or an event stream opened, makes the room live.
      this.activity();
    } catch (err) {
      this.logger.error('request failed', { url: req.url, error: String(err) });
      res = errorResponse('internal', 'internal error; see the server log');
    }
    // A refusal leaves the body unread; read it so the connection stays usable.
    await discardUnreadBody(req);
    return withHeaders(res, cors);
  }
}

/** Closes a socket that may already be closing (a second close throws in workerd). */
function closeQuietly(conn: EngineConnection, code: number, reason: string): void {
  try {
    conn.close(code, reason);
  } catch {
    // Closed already.
  }
}
