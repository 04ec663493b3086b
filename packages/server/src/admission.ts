import {
  CLOSE_CODES,
  clientFrameId,
  TOKEN_PROBLEMS,
  parseClientFrame,
  roleAtLeast,
  type ClientFrame,
  type Role,
  type ServerFrame,
} from '@realstream/protocol';
import type { Identity } from './auth.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { Operations } from './metrics/operations.js';
import type { SharedBuckets, TokenBucket } from './rate-limit.js';

/** A WebSocket as the room sees it; the adapter supplies it. */
export interface Socket {
  readonly id: string;
  send(data: string): void;
  close(code: number, reason: string): void;
  /** Keeps `saved` with the socket across hibernation (its attachment), when the engine can. */
  remember?(saved: SavedConn): void;
}

/** What a connection needs to be restored after its room was evicted (see Room.restore). */
export interface SavedConn {
  v: 1;
  identity: Identity;
  address: string | null;
  connectedAt: number;
  ready: boolean;
  /** Client tools this connection implements. */
  tools: string[];
}

/** A connection as the room keeps it. */
export interface Conn {
  socket: Socket;
  identity: Identity;
  /** The client's address as the edge saw it, when it says (Cloudflare's CF-Connecting-IP). */
  address: string | null;
  bucket: TokenBucket;
  /**
   * Frames refused for rate (by the socket's, the user's or the address's bucket) in the current
   * window, and when it opened.
   */
  refused: { count: number; since: number };
  /** Said hello: receives events. */
  ready: boolean;
  lastTypingAt: number;
  connectedAt: number;
}

/** Minimum role for each client frame. */
const NEEDS: Record<ClientFrame['type'], Role> = {
  hello: 'viewer',
  ping: 'viewer',
  'message.send': 'member',
  'message.stop': 'member',
  'message.retry': 'member',
  'room.clear': 'operator',
  'room.configure': 'operator',
  watch: 'viewer',
  typing: 'member',
  // Each tool has its own minimum role, checked when a call starts.
  'tool.invoke': 'viewer',
  'tool.cancel': 'member',
  'tool.toggle': 'operator',
  'tool.register': 'member',
  'tool.unregister': 'member',
  'tool.decide': 'operator',
  'tool.progress': 'member',
  'tool.result': 'member',
  'metrics.subscribe': 'operator',
  'metrics.unsubscribe': 'operator',
  'tap.subscribe': 'operator',
  'tap.unsubscribe': 'operator',
  'mcp.add': 'operator',
  'mcp.remove': 'operator',
  'mcp.reconnect': 'operator',
  'mcp.approve': 'operator',
};

/**
 * A flooding connection is closed once this many of its frames were refused for rate within the
 * window. Not "in a row": when the room is slow to read a flood (large frames), the buckets refill
 * between two of its frames and a flooder would never see 50 refusals in a row. A client that
 * waits as told (`retryAfterMs`) is refused a handful of times at most.
 */
const FLOOD_CLOSE_AFTER = 50;
const FLOOD_WINDOW_MS = 10_000;

export interface Gate {
  config: Config;
  logger: Logger;
  ops: Operations;
  /** Frame allowances that outlive a socket: per user, per address. */
  rates: { users: SharedBuckets; addresses: SharedBuckets };
  /** Answers `conn` (an error here). */
  reply(conn: Conn, frame: ServerFrame): void;
  /** Takes `conn` out of the room at once, then closes its socket. */
  close(conn: Conn, code: number, reason: string): void;
  /** `conn` was closed for flooding: its user and address wait before they may connect again. */
  cooldown(conn: Conn): void;
}

/**
 * How long the socket, the user and the address must wait before their next frame (0: now). Each
 * bucket is charged only when the ones before it let the frame through, so a refused frame costs
 * the user nothing, and a user's many sockets share the user's allowance.
 */
function rateWait(gate: Gate, conn: Conn, now: number): number {
  const socket = conn.bucket.take(now);
  if (socket > 0) return socket;
  const user = gate.rates.users.take(conn.identity.id, now);
  if (user > 0) return user;
  return conn.address === null ? 0 : gate.rates.addresses.take(conn.address, now);
}

/**
 * The checks every frame passes before the room acts on it: rate, form, size, schema, token
 * expiry, role, hello first. A frame that fails one is answered with a typed error (or the
 * socket closed) and null is returned.
 */
export function admit(
  gate: Gate,
  conn: Conn,
  raw: string | ArrayBuffer | ArrayBufferView,
): ClientFrame | null {
  const { config, ops } = gate;
  const socketId = conn.socket.id;
  const now = Date.now();
  const wait = rateWait(gate, conn, now);
  if (wait > 0) {
    ops.count('rateLimited');
    if (now - conn.refused.since > FLOOD_WINDOW_MS) conn.refused = { count: 0, since: now };
    if (++conn.refused.count >= FLOOD_CLOSE_AFTER) {
      gate.logger.warnRepeated('flood', 'closing flooding connection', {
        conn: socketId,
        user: conn.identity.id,
      });
      gate.close(conn, CLOSE_CODES.rate_limited, 'too many frames');
      gate.cooldown(conn);
      return null;
    }
    gate.reply(conn, {
      type: 'error',
      // Without the command's id the client could not resend it when told, only at a reconnect.
      id:
        typeof raw === 'string' && raw.length <= config.maxFrameBytes
          ? clientFrameId(raw)
          : undefined,
      code: 'rate_limited',
      message: 'slow down',
      retryAfterMs: wait,
    });
    return null;
  }
  if (typeof raw !== 'string') {
    ops.count('badFrames');
    gate.reply(conn, {
      type: 'error',
      code: 'bad_json',
      message: 'frames are JSON text, not binary',
    });
    return null;
  }
  if (
    raw.length > config.maxFrameBytes ||
    (raw.length * 3 > config.maxFrameBytes &&
      new TextEncoder().encode(raw).length > config.maxFrameBytes)
  ) {
    ops.count('badFrames');
    gate.reply(conn, {
      type: 'error',
      code: 'too_large',
      message: `frame larger than ${config.maxFrameBytes} bytes`,
    });
    return null;
  }
  const parsed = parseClientFrame(raw);
  ops.frameIn(socketId, raw, parsed.ok ? parsed.value.type : 'invalid');
  if (!parsed.ok) {
    ops.count('badFrames');
    gate.reply(conn, { type: 'error', id: parsed.id, code: parsed.code, message: parsed.message });
    return null;
  }
  const frame = parsed.value;
  const id = 'id' in frame ? frame.id : undefined;
  if (conn.identity.exp !== null && conn.identity.exp < now) {
    gate.reply(conn, { type: 'error', id, code: 'unauthorised', message: TOKEN_PROBLEMS.expired });
    gate.close(conn, CLOSE_CODES.unauthorised, TOKEN_PROBLEMS.expired);
    return null;
  }
  if (!roleAtLeast(conn.identity.role, NEEDS[frame.type])) {
    gate.reply(conn, {
      type: 'error',
      id,
      code: 'forbidden',
      message: `${frame.type} needs the ${NEEDS[frame.type]} role`,
    });
    return null;
  }
  if (frame.type !== 'hello' && !conn.ready) {
    gate.reply(conn, { type: 'error', id, code: 'hello_required', message: 'send hello first' });
    return null;
  }
  return frame;
}
