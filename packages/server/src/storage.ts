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
    for (const [k, v] of Object.entries(entries)) this.data.set(k, structuredClone(v));
  }

  async list<T>({ prefix = '', start, end, reverse, limit }: ListOptions): Promise<Map<string, T>> {
    let keys = [...this.data.keys()]
      .filter(
        (k) =>
          k.startsWith(prefix) &&
          (start === undefined || k >= start) &&
          (end === undefined || k < end),
      )
      .sort();
    if (reverse) keys.reverse();
    if (limit !== undefined) keys = keys.slice(0, limit);
    return new Map(keys.map((k) => [k, structuredClone(this.data.get(k)) as T]));
  }

  async delete(keys: string[]): Promise<number> {
    let n = 0;
    for (const k of keys) if (this.data.delete(k)) n++;
    return n;
  }
}
