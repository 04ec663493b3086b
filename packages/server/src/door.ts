import { CLOSE_CODES } from '@realstream/protocol';
import type { Conn, Gate } from './admission.js';
import type { Identity } from './auth.js';
import type { Config } from './config.js';
import { SharedBuckets } from './rate-limit.js';

/** A socket that has not said hello by then is closed: it holds a place in the room for nothing. */
export const HELLO_TIMEOUT_MS = 5000;
/**
 * After a socket is closed for flooding, its user and its address may not connect again for this
 * long: reconnecting must not buy a flooder a fresh socket every few milliseconds. Each flood
 * within FLOOD_MEMORY_MS of the last doubles the wait, up to FLOOD_COOLDOWN_MAX_MS: most of what a
 * flood costs the room is the frames already on their way when its socket is closed (workerd still
 * hands them to the room, over 80% of its frames in the hostile bench), so the only lasting remedy
 * is fewer sockets for a flooder.
 */
export const FLOOD_COOLDOWN_MS = 5000;
const FLOOD_COOLDOWN_MAX_MS = 300_000;
const FLOOD_MEMORY_MS = 600_000;
/** The user's and the address's allowances, as multiples of one socket's (several tabs, a NAT). */
const USER_RATE_FACTOR = 2;
const ADDRESS_RATE_FACTOR = 8;

/**
 * Flood waits as the worker in front of the rooms sees them: in workerd the worker and the rooms'
 * Durable Objects share an isolate, so the worker can refuse a flooder's next upgrade before it
 * becomes a socket that can send frames (the ones sent before a room's close arrives are read
 * and buffered by workerd all the same). Where they do not share one (Cloudflare may run them
 * apart), this is empty and the room's own wait still holds.
 */
const waitsAtTheDoor = new Map<string, number>();

/** How long (ms) the worker should refuse an upgrade of this user or address to `room`, or 0. */
export function floodWait(room: string, userId: string, address: string | null): number {
  const until = Math.max(
    waitsAtTheDoor.get(`${room}\nuser:${userId}`) ?? 0,
    address === null ? 0 : (waitsAtTheDoor.get(`${room}\naddr:${address}`) ?? 0),
  );
  return Math.max(0, until - Date.now());
}

interface Deadlines {
  late: () => void;
  expired: () => void;
}

/**
 * Who may hold a socket in a room, and for how long: the room's share per user and per address,
 * the wait after a flood, and each socket's deadlines (saying hello, its token's expiry). What it
 * keeps outlives sockets, so that reconnecting buys nothing.
 *
 * Deadlines are data, not timers: a timer in a Durable Object keeps it from hibernating (and dies
 * with it when it is evicted), so the room asks `next()` when to be woken (the object's alarm) and
 * runs `due()` then. A socket's deadlines follow from what survives eviction in its attachment
 * (when it connected, whether it said hello, its token's exp), so a woken room rebuilds them.
 */
export class Door {
  readonly rates: Gate['rates'];
  /** Users (`user:ID`) and addresses (`addr:IP`) closed for flooding, until when they wait. */
  private readonly flooded = new Map<string, number>();
  /** How many floods in a row each of them has had, and when the last one was. */
  private readonly strikes = new Map<string, { count: number; at: number }>();
  private readonly deadlines = new Map<Conn, Deadlines>();
  /** Sockets yet to say hello, in the order they connected (so their hello deadlines are too). */
  private waitingHello: Conn[] = [];
  /** No token of a watched socket expires before this (a lower bound: forgetting leaves it). */
  private firstExpiry = Infinity;

  constructor(
    private readonly config: Config,
    private readonly room: string,
  ) {
    const { rateBurst: burst, rateRefillPerSecond: rate } = config;
    this.rates = {
      users: new SharedBuckets(burst * USER_RATE_FACTOR, rate * USER_RATE_FACTOR),
      addresses: new SharedBuckets(burst * ADDRESS_RATE_FACTOR, rate * ADDRESS_RATE_FACTOR),
    };
  }

