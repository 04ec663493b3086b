/**
 * The part of Durable Object storage the room uses. PartyKit's `room.storage` satisfies it; tests
 * use MemoryStorage, which keeps the same ordering semantics (keys sorted as strings).
 */
export interface ListOptions {
  prefix?: string;
  start?: string;
  end?: string;
  reverse?: boolean;
  limit?: number;
}

export interface RoomStorage {
  get<T>(key: string): Promise<T | undefined>;
  put(entries: Record<string, unknown>): Promise<void>;
  list<T>(options: ListOptions): Promise<Map<string, T>>;
  delete(keys: string[]): Promise<number>;
}

/** What `partykit dev` accepts in one value (its KV-style storage throws past it). */
export const PARTYKIT_VALUE_BYTES = 131_072;

export class MemoryStorage implements RoomStorage {
  readonly data = new Map<string, unknown>();
  writes = 0;

  /**
   * Refuses a value whose JSON is longer than `maxValueBytes` characters, as `partykit dev` refuses
   * one whose serialization is over 131,072 bytes, so that a test storing a value too large for the
   * real backend fails here too. (JSON length is a lower bound of the bytes a two-byte string takes.)
   */
  constructor(readonly maxValueBytes = PARTYKIT_VALUE_BYTES) {}

  /** The keys in order, kept sorted so a list is a binary search and a slice. */
  private readonly sorted: string[] = [];

  async get<T>(key: string): Promise<T | undefined> {
    return structuredClone(this.data.get(key)) as T | undefined;
  }

  async put(entries: Record<string, unknown>): Promise<void> {
    for (const [k, v] of Object.entries(entries)) {
      const size = JSON.stringify(v)?.length ?? 0;
      if (size > this.maxValueBytes)
        throw new RangeError(
          `Values cannot be larger than ${this.maxValueBytes} bytes (${k}: ${size})`,
        );
    }
    this.writes++;
    for (const [k, v] of Object.entries(entries)) {
      if (!this.data.has(k)) this.sorted.splice(this.indexOf(k), 0, k);
      this.data.set(k, structuredClone(v));
    }
  }

  async list<T>({ prefix = '', start, end, reverse, limit }: ListOptions): Promise<Map<string, T>> {
    const from = this.indexOf(start !== undefined && start > prefix ? start : prefix);
    const out: string[] = [];
    if (!reverse) {
      for (
        let i = from;
        i < this.sorted.length && (limit === undefined || out.length < limit);
        i++
      ) {
        const k = this.sorted[i];
        if (!k.startsWith(prefix) || (end !== undefined && k >= end)) break;
        out.push(k);
      }
    } else {
      // From the last key that is in range, downwards.
      let i = from;
      while (
        i < this.sorted.length &&
        this.sorted[i].startsWith(prefix) &&
        (end === undefined || this.sorted[i] < end)
      )
        i++;
      for (i--; i >= from && (limit === undefined || out.length < limit); i--)
        out.push(this.sorted[i]);
    }
    return new Map(out.map((k) => [k, structuredClone(this.data.get(k)) as T]));
  }

  async delete(keys: string[]): Promise<number> {
    let n = 0;
    for (const k of keys) {
      if (!this.data.delete(k)) continue;
      this.sorted.splice(this.indexOf(k), 1);
      n++;
    }
    return n;
  }

  /** Where `key` is, or would go, in `sorted`. */
  private indexOf(key: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
