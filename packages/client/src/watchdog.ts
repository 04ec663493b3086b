type Timer = ReturnType<typeof setTimeout>;

export interface WatchdogOptions {
  pingIntervalMs: number;
  pongTimeoutMs: number;
  stallTimeoutMs: number;
  stallProbeMs: number;
}

export interface WatchdogHooks {
  /** Send a ping carrying `t`. */
  ping(t: number): void;
  /** The link is dead: no frame came back in time. */
  dead(reason: string): void;
  /** Whether a reply is streaming right now (frames are then expected continuously). */
  streaming(): boolean;
  now?(): number;
}

/**
 * Notices a link that died without a close (a sleeping laptop, a NAT that forgot us, a proxy that
 * stopped forwarding): TCP can take minutes to tell. Any inbound frame proves the link alive.
 *
 * - Every pingIntervalMs a ping goes out; no frame within pongTimeoutMs means dead.
 * - While a reply streams, silence for stallTimeoutMs is suspicious, but a model may also just be
 *   thinking, so it sends a probe ping first and declares the link dead only if that gets no frame
 *   within stallProbeMs. A live link costs one ping; a dead one is found in stall + probe.
 */
export class Watchdog {
  private lastFrameAt = 0;
  private pingTimer: Timer | null = null;
  private stallTimer: Timer | null = null;
  private probeTimer: Timer | null = null;
  private readonly now: () => number;

  constructor(
    private readonly options: WatchdogOptions,
    private readonly hooks: WatchdogHooks,
  ) {
    this.now = hooks.now ?? Date.now;
  }

  get running(): boolean {
    return this.pingTimer !== null;
  }

  start(): void {
    this.stop();
    this.lastFrameAt = this.now();
    this.pingTimer = setInterval(
      () => this.probe(this.options.pongTimeoutMs, 'no pong'),
      this.options.pingIntervalMs,
    );
    const every = Math.max(50, Math.min(1000, this.options.stallTimeoutMs / 4));
    this.stallTimer = setInterval(() => this.checkStall(), every);
  }

  stop(): void {
    for (const t of [this.pingTimer, this.stallTimer]) if (t !== null) clearInterval(t);
    if (this.probeTimer !== null) clearTimeout(this.probeTimer);
    this.pingTimer = this.stallTimer = this.probeTimer = null;
  }

  /** Call on every inbound frame, valid or not: bytes arrived, so the link works. */
  frame(): void {
    this.lastFrameAt = this.now();
    if (this.probeTimer !== null) {
      clearTimeout(this.probeTimer);
      this.probeTimer = null;
    }
  }

  private checkStall(): void {
    if (this.probeTimer !== null || !this.hooks.streaming()) return;
    const silent = this.now() - this.lastFrameAt;
    if (silent >= this.options.stallTimeoutMs) {
      this.probe(this.options.stallProbeMs, `stream stalled (${silent} ms without a frame)`);
    }
  }

  private probe(timeoutMs: number, reason: string): void {
    if (this.probeTimer !== null) return;
    this.hooks.ping(this.now());
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      this.stop();
      this.hooks.dead(reason);
    }, timeoutMs);
  }
}
