import PartySocket from 'partysocket';
import { CLOSE_CODES, FINAL_CLOSE_CODES } from '@realstream/protocol';
import type { WebSocketLike } from './types.js';
import type { Endpoint } from './url.js';

/** Close codes that mean "not now": wait, then try again. */
const BACKOFF_CLOSE_CODES: readonly number[] = [
  CLOSE_CODES.too_many_connections,
  CLOSE_CODES.rate_limited,
];
/** A link that stayed open this long earns a fresh backoff. */
const STABLE_MS = 10_000;

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

/**
 * The WebSocket under the client: partysocket's reconnecting socket, plus the policy it lacks.
 *
 * - Final close codes stop it; "not now" codes back off with jitter before the next attempt.
 * - Nothing is ever queued inside partysocket: its queue is flushed before our hello could go out
 *   (the server refuses commands before hello), so the client's outbox is the only queue.
 * - Every attempt uses a fresh connection id (partysocket's `_pk`, which PartyKit uses as the
 *   connection id). Reusing it lets a new connection collide with the old one when the server has
 *   not seen the old one close yet, as after a dead link: the old close would remove the new one.
 */
export class Link {
  private readonly socket: PartySocket;
  private closed = false;
  /** Consecutive "not now" closes: the backoff exponent. */
  private penalty = 0;
  private backoffTimer: ReturnType<typeof setTimeout> | null = null;
  private openedAt = 0;

  constructor(
    private readonly options: LinkOptions,
    private readonly handlers: LinkHandlers,
  ) {
    const { endpoint, party, room } = options;
    this.socket = new PartySocket({
      host: endpoint.host,
      protocol: endpoint.secure ? 'wss' : 'ws',
      party,
      room,
      query: options.params,
      WebSocket: options.WebSocket,
      maxEnqueuedMessages: 0,
      // A little jitter per client, so a room full of clients does not reconnect in lockstep.
      minReconnectionDelay: options.minDelayMs * (1 + Math.random() * 0.5),
      maxReconnectionDelay: options.maxDelayMs,
      reconnectionDelayGrowFactor: 1.5,
      connectionTimeout: options.connectionTimeoutMs,
      shouldReconnectOnClose: (e) =>
        !FINAL_CLOSE_CODES.includes(e.code) && !BACKOFF_CLOSE_CODES.includes(e.code),
    });
    this.socket.addEventListener('open', () => {
      this.openedAt = Date.now();
      this.handlers.open();
    });
    this.socket.addEventListener('message', (e) => this.handlers.message(e.data));
    this.socket.addEventListener('close', (e) => this.onClose(e.code, e.reason));
  }

  get open(): boolean {
    return this.socket.readyState === PartySocket.OPEN;
  }

  /** Sends on an open socket; false (and nothing queued) otherwise. */
  send(data: string): boolean {
    if (!this.open) return false;
    this.socket.send(data);
    return true;
  }

  /** Drops the current socket (if any) and connects again at once. */
  reconnect(): void {
    if (this.closed) return;
    this.clearBackoff();
    this.freshId();
    this.socket.reconnect();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearBackoff();
    this.socket.close(1000, 'client closed');
  }

  /** Lets the client reconnect after a final close (e.g. with a new token). */
  reopen(): void {
    this.closed = false;
    this.reconnect();
  }

  private onClose(code: number, rawReason: string): void {
    this.freshId();
    if (this.closed) return;
    // partysocket fills a missing reason in with this placeholder in node.
    const reason = rawReason === 'unknown reason' ? '' : rawReason;
    if (BACKOFF_CLOSE_CODES.includes(code)) {
      if (this.openedAt && Date.now() - this.openedAt >= STABLE_MS) this.penalty = 0;
      const base = Math.min(this.options.maxDelayMs, 1000 * 2 ** this.penalty++);
      const backoffMs = Math.round(base * (0.5 + Math.random() * 0.5));
      this.clearBackoff();
      this.backoffTimer = setTimeout(() => {
        this.backoffTimer = null;
        if (!this.closed) this.socket.reconnect();
      }, backoffMs);
      this.handlers.close({ code, reason, final: false, backoffMs });
      return;
    }
    this.handlers.close({ code, reason, final: FINAL_CLOSE_CODES.includes(code) });
  }

  /**
   * partysocket reads its URL after its reconnect delay, and dispatches close synchronously, so a
   * new id set here is the one the next attempt uses.
   */
  private freshId(): void {
    this.socket.updateProperties({});
  }

  private clearBackoff(): void {
    if (this.backoffTimer !== null) clearTimeout(this.backoffTimer);
    this.backoffTimer = null;
  }
}