  /** Why a new socket of this user from this address may not join `conns`, or null when it may. */
  refusal(
    conns: ReadonlyMap<string, Conn>,
    identity: Identity,
    address: string | null,
  ): { code: number; reason: string } | null {
    const { maxConnections, maxConnectionsPerUser, maxConnectionsPerAddress } = this.config;
    const now = Date.now();
    const until = Math.max(
      this.flooded.get(`user:${identity.id}`) ?? 0,
      address === null ? 0 : (this.flooded.get(`addr:${address}`) ?? 0),
    );
    if (until > now)
      return {
        code: CLOSE_CODES.rate_limited,
        reason: `flooding: wait ${Math.ceil((until - now) / 1000)} s`,
      };
    const full = (reason: string) => ({ code: CLOSE_CODES.too_many_connections, reason });
    if (conns.size >= maxConnections) return full(`room is full (${maxConnections} connections)`);
    let mine = 0;
    let here = 0;
    for (const c of conns.values()) {
      if (c.identity.id === identity.id) mine++;
      if (address !== null && c.address === address) here++;
    }
    if (mine >= maxConnectionsPerUser)
      return full(`you hold ${mine} connections to this room, the most one user may`);
    if (here >= maxConnectionsPerAddress)
      return full(`your address holds ${here} connections to this room, the most one address may`);
    return null;
  }

  /** `conn` was closed for flooding: its user and its address wait before they may connect again. */
  cooldown(conn: Conn): void {
    const now = Date.now();
    for (const waits of [this.flooded, waitsAtTheDoor]) {
      if (waits.size > 10_000) for (const [key, t] of waits) if (t <= now) waits.delete(key);
    }
    if (this.strikes.size > 10_000) {
      for (const [key, s] of this.strikes)
        if (now - s.at > FLOOD_MEMORY_MS) this.strikes.delete(key);
    }
    const keys = [`user:${conn.identity.id}`];
    if (conn.address !== null) keys.push(`addr:${conn.address}`);
    for (const key of keys) {
      const last = this.strikes.get(key);
      const count = last && now - last.at < FLOOD_MEMORY_MS ? last.count + 1 : 1;
      this.strikes.set(key, { count, at: now });
      const until = now + Math.min(FLOOD_COOLDOWN_MAX_MS, FLOOD_COOLDOWN_MS * 2 ** (count - 1));
      this.flooded.set(key, until);
      waitsAtTheDoor.set(`${this.room}\n${key}`, until);
    }
  }

  /** Starts `conn`'s deadlines: `late` if it has not said hello in time, `expired` at its token's exp. */
  watch(conn: Conn, late: () => void, expired: () => void): void {
    this.deadlines.set(conn, { late, expired });
    if (!conn.ready) {
      // Restored sockets may be older than the ones waiting: keep the queue in deadline order.
      let at = this.waitingHello.length;
      while (at > 0 && this.waitingHello[at - 1].connectedAt > conn.connectedAt) at--;
      this.waitingHello.splice(at, 0, conn);
    }
    const { exp } = conn.identity;
    if (exp !== null) this.firstExpiry = Math.min(this.firstExpiry, exp);
  }

  /** `conn` left: its deadlines go with it. */
  forget(conn: Conn): void {
    this.deadlines.delete(conn);
    if (this.deadlines.size === 0) this.shutdown();
  }

  /** When the next deadline falls (ms since epoch), or null when there is none. */
  next(): number | null {
    while (this.waitingHello.length) {
      const first = this.waitingHello[0];
      if (first.ready || !this.deadlines.has(first)) this.waitingHello.shift();
      else break;
    }
    const hello = this.waitingHello.length
      ? this.waitingHello[0].connectedAt + HELLO_TIMEOUT_MS
      : Infinity;
    const at = Math.min(hello, this.firstExpiry);
    return at === Infinity ? null : at;
  }

  /** Runs every deadline that has fallen by `now`. */
  due(now = Date.now()): void {
    const late: Deadlines[] = [];
    while (this.waitingHello.length) {
      const first = this.waitingHello[0];
      const d = this.deadlines.get(first);
      if (first.ready || !d) this.waitingHello.shift();
      else if (first.connectedAt + HELLO_TIMEOUT_MS <= now) {
        this.waitingHello.shift();
        late.push(d);
      } else break;
    }
    const expired: Deadlines[] = [];
    if (this.firstExpiry <= now) {
      this.firstExpiry = Infinity;
      for (const [conn, d] of this.deadlines) {
        const { exp } = conn.identity;
        if (exp === null) continue;
        if (exp <= now) expired.push(d);
        else this.firstExpiry = Math.min(this.firstExpiry, exp);
      }
    }
    // Called after the scan: each closes its socket, which forgets it.
    for (const d of late) d.late();
    for (const d of expired) d.expired();
  }

  shutdown(): void {
    this.deadlines.clear();
    this.waitingHello = [];
    this.firstExpiry = Infinity;
  }
}
