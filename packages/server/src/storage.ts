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

export class MemoryStorage implements RoomStorage {
  readonly data = new Map<string, unknown>();
  writes = 0;

  async get<T>(key: string): Promise<T | undefined> {
    return structuredClone(this.data.get(key)) as T | undefined;
  }

  async put(entries: Record<string, unknown>): Promise<void> {
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
