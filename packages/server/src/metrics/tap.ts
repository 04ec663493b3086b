import type { ServerFrame, TapEntry } from '@realstream/protocol';

/** How often tapped frames go out, and at most how many per second in all. */
const FLUSH_MS = 250;
const MAX_PER_SECOND = 200;
const PER_FLUSH = (MAX_PER_SECOND * FLUSH_MS) / 1000;
/** Frame text kept per entry. */
const FRAME_CHARS = 2000;

export interface TapFilter {
  types?: string[];
  connection?: string;
}

interface Listener {
  filter: TapFilter;
  send(frame: ServerFrame): void;
  queue: TapEntry[];
  /** Entries seen since the last flush that matched, kept or not. */
  seen: number;
}

/**
 * The event tap: the room's frames in and out, filtered per operator on the server, sent in
 * batches four times a second. Over 200 frames a second it samples evenly and says how many it
 * dropped, so a busy room never floods the operator watching it. Costs nothing without listeners.
 */
export class Tap {
  private readonly listeners = new Map<string, Listener>();
  private timer: ReturnType<typeof setInterval> | null = null;

  get active(): boolean {
    return this.listeners.size > 0;
  }

  add(id: string, filter: TapFilter, send: (frame: ServerFrame) => void): void {
    this.listeners.set(id, { filter, send, queue: [], seen: 0 });
    this.timer ??= setInterval(() => this.flush(), FLUSH_MS);
  }

  remove(id: string): void {
    this.listeners.delete(id);
    if (!this.listeners.size && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  record(entry: Omit<TapEntry, 'frame'>, frame: string): void {
    for (const l of this.listeners.values()) {
      if (!matches(l.filter, entry)) continue;
      l.seen++;
      // Reservoir-style even sampling: keep the first PER_FLUSH, then replace at random.
      const full: TapEntry = { ...entry, frame: frame.slice(0, FRAME_CHARS) };
      if (l.queue.length < PER_FLUSH) l.queue.push(full);
      else {
        const j = Math.floor(Math.random() * l.seen);
        if (j < PER_FLUSH) l.queue[j] = full;
      }
    }
  }

  private flush(): void {
    for (const l of this.listeners.values()) {
      if (!l.seen) continue;
      const entries = l.queue.sort((a, b) => a.at - b.at);
      const dropped = l.seen - entries.length;
      l.queue = [];
      l.seen = 0;
      l.send({ type: 'tap', entries, sampled: dropped > 0, dropped });
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.listeners.clear();
  }
}

function matches(filter: TapFilter, entry: Omit<TapEntry, 'frame'>): boolean {
  if (filter.connection && entry.connection !== filter.connection && entry.connection !== '*')
    return false;
  if (filter.types?.length && !filter.types.some((t) => entry.type.startsWith(t))) return false;
  return true;
}
