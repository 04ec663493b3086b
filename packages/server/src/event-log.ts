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

/** A write the room's storage refused: what depended on it was never delivered. */
export class StorageFailure extends Error {
  readonly code = 'storage_failed';
  constructor(cause: unknown) {
    super(`a storage write failed: ${String(cause)}`, { cause });
  }
}

interface Pending {
  frame: EventFrame;
  /** What must be durable before the frame leaves; undefined when nothing (presence, a no-op). */
  entries: Record<string, unknown> | undefined;
  /** 'stored' once `entries` are durable (at once when there are none). */
  state: 'waiting' | 'writing' | 'stored';
  resolveSent: () => void;
}

export interface Appended {
  frame: EventFrame;
  /**
   * Resolves once the frame has been handed to every subscriber (after its writes are stored).
   * Never settles when the log broke first (the frame was never delivered): what waits on it goes
   * with the broken room, and whoever must answer someone races it against `broken`.
   */
  sent: Promise<void>;
}

/**
 * The room's ordered event log: assigns seqs, stores durable writes before the event leaves, keeps
 * the replay ring, and hands frames to `deliver` strictly in seq order.
 *
 * Writes are group-committed: one storage write is in flight at a time, and what is appended
 * meanwhile goes in the next one, merged key by key. So a streamed reply costs one write per
 * storage round trip, however many deltas it sends, and writes are durable in seq order: a write
 * that fails has no later write stored after it. A failed write breaks the log, as it resets a
 * Durable Object on Cloudflare: nothing appended from then on is delivered, and `broken` tells the
 * room, which closes its sockets and is opened again from storage.
 */
export class EventLog {
  private reserved: number;
  private queue: Pending[] = [];
  private writing = false;
  private idleWaiters: (() => void)[] = [];
  /** While corked, appended events wait, so that several go out in one batch frame. */
  private corked = 0;
  readonly ring: EventRing;
  /** Storage writes issued by the log (the metrics read this). */
  storageWrites = 0;
  /** JSON characters of the values those writes stored (the bench's write cost). */
  bytesWritten = 0;
  /** Set by the first failed write: the log delivers nothing more. */
  failure: StorageFailure | null = null;
  /** Resolves with the failure when a write fails. */
  readonly broken: Promise<StorageFailure>;
  private resolveBroken!: (failure: StorageFailure) => void;
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
    /** Told once, with the frames that were never delivered, when a write fails. */
    private readonly onBroken: (failure: StorageFailure, lost: EventFrame[]) => void,
  ) {
    this.broken = new Promise((resolve) => (this.resolveBroken = resolve));
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
    broken: (failure: StorageFailure, lost: EventFrame[]) => void = () => {},
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
        broken,
      );
      woken.settled = true;
      return woken;
    }
    const start = meta?.reserved ?? 0;
    const reserved = start + SEQ_BLOCK;
    await storage.put({ [META_KEY]: { reserved } satisfies Meta });
    return new EventLog(storage, log, deliver, start, reserved, ringSize, ringBytes, broken);
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

  /** Resolves when every appended event has been sent (or the log broke). */
  drained(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Appends one event. `build` gets the seq and returns the event plus the storage entries that must
   * be durable before anyone sees it (none for presence); a null entry deletes its key.
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
    const sent = new Promise<void>((resolve) => (resolveSent = resolve));
    if (this.failure) return { frame, sent };
    const state = entries === undefined ? 'stored' : 'waiting';
    const pending: Pending = { frame, entries, state, resolveSent };
    this.queue.push(pending);
    if (entries === undefined) {
      if (this.queue.length === 1 && !this.corked) this.pump();
    } else if (!this.writing && !this.corked) this.commit();
    return { frame, sent };
  }

  /** Stores every waiting pending's entries in one write; on success delivers and goes on. */
  private commit(): void {
    const batch = this.queue.filter((p) => p.state === 'waiting');
    if (!batch.length) return;
    const merged: Record<string, unknown> = {};
    for (const p of batch) {
      p.state = 'writing';
      Object.assign(merged, p.entries);
    }
    this.writing = true;
    this.storageWrites++;
    this.bytesWritten += jsonChars(merged);
    this.write(merged).then(
      () => {
        this.writing = false;
        if (this.failure) return;
        for (const p of batch) p.state = 'stored';
        if (this.corked) return; // uncork() delivers and stores what waits
        this.pump();
        this.commit();
      },
      (err: unknown) => {
        this.writing = false;
        this.fail(err, batch[0].frame.seq);
      },
    );
  }

  private fail(err: unknown, seq: number): void {
    if (this.failure) return;
    this.failure = err instanceof StorageFailure ? err : new StorageFailure(err);
    this.log.error('storage write failed: the room restarts from storage', {
      seq,
      error: String(err),
    });
    const lost = this.queue;
    this.queue = [];
    this.wakeIdleWaiters();
    this.resolveBroken(this.failure);
    this.onBroken(
      this.failure,
      lost.map((p) => p.frame),
    );
  }

  /** Stores `entries`; a null value deletes its key. */
  private write(entries: Record<string, unknown>): Promise<unknown> {
    const gone = Object.keys(entries).filter((k) => entries[k] === null);
    if (!gone.length) return this.storage.put(entries);
    const kept = Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== null));
    const writes: Promise<unknown>[] = [this.storage.delete(gone)];
    if (Object.keys(kept).length) writes.push(this.storage.put(kept));
    return Promise.all(writes);
  }

  /**
   * Holds back delivery, and writes, until the matching uncork(): what is appended meanwhile is
   * stored together and leaves together.
   */
  cork(): void {
    this.corked++;
  }

  uncork(): void {
    if (--this.corked > 0) return;
    this.pump();
    // What was appended while corked is stored in one write, so it is delivered in one batch.
    if (!this.writing) this.commit();
  }

  private pump(): void {
    if (this.failure) return;
    let n = 0;
    while (n < this.queue.length && this.queue[n].state === 'stored') n++;
    if (n === 0) return;
    const ready = this.queue.splice(0, n);
    const frames = ready.map((p) => p.frame);
    for (const frame of frames) this.ring.push(frame);
    this.deliver(frames);
    for (const p of ready) p.resolveSent();
    if (this.queue.length === 0) this.wakeIdleWaiters();
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** About how much a write stores: the JSON length of its values (strings counted as they are). */
function jsonChars(entries: Record<string, unknown>): number {
  let n = 0;
  for (const [k, v] of Object.entries(entries))
    n += k.length + (typeof v === 'string' ? v.length : (JSON.stringify(v)?.length ?? 0));
  return n;
}
