import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChunkedStorage,
  INLINE_CHARS,
  MAX_VALUE_CHARS,
  PART_CHARS,
  ValueTooLarge,
} from './chunked-storage.js';
import { MemoryStorage } from './storage.js';

const big = (chars: number) => ({ text: '🎉é'.repeat(Math.ceil(chars / 3)).slice(0, chars), n: 1 });

describe('ChunkedStorage', () => {
  it('stores small values as they are', async () => {
    const inner = new MemoryStorage();
    const s = new ChunkedStorage(inner);
    await s.put({ a: { x: 1 }, b: 'text', c: 3 });
    assert.deepEqual([...inner.data.keys()], ['a', 'b', 'c']);
    assert.deepEqual(await s.get('a'), { x: 1 });
  });

  it('splits a value too large for the backend into parts and reads it back whole', async () => {
    const inner = new MemoryStorage(); // refuses values over 131,072 characters of JSON
    const s = new ChunkedStorage(inner);
    const value = big(1_000_000);
    await assert.rejects(inner.put({ k: value }), RangeError);
    await s.put({ 'msg:1': value, 'msg:2': { small: true } });
    const parts = [...inner.data.keys()].filter((k) => k.startsWith('~part/'));
    assert.equal(parts.length, Math.ceil(JSON.stringify(value).length / PART_CHARS));
    for (const k of parts)
      assert.ok(JSON.stringify(inner.data.get(k)).length <= 2 * PART_CHARS + 2);
    assert.deepEqual(await s.get('msg:1'), value);
    // A listing shows the values, never the parts.
    const listed = await s.list({ prefix: 'msg:' });
    assert.deepEqual([...listed.keys()], ['msg:1', 'msg:2']);
    assert.deepEqual(listed.get('msg:1'), value);
    assert.equal((await s.list({})).size, 2);
  });

  it('never cuts a surrogate pair between parts', async () => {
    const s = new ChunkedStorage(new MemoryStorage());
    for (const shift of [0, 1, 2]) {
      const value = { t: 'x'.repeat(shift) + '🎉'.repeat(INLINE_CHARS) };
      await s.put({ v: value });
      assert.deepEqual(await s.get('v'), value);
    }
  });

  it('deletes a value with its parts', async () => {
    const inner = new MemoryStorage();
    const s = new ChunkedStorage(inner);
    await s.put({ 'msg:1': big(200_000), 'msg:2': { a: 1 } });
    assert.equal(await s.delete(['msg:1', 'msg:2']), 2);
    assert.deepEqual([...inner.data.keys()], []);
  });

  it('does not confuse a key with another it prefixes', async () => {
    const s = new ChunkedStorage(new MemoryStorage());
    const a = big(100_000);
    const b = big(150_000);
    await s.put({ 'tool:a': a, 'tool:a/b': b });
    assert.deepEqual(await s.get('tool:a'), a);
    assert.deepEqual(await s.get('tool:a/b'), b);
  });

  it('refuses a value past MAX_VALUE_CHARS with a typed error, storing nothing', async () => {
    const inner = new MemoryStorage();
    const s = new ChunkedStorage(inner);
    await assert.rejects(s.put({ huge: { t: 'a'.repeat(MAX_VALUE_CHARS) } }), ValueTooLarge);
    assert.equal(inner.data.size, 0);
  });
});
