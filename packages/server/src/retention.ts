import { DELETE_BATCH } from './chunked-storage.js';
import type { Logger } from './log.js';
import type { RoomStorage } from './storage.js';

/** How much of one kind of row a room keeps: the newest `count`, none older than `maxAgeMs`. */
export interface Retention {
  count: number;
  /** 0: no age limit. */
  maxAgeMs: number;
}

/**
 * Rows trimmed in one pass. Trimming starts once the rows are this many over the limit, so that it
 * costs one small list and one delete per TRIM_STEP new rows, not one per row.
 */
const TRIM_STEP = 32;
/** An age check reads the oldest rows; once a minute is plenty for limits counted in days. */
const AGE_CHECK_MS = 60_000;

export interface TrimmedRows<T> {
  /** The prefix of the rows' keys, which sort oldest first (keyed by seq). */
  prefix: string;
  /** Where the rows that count start (after a clear, rows below it are purged separately). */
  start: () => string;
  /** Other keys that go with a row (its id index, ...). */
  alsoDelete: (row: T) => string[];
  /** When the row was made, for the age limit. */
  madeAt: (row: T) => number;
  /** A row still in use (a reply streaming, a call running) is kept, and so is all after it. */
  inUse: (row: T) => boolean;
  /** These rows are gone: forget any in-memory copy. */
  forget: (rows: T[]) => void;
}

/**
 * Keeps one kind of stored row within its retention without ever scanning them all: a count kept
 * in storage says how many rows there are, and each pass deletes from the oldest end, one page at
 * a time. The count is stored with every new row (`added` gives the entry to write with it) and
 * after every pass.
 */
export class Trimmer<T> {
  private trimming: Promise<void> | null = null;
  private lastAgeCheck = 0;

  private constructor(
    private readonly storage: RoomStorage,
    private readonly countKey: string,
    private readonly rows: TrimmedRows<T>,
    private readonly retention: Retention,
    private readonly logger: Logger,
    /** Rows stored (from `start` on), by the count. */
    public count: number,
    /** Rows before this key are not counted and all go (a room stored before counts were kept). */
    private floor: string | null,
  ) {}

  /**
   * Reads the stored count. A room stored before counts were kept has none: it reads the newest
   * rows within retention (once), counts those, and the first pass deletes every older one.
   */
  static async open<T>(
    storage: RoomStorage,
    countKey: string,
    rows: TrimmedRows<T>,
    retention: Retention,
    logger: Logger,
  ): Promise<Trimmer<T>> {
    let count = await storage.get<number>(countKey);
    let floor: string | null = null;
    if (count === undefined) {
      const newest = await storage.list<T>({
        prefix: rows.prefix,
        start: rows.start(),
        reverse: true,
        limit: retention.count,
      });
      count = newest.size;
      floor = [...newest.keys()].at(-1) ?? null;
      await storage.put({ [countKey]: count });
    }
    const trimmer = new Trimmer(storage, countKey, rows, retention, logger, count, floor);
    trimmer.trimSoon(true);
    return trimmer;
  }

  /** A row was added: returns the storage entry to write with it. */
  added(): Record<string, number> {
    this.count++;
    this.trimSoon(false);
    return { [this.countKey]: this.count };
  }

  /** Everything was cleared: the count starts again from zero. */
  cleared(): Record<string, number> {
    this.count = 0;
    this.floor = null;
    return { [this.countKey]: 0 };
  }

  /** Resolves once no pass is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.trimming) await this.trimming;
  }

  private trimSoon(force: boolean): void {
    if (this.trimming) return;
    const now = Date.now();
    const ageDue = this.retention.maxAgeMs > 0 && now - this.lastAgeCheck >= AGE_CHECK_MS;
    const over = this.count - this.retention.count;
    if (!ageDue && this.floor === null && over < (force ? 1 : TRIM_STEP)) return;
    if (ageDue) this.lastAgeCheck = now;
    this.trimming = this.trim()
      .catch((err: unknown) => this.logger.warn('retention pass failed', { error: String(err) }))
      .finally(() => (this.trimming = null));
  }

  /** Deletes the oldest rows while there are too many or they are too old, a page at a time. */
  private async trim(): Promise<void> {
    const { retention, rows } = this;
    for (;;) {
      const page = await this.storage.list<T>({
        prefix: rows.prefix,
        start: rows.start(),
        limit: DELETE_BATCH / 2,
      });
      const oldEnough = Date.now() - retention.maxAgeMs;
      const victims: [string, T][] = [];
      let counted = 0;
      for (const [key, row] of page) {
        const uncounted = this.floor !== null && key < this.floor;
        const tooMany = this.count - counted > retention.count;
        const tooOld = retention.maxAgeMs > 0 && rows.madeAt(row) < oldEnough;
        if ((!uncounted && !tooMany && !tooOld) || rows.inUse(row)) break;
        victims.push([key, row]);
        if (!uncounted) counted++;
      }
      if (!victims.length) {
        this.floor = null;
        return;
      }
      await this.storage.delete(victims.flatMap(([key, row]) => [key, ...rows.alsoDelete(row)]));
      this.count -= counted;
      rows.forget(victims.map(([, row]) => row));
      await this.storage.put({ [this.countKey]: this.count });
    }
  }
}
