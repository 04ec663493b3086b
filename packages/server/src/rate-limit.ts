/** A token bucket: `burst` tokens, refilled at `perSecond`. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Has refilled completely by `now`: no different from a new bucket. */
  fullAt(now: number): boolean {
    return this.tokens + ((now - this.last) / 1000) * this.perSecond >= this.burst;
  }

  /** Takes one token; returns 0 when allowed, otherwise the milliseconds until one is available. */
  take(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }
}

/**
 * Token buckets kept by key (a user, an address) for as long as they matter, so that what a socket
 * spends stays spent when it reconnects: a flooder that reconnects gets a fresh socket, not a
 * fresh allowance. A bucket that has refilled is the same as a new one, so pruning forgets it.
 */
export class SharedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {}

  /** Takes one token from `key`'s bucket; 0 when allowed, else the milliseconds to wait. */
  take(key: string, now: number): number {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= PRUNE_AT) this.prune(now);
      bucket = new TokenBucket(this.burst, this.perSecond, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Forgets every bucket that is full again: keeps the map as small as the keys still spending. */
  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.fullAt(now)) this.buckets.delete(key);
  }
}

/** Buckets kept before the full ones are pruned (each is a few dozen bytes). */
const PRUNE_AT = 10_000;
