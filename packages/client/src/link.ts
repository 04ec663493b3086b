import { CLOSE_CODES, FINAL_CLOSE_CODES } from '@realstream/protocol';
import { makeId } from './ids.js';
import type { WebSocketLike } from './types.js';
import { roomHttpUrl, type Endpoint } from './url.js';

/** Close codes that mean "not now": wait, then try again. */
const BACKOFF_CLOSE_CODES: readonly number[] = [
  CLOSE_CODES.too_many_connections,
  CLOSE_CODES.rate_limited,
];
/** A link that stayed open this long earns a fresh backoff. */
const STABLE_MS = 10_000;
/** Growth of the reconnect delay per failed attempt. */
const GROWTH = 1.5;
const OPEN = 1;

export interface LinkOptions {
  endpoint: Endpoint;
  party: string;
  room: string;
  /** Query parameters for the next attempt (token, name, uid); called on every attempt. */
  params(): Promise<Record<string, string | undefined>>;
  WebSocket?: WebSocketLike;
  minDelayMs: number;
  maxDelayMs: number;
  connectionTimeoutMs: number;
}

export interface LinkClose {
  code: number;
  reason: string;
  /** The server said retrying cannot help (4401, 4403, 4400): the link stays down. */
  final: boolean;
  /** The server said "not now" (4408, 4429): the next attempt waits this long. */
  backoffMs?: number;
}

export interface LinkHandlers {
  open(): void;
  message(data: unknown): void;
  close(info: LinkClose): void;
}

/** What the link uses of a WebSocket: the DOM's and `ws` both have it. */
interface Socket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: string,
    listener: (e: { code?: number; reason?: string; data?: unknown }) => void,
  ): void;
}

/**
 * The WebSocket under the client: one socket at a time, reconnected with our policy.
 *
 * - A dropped link is retried after a delay that grows with each failed attempt (jittered per
 *   client, so a room full of clients does not reconnect in lockstep), up to `maxDelayMs`.
 *   `reconnect()` skips the delay. An attempt that does not open within `connectionTimeoutMs`
 *   counts as a dropped link.
 * - Final close codes stop it; "not now" codes back off with jitter before the next attempt.
 * - Nothing is ever queued here: `send` on a link that is not open returns false, so the client's
 *   outbox (which knows the server refuses commands before hello) is the only queue.
 * - Every attempt uses a fresh connection id (`_pk`, which PartyKit uses as the connection id).
 *   Reusing it lets a new connection collide with the old one when the server has not seen the
 *   old one close yet, as after a dead link: the old close would remove the new one.
 * - A socket this link dropped or gave up on is never heard from again: its late events are
 *   ignored, so handlers only ever see the current socket.
 */
export class Link {
  private socket: Socket | null = null;
  private readonly WebSocket: WebSocketLike;
  private readonly minDelayMs: number;
  private closed = false;
  /** An attempt is waiting for its params: a second one would only ask twice. */
  private pending = false;
  /** Attempts since the last stable link: the reconnect delay's exponent (-1: go at once). */
  private retries = -1;
  /** Consecutive "not now" closes: the backoff exponent. */
  private penalty = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private connectTimer: ReturnType<typeof setTimeout> | null = null;
  private openedAt = 0;

  constructor(
    private readonly options: LinkOptions,
    private readonly handlers: LinkHandlers,
  ) {
    const WS = options.WebSocket ?? (globalThis.WebSocket as WebSocketLike | undefined);
    if (!WS) {
      throw new TypeError(
        "no WebSocket in this runtime: pass the WebSocket option (in node: import WebSocket from 'ws')",
      );
    }
    this.WebSocket = WS;
    this.minDelayMs = options.minDelayMs * (1 + Math.random() * 0.5);
    this.retry();
  }

  get open(): boolean {
    return this.socket?.readyState === OPEN;
  }

  /** Sends on an open socket; false (and nothing queued) otherwise. */
  send(data: string): boolean {
    if (!this.open) return false;
    this.socket!.send(data);
    return true;
  }

