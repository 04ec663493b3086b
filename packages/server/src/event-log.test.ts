import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventFrame, RoomEvent } from '@realstream/protocol';
import { EventLog, SEQ_BLOCK, StorageFailure } from './event-log.js';
import { Logger } from './log.js';
import { MemoryStorage, type ListOptions, type RoomStorage } from './storage.js';

/**
 * MemoryStorage behind a gate: while `holding`, a put is neither applied nor resolved until the test
 * releases it, the way a slow Durable Object write would be.
 */
class GatedStorage implements RoomStorage {
  readonly inner = new MemoryStorage();
  holding = false;
  private readonly waiting: { entries: Record<string, unknown>; settle: (err?: Error) => void }[] =
    [];

  get<T>(key: string): Promise<T | undefined> {
    return this.inner.get<T>(key);
  }
  list<T>(options: ListOptions): Promise<Map<string, T>> {
    return this.inner.list<T>(options);
  }
  delete(keys: string[]): Promise<number> {
    return this.inner.delete(keys);
  }
  put(entries: Record<string, unknown>): Promise<void> {
    if (!this.holding) return this.inner.put(entries);
    return new Promise((resolve, reject) => {
      this.waiting.push({
        entries,
        settle: (err) => (err ? reject(err) : this.inner.put(entries).then(resolve)),
      });
    });
  }

  get pending(): Record<string, unknown>[] {
    return this.waiting.map((w) => w.entries);
  }
  /** Completes the `index`th held write (0 = oldest still held). */
  release(index = 0): void {
    const [w] = this.waiting.splice(index, 1);
    assert.ok(w, `no held write #${index}`);
    w.settle();
  }
  releaseAll(): void {
    while (this.waiting.length) this.release();
  }
  fail(index = 0): void {
    const [w] = this.waiting.splice(index, 1);
    w.settle(new Error('disk on fire'));
  }
}

/** Lets every already-settled promise callback run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const created = (seq: number): RoomEvent => ({
  type: 'message.created',
  message: {
    id: `m${seq}`,
    seq,
    author: { kind: 'user', id: 'u1', name: 'Ada' },
    text: `message ${seq}`,
    status: 'complete',
    createdAt: seq,
    updatedAt: seq,
  },
});
const delta = (): RoomEvent => ({ type: 'message.delta', messageId: 'r1', offset: 0, text: 'x' });

/** A durable event: its message must be stored before the event is sent. */
const durable = (seq: number) => ({ event: created(seq), writes: { [`msg:${seq}`]: { seq } } });
const ephemeral = () => ({ event: delta() });

async function openLog(storage: RoomStorage = new GatedStorage(), ringSize = 1000) {
  const batches: EventFrame[][] = [];
  const lines: string[] = [];
  const log = await EventLog.open(
    storage,
    new Logger('debug', {}, (line) => lines.push(line)),
    (frames) => batches.push(frames),
    ringSize,
  );
  const delivered = () => batches.flat().map((f) => f.seq);
  return { log, batches, delivered, lines };
}

const seqsOf = (frames: EventFrame[] | null) => frames && frames.map((f) => f.seq);

