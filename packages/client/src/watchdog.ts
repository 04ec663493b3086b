type Timer = ReturnType<typeof setTimeout>;

export interface WatchdogOptions {
  pingIntervalMs: number;
  pongTimeoutMs: number;
  stallTimeoutMs: number;
  stallProbeMs: number;
}

/** What the link was doing when it was found dead: the badge words them differently. */
export type DeadDuring = 'idle' | 'stream';

export interface WatchdogHooks {
  /** Send a heartbeat ping. */
  ping(): void;
  /** The link is dead: no frame came back in time. */
  dead(during: DeadDuring, reason: string): void;
  /**
   * The link went quiet while a reply streams (`true`: show it, a probe is out), or a frame came
   * after that (`false`: it was only slow).
   */
  quiet(quiet: boolean): void;
  /** Whether a reply is streaming right now (frames are then expected continuously). */
  streaming(): boolean;
  now?(): number;
}

/** How often a streaming link's silence is looked at: a stall shows at most this late. */
const STREAM_CHECK_MS = 250;

/**
 * Notices a link that died without a close (a sleeping laptop, a NAT that forgot us, a proxy that
 * stopped forwarding): TCP can take minutes to tell. Any inbound frame proves the link alive.
 *
 * - Idle: a ping goes out once the link has been silent for pingIntervalMs; no frame within
 *   pongTimeoutMs means dead. A link that dies right after a frame is so found dead after
 *   pingIntervalMs + pongTimeoutMs, under two intervals as long as the timeout is under one.
 * - Streaming: the server sends a frame at least every second while a reply streams (deltas, or
 *   a keep-alive pong while the model is silent), so silence for stallTimeoutMs means the link is
 *   suspect: `quiet(true)` at once, so the badge can say so, and a probe ping. No frame within
 *   stallProbeMs more means dead; any frame means it was only slow (`quiet(false)`).
 *
 * One timer, rescheduled only when the mode changes: idle tabs wake once per interval, not four
 * times a second.
 */
export class Watchdog {
  private lastFrameAt = 0;
  private checkTimer: Timer | null = null;
  /** The mode the check timer was scheduled for. */
  private fast = false;
  private probeTimer: Timer | null = null;
  private isQuiet = false;
  private started = false;
  private readonly now: () => number;

  constructor(
    private readonly options: WatchdogOptions,
    private readonly hooks: WatchdogHooks,
  ) {
    this.now = hooks.now ?? Date.now;
  }

  get running(): boolean {
    return this.started;
  }

  /** A probe is out and unanswered: the link is not proven right now. */
  get probing(): boolean {
    return this.probeTimer !== null;
  }

  start(): void {
    this.stop();
    this.started = true;
    this.lastFrameAt = this.now();
    this.schedule();
  }

  stop(): void {
    this.started = false;
    if (this.checkTimer !== null) clearTimeout(this.checkTimer);
    if (this.probeTimer !== null) clearTimeout(this.probeTimer);
    this.checkTimer = this.probeTimer = null;
    this.isQuiet = false;
  }

  /** Call after every inbound frame, valid or not: bytes arrived, so the link works. */
  frame(): void {
    this.lastFrameAt = this.now();
    if (this.probeTimer !== null) {
      clearTimeout(this.probeTimer);
      this.probeTimer = null;
    }
    if (this.isQuiet) {
      this.isQuiet = false;
      this.hooks.quiet(false);
    }
    // A frame may start or end a stream: the check cadence follows.
    if (this.started && this.hooks.streaming() !== this.fast) this.schedule();
  }

  /** Probes now (the page came back to the foreground, say): dead if nothing answers in time. */
  probeNow(): void {
    if (!this.started) return;
    this.probe(this.options.pongTimeoutMs, 'idle', 'no pong after a probe');
  }

  private schedule(): void {
    if (this.checkTimer !== null) clearTimeout(this.checkTimer);
    this.fast = this.hooks.streaming();
    const { pingIntervalMs, stallTimeoutMs } = this.options;
    let delay = Math.min(STREAM_CHECK_MS, stallTimeoutMs / 2);
    if (!this.fast) {
      delay = this.lastFrameAt + pingIntervalMs - this.now();
      // Ping due now; or a ping is out already, and its own timer decides: just look again later.
      if (delay <= 0) delay = this.probeTimer !== null ? pingIntervalMs : 0;
    }
    this.checkTimer = setTimeout(() => this.check(), delay);
  }

  private check(): void {
    this.checkTimer = null;
    if (!this.started) return;
    const silent = this.now() - this.lastFrameAt;
    if (this.probeTimer === null) {
      if (this.hooks.streaming()) {
        if (silent >= this.options.stallTimeoutMs) {
          this.isQuiet = true;
          this.hooks.quiet(true);
          this.probe(
            this.options.stallProbeMs,
            'stream',
            `stream stalled (${silent} ms without a frame)`,
          );
        }
      } else if (silent >= this.options.pingIntervalMs) {
        this.probe(
          this.options.pongTimeoutMs,
          'idle',
          `no pong within ${this.options.pongTimeoutMs} ms`,
        );
      }
    }
    // probe() may have declared nothing yet; dead() stops the dog, so only reschedule a live one.
    if (this.started) this.schedule();
  }

  private probe(timeoutMs: number, during: DeadDuring, reason: string): void {
    if (this.probeTimer !== null) return;
    this.hooks.ping();
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      this.stop();
      this.hooks.dead(during, reason);
    }, timeoutMs);
  }
}
