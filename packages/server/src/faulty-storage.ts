/**
 * For testing only: a RoomStorage that fails chosen writes, so the chaos run (and anyone checking
 * the room's promise that a failed write is never delivered as durable) can make storage fail on
 * demand. Set by REALSTREAM_STORAGE_FAULTS; never set it in production.
 *
 * Spec: comma-separated terms, e.g. `put:0.02,delete:0.01,key:^msg:,after:50,max:3,seed:7`.
 * - `put:R`, `delete:R`: the fraction (0..1) of eligible put / delete calls that fail.
 * - `key:REGEX`: only calls touching a key that matches are eligible (default: every key).
 * - `after:N`: the first N eligible writes never fail (so the room can open).
 * - `max:N`: at most N faults per storage object (one room object's lifetime).
 * - `gap:MS`: no fault within MS ms of the storage object's creation or of the previous fault, so
 *   faults come at a pace that does not depend on how many writes the room makes.
 * - `seed:N`: the PRNG seed (default 1); mixed with the room's name, so rooms differ, and one room
 *   fails the same writes of the same sequence every time.
 * A failing call writes nothing and rejects with an Error whose message says it was injected; each
 * fault is logged once at `warn` as `storage fault injected` with the op and keys.
 */
import type { Logger } from './log.js';
import type { ListOptions, RoomStorage } from './storage.js';

export interface StorageFaults {
  put: number;
  delete: number;
  /** Source of the key pattern; null = every key. */
  key: string | null;
  after: number;
  max: number;
  gap: number;
  seed: number;
}

export const INJECTED_MESSAGE = 'injected storage fault';

export class StorageFaultSpecError extends Error {
  override name = 'StorageFaultSpecError';
}

/** Parses a REALSTREAM_STORAGE_FAULTS value; throws StorageFaultSpecError naming the bad term. */
export function parseStorageFaults(text: string): StorageFaults {
  const spec: StorageFaults = {
    put: 0,
    delete: 0,
    key: null,
    after: 0,
    max: Infinity,
    gap: 0,
    seed: 1,
  };
  for (const term of text.split(',')) {
    const t = term.trim();
    if (!t) continue;
    const at = t.indexOf(':');
    const name = at < 0 ? t : t.slice(0, at);
    const value = at < 0 ? '' : t.slice(at + 1);
    const num = Number(value);
    const whole = value !== '' && Number.isInteger(num) && num >= 0;
    if (name === 'put' || name === 'delete') {
      if (value === '' || !(num >= 0 && num <= 1)) {
        throw new StorageFaultSpecError(`"${t}": a rate is a number from 0 to 1`);
      }
      spec[name] = num;
    } else if (name === 'key') {
      try {
        new RegExp(value);
      } catch {
        throw new StorageFaultSpecError(`"${t}": not a regular expression`);
      }
      spec.key = value;
    } else if (name === 'after' || name === 'max' || name === 'gap' || name === 'seed') {
      if (!whole) throw new StorageFaultSpecError(`"${t}": expected a whole number`);
      spec[name] = num;
    } else {
      throw new StorageFaultSpecError(`"${t}": use put, delete, key, after, max, gap or seed`);
    }
  }
  if (spec.put === 0 && spec.delete === 0) {
    throw new StorageFaultSpecError('no write fails: give put:RATE and/or delete:RATE');
  }
  return spec;
}

/** mulberry32: a small seeded PRNG (faults to inject, the chaos run's schedule), replayable by seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export class FaultyStorage implements RoomStorage {
  /** Faults injected so far. */
  injected = 0;
  private eligible = 0;
  private readonly random: () => number;
  private readonly pattern: RegExp | null;
  /** When the last fault was injected (or the storage was created). */
  private lastFault: number;

  constructor(
    private readonly inner: RoomStorage,
    private readonly spec: StorageFaults,
    private readonly logger: Logger | null = null,
    /** Mixed into the seed (the room's name). */
    salt = '',
    private readonly now: () => number = Date.now,
  ) {
    this.lastFault = now();
    this.random = rng(spec.seed ^ hash(salt));
    this.pattern = spec.key === null ? null : new RegExp(spec.key);
  }

  get<T>(key: string): Promise<T | undefined> {
    return this.inner.get<T>(key);
  }

  list<T>(options: ListOptions): Promise<Map<string, T>> {
    return this.inner.list<T>(options);
  }

  put(entries: Record<string, unknown>): Promise<void> {
    const keys = Object.keys(entries);
    if (this.fails('put', keys)) return this.reject('put', keys);
    return this.inner.put(entries);
  }

  delete(keys: string[]): Promise<number> {
    if (this.fails('delete', keys)) return this.reject('delete', keys);
    return this.inner.delete(keys);
  }

  private fails(op: 'put' | 'delete', keys: string[]): boolean {
    if (this.spec[op] === 0 || !keys.length) return false;
    if (this.pattern && !keys.some((k) => this.pattern!.test(k))) return false;
    // Every eligible call draws, so one call's outcome does not depend on the ones before it failing.
    const draw = this.random();
    if (++this.eligible <= this.spec.after || this.injected >= this.spec.max) return false;
    if (this.spec.gap && this.now() - this.lastFault < this.spec.gap) return false;
    return draw < this.spec[op];
  }

  private reject(op: 'put' | 'delete', keys: string[]): Promise<never> {
    this.injected++;
    this.lastFault = this.now();
    // A batch (a clear, a retention sweep) can touch thousands of keys: the first few say enough.
    const shown = keys.length > 20 ? [...keys.slice(0, 20), `+${keys.length - 20} more`] : keys;
    this.logger?.warn('storage fault injected', { op, keys: shown, n: this.injected });
    return Promise.reject(new Error(`${INJECTED_MESSAGE}: ${op} of ${shown.join(', ')}`));
  }
}

/** `storage` itself when no faults are configured, else wrapped (see FaultyStorage). */
export function withStorageFaults(
  storage: RoomStorage,
  spec: StorageFaults | null,
  logger: Logger | null,
  salt = '',
): RoomStorage {
  return spec ? new FaultyStorage(storage, spec, logger, salt) : storage;
}
