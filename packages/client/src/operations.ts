import type { WritableAtom } from 'nanostores';
import type { ClientFrame, RoomMetrics, ServerFrame, TapEntry } from '@realstream/protocol';
import { makeId } from './ids.js';

export interface TapFilter {
  /** Frame types to keep (prefix match: `event:tool` keeps every tool event). */
  types?: string[];
  /** Only frames to or from this connection. */
  connection?: string;
}

export interface TapBatch {
  entries: TapEntry[];
  /** The server sampled: `dropped` frames of this period were not sent. */
  sampled: boolean;
  dropped: number;
}

/**
 * An operator's live views of the room: `metrics` frames while anyone subscribes, and the event
 * tap. Both are per connection on the server, so they are asked for again on every new one.
 * Only operators' pages use it, so the client imports this module on the first subscribe (a chunk
 * of its own): `$metrics` belongs to the client, made before this module arrives.
 */
export class Operations {
  private metricsSubscribers = 0;
  private readonly tapListeners = new Set<(batch: TapBatch) => void>();
  private tapFilter: TapFilter = {};
  private live = false;

  constructor(
    private readonly wire: (frame: ClientFrame) => boolean,
    private readonly $metrics: WritableAtom<RoomMetrics | null>,
  ) {}

  subscribeMetrics(): () => void {
    if (++this.metricsSubscribers === 1 && this.live) this.sendMetrics(true);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.metricsSubscribers === 0 && this.live) this.sendMetrics(false);
    };
  }

  /** Listens to the tap; the filter applies to every listener of this client (the latest wins). */
  subscribeTap(filter: TapFilter, listener: (batch: TapBatch) => void): () => void {
    this.tapFilter = filter;
    this.tapListeners.add(listener);
    if (this.live) this.sendTap(true);
    return () => {
      if (!this.tapListeners.delete(listener)) return;
      if (!this.tapListeners.size && this.live) this.sendTap(false);
    };
  }

  connected(): void {
    this.live = true;
    if (this.metricsSubscribers > 0) this.sendMetrics(true);
    if (this.tapListeners.size) this.sendTap(true);
  }

  disconnected(): void {
    this.live = false;
  }

  handle(frame: Extract<ServerFrame, { type: 'metrics' | 'tap' }>): void {
    if (frame.type === 'metrics') {
      this.$metrics.set(frame.metrics);
      return;
    }
    const batch = { entries: frame.entries, sampled: frame.sampled, dropped: frame.dropped };
    for (const listener of this.tapListeners) listener(batch);
  }

  private sendMetrics(on: boolean): void {
    this.wire({ type: on ? 'metrics.subscribe' : 'metrics.unsubscribe', id: makeId('m') });
  }

  private sendTap(on: boolean): void {
    this.wire(
      on
        ? { type: 'tap.subscribe', id: makeId('p'), ...this.tapFilter }
        : { type: 'tap.unsubscribe', id: makeId('p') },
    );
  }
}
