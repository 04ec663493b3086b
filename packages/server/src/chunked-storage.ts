import type { ListOptions, RoomStorage } from './storage.js';

/**
 * Storage backends cap one value: under `partykit dev` a value over 131,072 serialized bytes throws,
 * and Cloudflare documents 128 KiB for KV-backed objects (SQLite-backed ones take more, but not
 * without limit). A value whose JSON is longer than INLINE_CHARS is stored as a marker plus parts of
 * PART_CHARS characters each: at two bytes per character (a string with any non-Latin-1 character
 * is stored two bytes per unit), a part stays near 64 KiB, half the smallest limit.
 */
export const INLINE_CHARS = 16_384;
export const PART_CHARS = 32_768;

/**
 * The largest value this layer stores, in JSON characters: 640 parts (20 Mi). It bounds what one write may
 * cost; the room's own limits (MAX_REPLY_CHARS, tool results) stay below it.
 */
export const MAX_VALUE_CHARS = 640 * PART_CHARS;

/** Part keys sort apart from every key the room uses ('msg:', 'call:', 'tool:', ...). */
const PART_PREFIX = '~part/';
/** Ends the key inside a part key: no key the room writes contains it, so `a` never lists `a/b`'s parts. */
const END = '\u001f';
const partsOf = (key: string) => `${PART_PREFIX}${key}${END}`;
const partKey = (key: string, i: number) => `${partsOf(key)}${String(i).padStart(4, '0')}`;

/** Durable Object storage deletes at most 128 keys per call. */
export const DELETE_BATCH = 128;

interface Marker {
  '~parts': number;
}

const isMarker = (v: unknown): v is Marker =>
  typeof v === 'object' && v !== null && typeof (v as Marker)['~parts'] === 'number';

/** A value too large to store even in parts. */
export class ValueTooLarge extends Error {
  constructor(
    readonly key: string,
    readonly chars: number,
  ) {
    super(
      `value for ${key} is ${chars} JSON characters; the most storage takes is ${MAX_VALUE_CHARS}`,
    );
  }
}

/**
 * Wraps the room's storage so that a value of any size up to MAX_VALUE_CHARS is stored whole on
 * every backend, and callers never see the parts: get and list put values back together, delete
 * removes their parts. A large value's parts are written in the same put as its marker, so they
 * become durable together. Overwriting a large value with a smaller one leaves its unused parts until
 * the key is deleted (the room only grows values: a message's text, a call's result).
 */
export class ChunkedStorage implements RoomStorage {
  constructor(
    readonly inner: RoomStorage,
    /** Prefixes whose values are always short strings (text pieces): deleted without a look. */
    private readonly plain: readonly string[] = [],
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const value = await this.inner.get<unknown>(key);
    return (isMarker(value) ? await this.join(key, value) : value) as T | undefined;
  }

  async put(entries: Record<string, unknown>): Promise<void> {
    return this.inner.put(split(entries));
  }

  async list<T>(options: ListOptions): Promise<Map<string, T>> {
    const rows = await this.inner.list<unknown>(options);
    const out = new Map<string, T>();
    for (const [key, value] of rows) {
      if (key.startsWith(PART_PREFIX)) continue;
      out.set(key, (isMarker(value) ? await this.join(key, value) : value) as T);
    }
    return out;
  }

  /** Deletes the keys and any parts they have, DELETE_BATCH keys per call. */
  async delete(keys: string[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const markers = await Promise.all(
        batch.map((k) =>
          this.plain.some((p) => k.startsWith(p)) ? undefined : this.inner.get<unknown>(k),
        ),
      );
      const parts: string[] = [];
      batch.forEach((key, j) => {
        const m = markers[j];
        if (isMarker(m)) for (let p = 0; p < m['~parts']; p++) parts.push(partKey(key, p));
      });
      n += await this.inner.delete(batch);
      for (let p = 0; p < parts.length; p += DELETE_BATCH)
        await this.inner.delete(parts.slice(p, p + DELETE_BATCH));
    }
    return n;
  }

  private async join(key: string, marker: Marker): Promise<unknown> {
    const rows = await this.inner.list<string>({
      prefix: partsOf(key),
      limit: marker['~parts'],
    });
    if (rows.size !== marker['~parts'])
      throw new Error(`value for ${key} has ${rows.size} of its ${marker['~parts']} parts`);
    return JSON.parse([...rows.values()].join(''));
  }
}

/** The entries as stored: each large value becomes a marker plus its parts. */
export function split(entries: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(entries)) {
    if (typeof value !== 'object' || value === null) continue;
    const json = JSON.stringify(value);
    if (json.length <= INLINE_CHARS) continue;
    if (json.length > MAX_VALUE_CHARS) throw new ValueTooLarge(key, json.length);
    out ??= { ...entries };
    let part = 0;
    for (let at = 0; at < json.length; part++) {
      let end = Math.min(json.length, at + PART_CHARS);
      // Never between the halves of a surrogate pair: each part must be a well-formed string.
      if (end < json.length && isLowSurrogate(json.charCodeAt(end))) end--;
      out[partKey(key, part)] = json.slice(at, end);
      at = end;
    }
    out[key] = { '~parts': part } satisfies Marker;
  }
  return out ?? entries;
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
