import { HEARTBEAT_PONG } from '@realstream/protocol';

/**
 * Longest a room with a streaming reply stays silent on its sockets. Clients call a streaming link
 * "stalled" after 1.5 s of silence (the client's stallTimeoutMs), so this must be well under that.
 */
export const STREAM_KEEPALIVE_MS = 1000;

/**
 * The keep-alive: an unsolicited pong, which every client already reads as "the link works"
 * (RFC 6455 §5.5.3 allows a WebSocket pong as a one-way heartbeat; this is the same idea one
 * layer up). No new frame type, so clients of the same protocol version need nothing new.
 */
export const KEEPALIVE_FRAME = HEARTBEAT_PONG;

/**
 * While a reply streams, a model may say nothing for seconds (thinking, a tool call, a slow first
 * token), and a link that stopped forwarding says nothing either: the client cannot tell them
 * apart unless the room speaks. So while a reply streams and nothing went out to the room's
 * sockets for STREAM_KEEPALIVE_MS, the room sends KEEPALIVE_FRAME to them.
 *
 * One timer, only while something streams (a room that streams is awake anyway; an idle room
 * keeps no timer and can hibernate), set for the end of the current silence, not per delta.
 */
export class StreamKeepAlive {
  private lastSentAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    /** Whether a reply is streaming now. */
    private readonly streaming: () => boolean,
    /** Sends KEEPALIVE_FRAME to every socket that said hello. */
    private readonly send: () => void,
    private readonly everyMs = STREAM_KEEPALIVE_MS,
  ) {}

  /** Frames just went out to every socket (the room delivered events). */
  sent(): void {
    this.lastSentAt = Date.now();
    if (this.timer === null && this.streaming()) this.arm();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    const wait = Math.max(0, this.lastSentAt + this.everyMs - Date.now());
    this.timer = setTimeout(() => this.tick(), wait);
  }

  private tick(): void {
    this.timer = null;
    if (!this.streaming()) return; // the next stream's first delivery arms it again
    // A millisecond of slack: timers fire a little early.
    if (Date.now() - this.lastSentAt >= this.everyMs - 1) {
      this.send();
      this.lastSentAt = Date.now();
    }
    this.arm();
  }
}