describe('EventLog', () => {
  it('does not deliver a durable event before its write is stored', async () => {
    const storage = new GatedStorage();
    const { log, batches, delivered } = await openLog(storage);
    storage.holding = true;

    const { frame, sent } = log.append(durable);
    let isSent = false;
    void sent.then(() => (isSent = true));
    await settle();
    assert.deepEqual(delivered(), []);
    assert.equal(isSent, false);
    assert.deepEqual(storage.pending, [{ 'msg:1': { seq: 1 } }]);

    storage.release();
    await sent;
    assert.deepEqual(batches, [[frame]]);
    assert.ok(storage.inner.data.has('msg:1'));
  });

  it('delivers what is appended while corked in one batch, in order, at uncork', async () => {
    const { log, batches } = await openLog();
    log.cork();
    log.append(ephemeral);
    log.append(ephemeral);
    log.append(ephemeral);
    await settle();
    assert.deepEqual(batches, [], 'nothing leaves while corked');
    log.uncork();
    assert.deepEqual(batches.map(seqsOf), [[1, 2, 3]]);
    log.append(ephemeral);
    assert.deepEqual(batches.map(seqsOf), [[1, 2, 3], [4]], 'uncorked again: at once');
  });

  it('finds the write already in storage when the frame is delivered', async () => {
    const storage = new GatedStorage();
    const storedAtDelivery: boolean[] = [];
    const log = await EventLog.open(
      storage,
      new Logger('error', {}, () => {}),
      (frames) =>
        frames.forEach((f) => storedAtDelivery.push(storage.inner.data.has(`msg:${f.seq}`))),
      100,
    );
    storage.holding = true;
    const sends = [log.append(durable), log.append(durable), log.append(durable)].map(
      (a) => a.sent,
    );
    storage.release();
    await settle();
    storage.release();
    await Promise.all(sends);
    assert.deepEqual(storedAtDelivery, [true, true, true]);
  });

  it('delivers a non-durable event on an idle log without a storage write', async () => {
    const storage = new GatedStorage();
    const { log, delivered } = await openLog(storage);
    storage.holding = true;
    const writes = log.storageWrites;
    await log.append(ephemeral).sent;
    assert.deepEqual(delivered(), [1]);
    assert.deepEqual(storage.pending, []);
    assert.equal(log.storageWrites, writes);
  });

  it('holds a non-durable event back behind a pending durable one', async () => {
    const storage = new GatedStorage();
    const { log, delivered } = await openLog(storage);
    storage.holding = true;

    log.append(durable);
    const { sent } = log.append(ephemeral);
    await settle();
    assert.deepEqual(delivered(), []);

    storage.release();
    await sent;
    assert.deepEqual(delivered(), [1, 2]);
  });

  it('has one write in flight; what is appended meanwhile goes in the next, merged', async () => {
    const storage = new GatedStorage();
    const { log, delivered } = await openLog(storage);
    storage.holding = true;
    const writes = log.storageWrites;

    const a = log.append(durable);
    log.append(ephemeral);
    log.append(() => ({ event: delta(), writes: { 'txt:a': 'x', 'txt:b': 'y' } }));
    const d = log.append(() => ({ event: delta(), writes: { 'txt:b': 'z' } }));
    await settle();
    assert.deepEqual(storage.pending, [{ 'msg:1': { seq: 1 } }], 'one write at a time');
    storage.release();
    await a.sent;
    await settle();
    assert.deepEqual(delivered(), [1, 2]);
    assert.deepEqual(storage.pending, [{ 'txt:a': 'x', 'txt:b': 'z' }], 'later entries win');
    storage.release();
    await d.sent;
    assert.deepEqual(delivered(), [1, 2, 3, 4]);
    assert.equal(log.storageWrites - writes, 2);
  });

  it('delivers what is ready and holds the rest', async () => {
    const storage = new GatedStorage();
    const { log, delivered } = await openLog(storage);
    storage.holding = true;

    const a = log.append(durable);
    log.append(ephemeral);
    log.append(durable);
    log.append(ephemeral);
    storage.release(0);
    await a.sent;
    await settle();
    assert.deepEqual(delivered(), [1, 2]);
    storage.release(0);
    await log.drained();
    assert.deepEqual(delivered(), [1, 2, 3, 4]);
  });

  it('hands out consecutive seqs, the same ones it passes to build and delivers', async () => {
    const storage = new GatedStorage();
    const { log, delivered } = await openLog(storage);
    storage.holding = true;

    const built: number[] = [];
    const returned: number[] = [];
    for (let i = 0; i < 10; i++) {
      const { frame } = log.append(
        (seq) => (built.push(seq), i % 3 === 0 ? durable(seq) : ephemeral()),
      );
      returned.push(frame.seq);
    }
    assert.equal(log.seq, 10);
    storage.holding = false;
    storage.releaseAll();
    await log.drained();
    const expected = Array.from({ length: 10 }, (_, i) => i + 1);
    assert.deepEqual(built, expected);
    assert.deepEqual(returned, expected);
    assert.deepEqual(delivered(), expected);
  });

  it('stamps each frame with the given time', async () => {
    const { log, batches } = await openLog();
    await log.append(ephemeral, 1234).sent;
    assert.equal(batches[0][0].at, 1234);
    assert.equal(batches[0][0].type, 'event');
    assert.deepEqual(batches[0][0].event, delta());
  });

  it('never delivers what a failed write held back, nor anything after; says so once', async () => {
    const storage = new GatedStorage();
    const broken: { failure: StorageFailure; lost: number[] }[] = [];
    const batches: EventFrame[][] = [];
    const lines: string[] = [];
    const log = await EventLog.open(
      storage,
      new Logger('debug', {}, (line) => lines.push(line)),
      (frames) => batches.push(frames),
      100,
      Infinity,
      (failure, lost) => broken.push({ failure, lost: lost.map((f) => f.seq) }),
    );
    storage.holding = true;

    const first = log.append(ephemeral);
    const later = [log.append(durable), log.append(ephemeral), log.append(durable)];
    let settled = 0;
    for (const x of later) void x.sent.then(() => settled++);
    storage.fail();
    await first.sent;
    const failure = await log.broken;
    await settle();
    assert.equal(settled, 0, 'what was held back never counts as sent');
    assert.ok(failure instanceof StorageFailure);
    assert.equal(failure.code, 'storage_failed');
    assert.equal(log.failure, failure);
    assert.deepEqual(
      batches.flat().map((f) => f.seq),
      [1],
      'only what came before the failure',
    );
    assert.deepEqual(storage.pending, [], 'nothing written after the failed write');
    assert.deepEqual(
      broken.map((x) => x.lost),
      [[2, 3, 4]],
    );
    assert.equal(log.idle, true);
    await log.drained();

    // Broken for good: later appends are refused at once, and nothing is delivered.
    void log.append(ephemeral).sent.then(() => settled++);
    await settle();
    assert.equal(settled, 0);
    assert.equal(batches.length, 1);
    assert.equal(broken.length, 1);
    const errors = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].seq, 2);
  });

  describe('drained()', () => {
    it('resolves at once on an idle log', async () => {
      const { log } = await openLog();
      assert.equal(log.idle, true);
      await log.drained();
    });

    it('resolves every waiter when the queue empties, not before', async () => {
      const storage = new GatedStorage();
      const { log } = await openLog(storage);
      storage.holding = true;

      log.append(durable);
      log.append(durable);
      let resolved = 0;
      void log.drained().then(() => resolved++);
      void log.drained().then(() => resolved++);

      storage.release(0);
      await settle();
      assert.equal(resolved, 0, 'one event is still waiting');
      assert.equal(log.idle, false);

      storage.release(0);
      await settle();
      assert.equal(resolved, 2);
      assert.equal(log.idle, true);
    });
  });

  describe('ring', () => {
    it('holds delivered frames only', async () => {
      const storage = new GatedStorage();
      const { log } = await openLog(storage);
      storage.holding = true;

      await log.append(ephemeral).sent;
      log.append(durable);
      log.append(ephemeral);
      await settle();
      assert.deepEqual(seqsOf(log.ring.since(0)), [1]);

      storage.release();
      await log.drained();
      assert.deepEqual(seqsOf(log.ring.since(0)), [1, 2, 3]);
    });

    it('keeps only the last ringSize frames', async () => {
      const { log } = await openLog(new GatedStorage(), 3);
      for (let i = 0; i < 5; i++) log.append(ephemeral);
      await log.drained();
      assert.deepEqual(seqsOf(log.ring.since(2)), [3, 4, 5]);
      assert.equal(log.ring.since(1), null);
    });
  });

  describe('seq reservation', () => {
    it('reserves a block of seqs in storage when it opens', async () => {
      const storage = new GatedStorage();
      const { log } = await openLog(storage);
      assert.equal(log.seq, 0);
      assert.deepEqual(storage.inner.data.get('meta'), { reserved: SEQ_BLOCK });
    });

    it('continues past the reserved block after a restart, never reusing a seq', async () => {
      const storage = new GatedStorage();
      const first = await openLog(storage);
      for (let i = 0; i < 3; i++) first.log.append(i === 1 ? durable : ephemeral);
      await first.log.drained();
      assert.deepEqual(first.delivered(), [1, 2, 3]);

      const second = await openLog(storage);
      const { frame } = second.log.append(ephemeral);
      await second.log.drained();
      assert.equal(frame.seq, SEQ_BLOCK + 1);
      assert.ok(frame.seq > Math.max(...first.delivered()));
      // Nothing before the restart is in memory: resuming from it needs a snapshot.
      assert.equal(second.log.ring.since(3), null);
      assert.deepEqual(seqsOf(second.log.ring.since(SEQ_BLOCK)), [SEQ_BLOCK + 1]);
    });

    it('skips a whole block on a restart that appended nothing', async () => {
      const storage = new GatedStorage();
      await openLog(storage);
      await openLog(storage);
      const third = await openLog(storage);
      assert.equal(third.log.seq, 2 * SEQ_BLOCK);
      assert.equal(third.log.append(ephemeral).frame.seq, 2 * SEQ_BLOCK + 1);
    });

    it('stores the next block before delivering the first seq beyond the current one', async () => {
      const storage = new GatedStorage();
      const { log, delivered } = await openLog(storage, 10);
      for (let i = 0; i < SEQ_BLOCK; i++) log.append(ephemeral);
      await log.drained();
      assert.equal(delivered().length, SEQ_BLOCK);
      assert.deepEqual(
        storage.inner.data.get('meta'),
        { reserved: SEQ_BLOCK },
        'no write inside the block',
      );

      storage.holding = true;
      const { frame } = log.append(ephemeral);
      await settle();
      assert.equal(frame.seq, SEQ_BLOCK + 1);
      assert.equal(delivered().length, SEQ_BLOCK, 'waits for the reservation');
      assert.deepEqual(storage.pending, [{ meta: { reserved: 2 * SEQ_BLOCK } }]);

      storage.release();
      await log.drained();
      assert.equal(delivered().at(-1), SEQ_BLOCK + 1);
    });

    it('puts the reservation in the same write as a durable event', async () => {
      const storage = new GatedStorage();
      const { log } = await openLog(storage, 10);
      for (let i = 0; i < SEQ_BLOCK; i++) log.append(ephemeral);
      await log.drained();
      storage.holding = true;
      log.append(durable);
      assert.deepEqual(storage.pending, [
        { [`msg:${SEQ_BLOCK + 1}`]: { seq: SEQ_BLOCK + 1 }, meta: { reserved: 2 * SEQ_BLOCK } },
      ]);
      storage.release();
      await log.drained();
    });

    it('never reuses a seq delivered beyond the first block after a restart', async () => {
      const storage = new GatedStorage();
      const first = await openLog(storage, 10);
      for (let i = 0; i < SEQ_BLOCK + 5; i++) first.log.append(ephemeral);
      await first.log.drained();
      const lastBefore = Math.max(...first.delivered());
      assert.equal(lastBefore, SEQ_BLOCK + 5);

      const second = await openLog(storage, 10);
      const { frame } = second.log.append(ephemeral);
      assert.ok(frame.seq > lastBefore, `${frame.seq} must be > ${lastBefore}`);
      assert.equal(frame.seq, 2 * SEQ_BLOCK + 1);
    });
  });
});