  /** Drops the current socket (if any) and connects again at once. */
  reconnect(): void {
    if (this.closed) return;
    this.clearTimer();
    const dropped = this.drop(1000, 'reconnecting');
    this.retries = -1;
    this.retry();
    // The client learns the link is down from this close, as from any other.
    if (dropped) this.handlers.close({ code: 1000, reason: '', final: false });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimer();
    this.drop(1000, 'client closed');
  }

  /** Lets the client reconnect after a final close (e.g. with a new token). */
  reopen(): void {
    this.closed = false;
    this.reconnect();
  }

  /** Schedules the next attempt after the delay the failures so far have earned. */
  private retry(): void {
    const n = ++this.retries;
    const delay =
      n > 0 ? Math.min(this.options.maxDelayMs, this.minDelayMs * GROWTH ** (n - 1)) : 0;
    this.later(delay);
  }

  private later(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.attempt();
    }, ms);
  }

  private async attempt(): Promise<void> {
    if (this.pending || this.closed || this.socket) return;
    this.pending = true;
    let url: string;
    try {
      url = this.url(await this.options.params());
    } catch {
      // The params' owner reports why (a token that could not be fetched); the link keeps trying.
      this.pending = false;
      if (!this.closed) this.retry();
      return;
    }
    this.pending = false;
    // Closed while the params were fetched, or reconnect() started a socket meanwhile.
    if (this.closed || this.socket) return;
    let socket: Socket;
    try {
      socket = new this.WebSocket(url) as Socket;
    } catch {
      this.retry();
      return;
    }
    this.socket = socket;
    const ms = this.options.connectionTimeoutMs;
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      if (this.drop(1000, 'timeout')) {
        this.retry();
        this.handlers.close({ code: 1006, reason: `no answer within ${ms} ms`, final: false });
      }
    }, ms);
    socket.addEventListener('open', () => {
      if (socket !== this.socket) return;
      this.clearConnectTimer();
      this.openedAt = Date.now();
      this.handlers.open();
    });
    socket.addEventListener('message', (e) => {
      if (socket === this.socket) this.handlers.message(e.data);
    });
    // A failed socket also closes; listening keeps `ws` from throwing the error in node.
    socket.addEventListener('error', () => {});
    socket.addEventListener('close', (e) => {
      if (socket === this.socket) this.onClose(e.code ?? 1006, e.reason ?? '');
    });
  }

  private url(params: Record<string, string | undefined>): string {
    const query = new URLSearchParams({ _pk: makeId('k') });
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== null) query.set(key, value);
    }
    const { endpoint, party, room } = this.options;
    return `${roomHttpUrl(endpoint, party, room).replace(/^http/, 'ws')}?${query}`;
  }

  private onClose(code: number, reason: string): void {
    this.socket = null;
    this.clearConnectTimer();
    if (this.openedAt && Date.now() - this.openedAt >= STABLE_MS) {
      this.penalty = 0;
      this.retries = 0;
    }
    this.openedAt = 0;
    if (FINAL_CLOSE_CODES.includes(code)) {
      this.handlers.close({ code, reason, final: true });
    } else if (BACKOFF_CLOSE_CODES.includes(code)) {
      const base = Math.min(this.options.maxDelayMs, 1000 * 2 ** this.penalty++);
      const backoffMs = Math.round(base * (0.5 + Math.random() * 0.5));
      // The attempt after the wait goes at once; a failure after it starts the delays over.
      this.retries = 0;
      this.later(backoffMs);
      this.handlers.close({ code, reason, final: false, backoffMs });
    } else {
      this.retry();
      this.handlers.close({ code, reason, final: false });
    }
  }

  /** Forgets the current socket and closes it; true if there was one still open or opening. */
  private drop(code: number, reason: string): boolean {
    const socket = this.socket;
    this.socket = null;
    this.openedAt = 0;
    this.clearConnectTimer();
    if (!socket || socket.readyState > OPEN) return false;
    socket.close(code, reason);
    return true;
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }
}
