import type { EventFrame, RoomEvent } from '@realstream/protocol';
import { EventRing } from './ring.js';
import type { RoomStorage } from './storage.js';
import type { Logger } from './log.js';

/**
 * Seqs are reserved in blocks that are persisted before use, so a restart can never hand out a seq a
 * client has already seen (deltas are not stored one by one). After a restart the log continues past
 * the reserved block; clients whose `since` falls in the skipped range get a snapshot.
 */
export const SEQ_BLOCK = 4096;
const META_KEY = 'meta';
/** The seq a quiet log settled at (see settle); absent while the log is in use. */
const SETTLED_KEY = 'meta:settled';

interface Meta {
  reserved: number;
}

interface Pending {
  frame: EventFrame;
  persisted: boolean;
  resolveSent: () => void;
}

export interface Appended {
  frame: EventFrame;
  /** Resolves once the frame has been handed to every subscriber (after its writes are stored). */
  sent: Promise<void>;
}

/**
 * The room's ordered event log: assigns seqs, stores durable writes before the event leaves, keeps
 * the replay ring, and hands frames to `deliver` strictly in seq order.
 */
export class EventLog {
  private reserved: number;
  private queue: Pending[] = [];
  private idleWaiters: (() => void)[] = [];
  /** While corked, appended events wait, so that several go out in one batch frame. */
  private corked = 0;
  readonly ring: EventRing;
  /** Storage writes issued by the log (the metrics issue reads this). */
  storageWrites = 0;
  /** Storage holds SETTLED_KEY: the next append must remove it before its event leaves. */
  private settled = false;

  private constructor(
    private readonly storage: RoomStorage,
    private readonly log: Logger,
    private readonly deliver: (frames: EventFrame[]) => void,
    /** Last seq assigned. */
    public seq: number,
    reserved: number,
    ringSize: number,
    ringBytes: number,
  ) {
    this.reserved = reserved;
    this.ring = new EventRing(ringSize, seq + 1, ringBytes);
  }

  static async open(
    storage: RoomStorage,
    log: Logger,
    deliver: (frames: EventFrame[]) => void,
    ringSize: number,
    /** The most the replay ring holds (see EventRing); unbounded when omitted. */
    ringBytes = Infinity,
  ): Promise<EventLog> {
    const meta = await storage.get<Meta>(META_KEY);
    const settled = await storage.get<number>(SETTLED_KEY);
    if (meta && typeof settled === 'number' && settled <= meta.reserved) {
      // Woken after a quiet eviction: no seq past `settled` was handed out, so carry on from it.
      const woken = new EventLog(
        storage,
        log,
        deliver,
        settled,
        meta.reserved,
        ringSize,
        ringBytes,
      );
      woken.settled = true;
      return woken;
    }
    const start = meta?.reserved ?? 0;
    const reserved = start + SEQ_BLOCK;
    await storage.put({ [META_KEY]: { reserved } satisfies Meta });
    return new EventLog(storage, log, deliver, start, reserved, ringSize, ringBytes);
  }

  /**
   * Records in storage that the log is settled at its current seq, when it is idle. A room evicted
   * while quiet (hibernation) and woken again then continues with the next seq rather than the
   * next block, so the clients still connected across the eviction see no gap, and do not
   * reconnect. The next append removes the record in the same write as its own entries (and
   * before its event leaves), so storage never says settled while a later seq is in use.
   */
  settle(): Promise<void> | null {
    if (!this.idle || this.settled) return null;
    this.settled = true;
    this.storageWrites++;
    return this.storage.put({ [SETTLED_KEY]: this.seq });
  }

  /** Nothing is waiting to be stored or sent. */
  get idle(): boolean {
    return this.queue.length === 0;
  }

  /** Resolves when every appended event has been sent. */
  drained(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Appends one event. `build` gets the seq and returns the event plus the storage entries that must
   * be durable before anyone sees it (none for deltas and presence); a null entry deletes its key.
   */
  append(
    build: (seq: number) => { event: RoomEvent; writes?: Record<string, unknown> },
    at = Date.now(),
  ): Appended {
    const seq = ++this.seq;
    const { event, writes } = build(seq);
    let entries = writes;
    if (this.settled) {
      this.settled = false;
      entries = { ...entries, [SETTLED_KEY]: null };
    }
    if (seq > this.reserved) {
      this.reserved += SEQ_BLOCK;
      entries = { ...entries, [META_KEY]: { reserved: this.reserved } satisfies Meta };
    }
    const frame: EventFrame = { type: 'event', seq, at, event };
    let resolveSent!: () => void;
    const sent = new Promise<void>((r) => (resolveSent = r));
    const pending: Pending = { frame, persisted: entries === undefined, resolveSent };
    this.queue.push(pending);
    if (entries === undefined) {
      if (this.queue.length === 1 && !this.corked) this.pump();
    } else {
      this.storageWrites++;
      this.write(entries).then(
        () => this.markPersisted(pending),
        (err: unknown) => {
          // Storage failing means the object is about to be reset by the platform; keep the order and
          // say so loudly rather than hold every later event back.
          this.log.error('storage write failed', { seq, error: String(err) });
          this.markPersisted(pending);
        },
      );
    }
    return { frame, sent };
  }

  /** Stores `entries`; a null value deletes its key. */
  private write(entries: Record<string, unknown>): Promise<unknown> {
    const gone = Object.keys(entries).filter((k) => entries[k] === null);
    if (!gone.length) return this.storage.put(entries);
    const kept = Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== null));
    return Promise.all([this.storage.put(kept), this.storage.delete(gone)]);
  }

  /** Holds back delivery until the matching uncork(): what is appended meanwhile leaves together. */
  cork(): void {
    this.corked++;
  }

  uncork(): void {
    if (--this.corked === 0) this.pump();
  }

  private markPersisted(pending: Pending): void {
    pending.persisted = true;
    if (this.queue[0] === pending && !this.corked) this.pump();
  }

  private pump(): void {
    let n = 0;
    while (n < this.queue.length && this.queue[n].persisted) n++;
    if (n === 0) return;
    const ready = this.queue.splice(0, n);
    const frames = ready.map((p) => p.frame);
    for (const frame of frames) this.ring.push(frame);
    this.deliver(frames);
    for (const p of ready) p.resolveSent();
    if (this.queue.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
