import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  FaultyStorage,
  INJECTED_MESSAGE,
  parseStorageFaults,
  StorageFaultSpecError,
  withStorageFaults,
} from './faulty-storage.js';
import { Logger } from './log.js';
import { MemoryStorage } from './storage.js';

/** Runs `n` single-key puts and returns the indexes of the ones that failed. */
async function failingPuts(storage: FaultyStorage, n: number, key = (i: number) => `k${i}`) {
  const failed: number[] = [];
  for (let i = 0; i < n; i++) {
    await storage.put({ [key(i)]: i }).catch(() => failed.push(i));
  }
  return failed;
}

describe('parseStorageFaults', () => {
  it('reads every term', () => {
    assert.deepEqual(
      parseStorageFaults('put:0.02, delete:1,key:^msg:,after:50,max:3,gap:500,seed:7'),
      {
        put: 0.02,
        delete: 1,
        key: '^msg:',
        after: 50,
        max: 3,
        gap: 500,
        seed: 7,
      },
    );
    assert.deepEqual(parseStorageFaults('put:0.5'), {
      put: 0.5,
      delete: 0,
      key: null,
      after: 0,
      max: Infinity,
      gap: 0,
      seed: 1,
    });
  });

  for (const bad of [
    'put:2',
    'put:',
    'put:x',
    'key:(',
    'after:-1',
    'max:1.5',
    'drop:0.1',
    'seed:7',
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseStorageFaults(bad), StorageFaultSpecError);
    });
  }
});

describe('FaultyStorage', () => {
  it('fails about the given share of puts, the same ones for the same seed and room', async () => {
    const spec = parseStorageFaults('put:0.1,seed:42');
    const a = await failingPuts(new FaultyStorage(new MemoryStorage(), spec, null, 'room-a'), 1000);
    const again = await failingPuts(
      new FaultyStorage(new MemoryStorage(), spec, null, 'room-a'),
      1000,
    );
    const otherRoom = await failingPuts(
      new FaultyStorage(new MemoryStorage(), spec, null, 'room-b'),
      1000,
    );
    assert.deepEqual(again, a);
    assert.notDeepEqual(otherRoom, a);
    assert.ok(a.length > 60 && a.length < 140, `${a.length} of 1000 failed`);
  });

  it('writes nothing when it fails a put, and says the fault was injected', async () => {
    const inner = new MemoryStorage();
    const storage = new FaultyStorage(inner, parseStorageFaults('put:1'));
    await assert.rejects(storage.put({ a: 1, b: 2 }), (err: Error) => {
      assert.ok(err.message.includes(INJECTED_MESSAGE), err.message);
      assert.ok(err.message.includes('a, b'), err.message);
      return true;
    });
    assert.equal(inner.data.size, 0);
    assert.equal(storage.injected, 1);
  });

  it('fails deletes only when asked, and keeps the keys then', async () => {
    const inner = new MemoryStorage();
    await inner.put({ a: 1 });
    const putsOnly = new FaultyStorage(inner, parseStorageFaults('put:1'));
    assert.equal(await putsOnly.delete(['a']), 1);
    await inner.put({ a: 1 });
    const deletes = new FaultyStorage(inner, parseStorageFaults('delete:1'));
    await assert.rejects(deletes.delete(['a']), new RegExp(INJECTED_MESSAGE));
    assert.equal(await deletes.get('a'), 1);
    await deletes.put({ b: 2 });
    assert.equal(await inner.get('b'), 2);
  });

  it('spares the first `after` eligible writes and stops at `max`', async () => {
    const storage = new FaultyStorage(
      new MemoryStorage(),
      parseStorageFaults('put:1,after:5,max:3'),
    );
    assert.deepEqual(await failingPuts(storage, 20), [5, 6, 7]);
  });

  it('keeps `gap` ms between faults, counted from its creation', async () => {
    let now = 1000;
    const storage = new FaultyStorage(
      new MemoryStorage(),
      parseStorageFaults('put:1,gap:100'),
      null,
      '',
      () => now,
    );
    const failed: number[] = [];
    for (let i = 0; i < 30; i++) {
      await storage.put({ k: i }).catch(() => failed.push(now));
      now += 40;
    }
    assert.deepEqual(failed, [1120, 1240, 1360, 1480, 1600, 1720, 1840, 1960, 2080]);
  });

  it('fails only writes touching a matching key', async () => {
    const storage = new FaultyStorage(new MemoryStorage(), parseStorageFaults('put:1,key:^msg:'));
    const failed = await failingPuts(storage, 10, (i) => (i % 2 ? `msg:${i}` : `meta${i}`));
    assert.deepEqual(failed, [1, 3, 5, 7, 9]);
    // One matching key is enough to fail the whole (atomic) put.
    await assert.rejects(storage.put({ meta: 1, 'msg:1': 2 }));
    assert.equal(await storage.get('meta'), undefined);
  });

  it('passes reads through and logs each fault once at warn with its keys', async () => {
    const lines: string[] = [];
    const logger = new Logger('warn', { room: 'r' }, (l) => lines.push(l));
    const inner = new MemoryStorage();
    await inner.put({ 'msg:1': 'x', 'msg:2': 'y' });
    const storage = new FaultyStorage(inner, parseStorageFaults('put:1,max:2'), logger);
    assert.equal(await storage.get('msg:1'), 'x');
    assert.deepEqual([...(await storage.list({ prefix: 'msg:' })).keys()], ['msg:1', 'msg:2']);
    for (let i = 0; i < 3; i++) await storage.put({ [`k${i}`]: i }).catch(() => {});
    assert.equal(lines.length, 2);
    const first = JSON.parse(lines[0]);
    assert.equal(first.level, 'warn');
    assert.equal(first.msg, 'storage fault injected');
    assert.deepEqual(first.keys, ['k0']);
    assert.equal(first.op, 'put');
    assert.equal(await inner.get('k2'), 2);
  });

  it('is not there unless configured', () => {
    const inner = new MemoryStorage();
    assert.equal(withStorageFaults(inner, null, null), inner);
    assert.ok(
      withStorageFaults(inner, parseStorageFaults('put:0.1'), null) instanceof FaultyStorage,
    );
  });
});
