import type { EventFrame } from '@realstream/protocol';

/**
 * The last `capacity` event frames, and no more than about `maxBytes` of them, for replay on
 * resume: a count alone let 10,000 deltas of 8,192 characters outgrow an isolate's memory. Frames
 * are pushed in seq order; seqs are consecutive within one server lifetime (a restart starts a new
 * ring after a reserved gap).
 */
export class EventRing {
  private readonly items: (EventFrame | undefined)[];
  private readonly sizes: number[];
  private start = 0;
  private count = 0;
  private bytes = 0;

  constructor(
    readonly capacity: number,
    /** The first seq this ring could hold: events before it are not in memory. */
    private firstSeq: number,
    readonly maxBytes = Infinity,
  ) {
    this.items = new Array(capacity);
    this.sizes = new Array<number>(capacity).fill(0);
  }

  push(frame: EventFrame): void {
    if (this.count === this.capacity) this.dropOldest();
    const idx = (this.start + this.count) % this.capacity;
    const size = approxBytes(frame);
    this.items[idx] = frame;
    this.sizes[idx] = size;
    this.count++;
    this.bytes += size;
    // The newest frame always stays, however large: a client one event behind still replays.
    while (this.bytes > this.maxBytes && this.count > 1) this.dropOldest();
  }

  /** Bytes the ring holds, by the estimate of approxBytes. */
  get heldBytes(): number {
    return this.bytes;
  }

  private dropOldest(): void {
    this.bytes -= this.sizes[this.start]!;
    this.items[this.start] = undefined;
    this.start = (this.start + 1) % this.capacity;
    this.count--;
    this.firstSeq = this.count ? this.items[this.start]!.seq : this.firstSeq + 1;
  }

  /**
   * The frames after `since`, or null when some of them are no longer in memory (the caller then
   * sends a snapshot).
   */
  since(since: number): EventFrame[] | null {
    if (since + 1 < this.firstSeq) return null;
    const out: EventFrame[] = [];
    for (let i = 0; i < this.count; i++) {
      const frame = this.items[(this.start + i) % this.capacity]!;
      if (frame.seq > since) out.push(frame);
    }
    return out;
  }
}

/**
 * About what a frame weighs in memory: two bytes per character of its strings plus a little per
 * value, walked without recursion. Exact bytes would need a JSON.stringify per event, on the hot
 * path; the bound only has to be in the right place.
 */
export function approxBytes(frame: EventFrame): number {
  let n = 0;
  const stack: unknown[] = [frame];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') n += 2 * v.length + 16;
    else if (typeof v === 'object' && v !== null) {
      n += 32;
      for (const [k, child] of Object.entries(v)) {
        n += 2 * k.length;
        stack.push(child);
      }
    } else n += 8;
  }
  return n;
}
