/** A token bucket: `burst` tokens, refilled at `perSecond`. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  /** Rejections since the last accepted frame; a connection that keeps flooding is closed. */
  rejectedInARow = 0;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token; returns 0 when allowed, otherwise the milliseconds until one is available. */
  take(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.rejectedInARow = 0;
      return 0;
    }
    this.rejectedInARow++;
    return Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }
}
