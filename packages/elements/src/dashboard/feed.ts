import type { RealstreamClient, TapBatch, TapEntry, TapFilter } from '@realstream/client';
import { Ring, toNdjson } from './model.js';

/** A tapped frame with a number of its own: a stable key for rendering and focus. */
export interface FeedItem {
  n: number;
  entry: TapEntry;
}

/**
 * The event feed's memory: a ring of the latest `capacity` frames (the oldest forgotten), and while
 * paused a second ring of those that arrived meanwhile, counted and shown on resume. Both bounded,
 * so an operator who leaves the feed paused for a day still holds at most 2 x capacity entries.
 */
export class TapFeed {
  ring: Ring<FeedItem>;
  private pending: Ring<TapEntry>;
  paused = false;
  /** Frames that arrived while paused (counted even past what `pending` keeps). */
  missed = 0;
  /** The server sampled at least once since the feed started, dropping `dropped` frames in all. */
  sampled = false;
  dropped = 0;
  private next = 0;

  constructor(readonly capacity = 5000) {
    this.ring = new Ring(capacity);
    this.pending = new Ring(capacity);
  }

  get size(): number {
    return this.ring.size;
  }

  /** Takes a batch; returns how many rows were added to what is shown (0 while paused). */
  add(batch: TapBatch): number {
    if (batch.sampled || batch.dropped > 0) {
      this.sampled = true;
      this.dropped += batch.dropped;
    }
    if (this.paused) {
      this.missed += batch.entries.length;
      for (const e of batch.entries) this.pending.push(e);
      return 0;
    }
    for (const entry of batch.entries) this.ring.push({ n: ++this.next, entry });
    return batch.entries.length;
  }

  pause(): void {
    this.paused = true;
  }

  /** Shows what arrived while paused, oldest first; returns how many rows that added. */
  resume(): number {
    this.paused = false;
    const held = this.pending.toArray();
    this.pending.clear();
    this.missed = 0;
    for (const entry of held) this.ring.push({ n: ++this.next, entry });
    return held.length;
  }

  clear(): void {
    this.ring.clear();
    this.pending.clear();
    this.missed = 0;
    this.sampled = false;
    this.dropped = 0;
  }

  /** The `i`th row on screen: newest first. */
  row(i: number): FeedItem | undefined {
    return this.ring.at(this.ring.size - 1 - i);
  }

  /** Every kept entry as NDJSON, oldest first. */
  ndjson(): string {
    return toNdjson(this.ring.toArray().map((item) => item.entry));
  }
}

/** The filter as the tap takes it: only the keys that filter something. */
export function tapFilter(types: string[] | undefined, connection: string): TapFilter {
  const filter: TapFilter = {};
  if (types?.length) filter.types = types;
  if (connection) filter.connection = connection;
  return filter;
}

/**
 * One tap subscription at a time: re-subscribes when the client or the filter changes, and
 * unsubscribes when it is no longer wanted (feed hidden, link down, not an operator).
 */
export class TapSubscription {
  private off: (() => void) | undefined;
  private client: RealstreamClient | undefined;
  private key = '';

  constructor(private readonly listener: (batch: TapBatch) => void) {}

  get active(): boolean {
    return !!this.off;
  }

  update(client: RealstreamClient | undefined, filter: TapFilter, want: boolean): void {
    const key = want && client ? JSON.stringify(filter) : '';
    if (key === this.key && client === this.client) return;
    this.stop();
    if (!key || !client) return;
    this.client = client;
    this.key = key;
    this.off = client.subscribeTap(filter, this.listener);
  }

  stop(): void {
    this.off?.();
    this.off = undefined;
    this.client = undefined;
    this.key = '';
  }
}
