import type { EventFrame } from '@realstream/protocol';

/**
 * The last `capacity` event frames, for replay on resume. Frames are pushed in seq order; seqs are
 * consecutive within one server lifetime (a restart starts a new ring after a reserved gap).
 */
export class EventRing {
  private readonly items: (EventFrame | undefined)[];
  private start = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    /** The first seq this ring could hold: events before it are not in memory. */
    private firstSeq: number,
  ) {
    this.items = new Array(capacity);
  }

  push(frame: EventFrame): void {
    const idx = (this.start + this.count) % this.capacity;
    this.items[idx] = frame;
    if (this.count < this.capacity) this.count++;
    else {
      this.start = (this.start + 1) % this.capacity;
      this.firstSeq = this.items[this.start]!.seq;
    }
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
