import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventFrame } from '@realstream/protocol';
import { approxBytes, EventRing } from './ring.js';

const frame = (seq: number): EventFrame => ({
  type: 'event',
  seq,
  at: 1_700_000_000_000 + seq,
  event: { type: 'message.delta', messageId: 'r1', offset: seq, text: 'x' },
});

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const seqs = (frames: EventFrame[] | null) => frames && frames.map((f) => f.seq);

function filled(capacity: number, firstSeq: number, lastSeq: number): EventRing {
  const ring = new EventRing(capacity, firstSeq);
  for (let seq = firstSeq; seq <= lastSeq; seq++) ring.push(frame(seq));
  return ring;
}

describe('EventRing', () => {
  it('replays nothing for a client that is up to date, and everything for a fresh one', () => {
    const ring = filled(8, 1, 5);
    assert.deepEqual(seqs(ring.since(5)), []);
    assert.deepEqual(seqs(ring.since(0)), [1, 2, 3, 4, 5]);
  });

  it('replays exactly the frames after the given seq, in order', () => {
    const ring = filled(8, 1, 5);
    assert.deepEqual(seqs(ring.since(2)), [3, 4, 5]);
    assert.deepEqual(seqs(ring.since(4)), [5]);
  });

  it('returns the frames it was given', () => {
    const ring = new EventRing(4, 1);
    const f = frame(1);
    ring.push(f);
    assert.equal(ring.since(0)![0], f);
  });

  it('replays nothing on an empty ring for a client at its start', () => {
    const ring = new EventRing(4, 1);
    assert.deepEqual(ring.since(0), []);
  });

  it('answers null once a frame the client needs has been evicted', () => {
    const ring = filled(4, 1, 6); // holds 3..6
    assert.deepEqual(seqs(ring.since(2)), [3, 4, 5, 6]);
    assert.equal(ring.since(1), null);
    assert.equal(ring.since(0), null);
  });

  it('stays correct at every step while wrapping around its capacity', () => {
    const capacity = 3;
    const ring = new EventRing(capacity, 1);
    for (let last = 1; last <= 3 * capacity + 1; last++) {
      ring.push(frame(last));
      const oldest = Math.max(1, last - capacity + 1);
      assert.deepEqual(seqs(ring.since(oldest - 1)), range(oldest, last), `after pushing ${last}`);
      assert.deepEqual(seqs(ring.since(last - 1)), [last], `after pushing ${last}`);
      if (oldest > 1) assert.equal(ring.since(oldest - 2), null, `after pushing ${last}`);
    }
  });

  it('works with a capacity of one', () => {
    const ring = filled(1, 1, 4);
    assert.deepEqual(seqs(ring.since(3)), [4]);
    assert.equal(ring.since(2), null);
  });

  it('answers null for seqs before its first seq after a restart gap', () => {
    // A restarted log starts past its reserved block: seqs 1..4096 are not in memory.
    const ring = new EventRing(16, 4097);
    assert.equal(ring.since(10), null);
    assert.deepEqual(ring.since(4096), []);
    ring.push(frame(4097));
    ring.push(frame(4098));
    assert.deepEqual(seqs(ring.since(4096)), [4097, 4098]);
    assert.equal(ring.since(4095), null);
  });

  it('holds no more than its byte bound, dropping the oldest, and says when that is too far back', () => {
    const big = (seq: number): EventFrame => ({
      ...frame(seq),
      event: { type: 'message.delta', messageId: 'r1', offset: seq * 8192, text: 'y'.repeat(8192) },
    });
    const each = approxBytes(big(1));
    const ring = new EventRing(10_000, 1, 10 * each);
    for (let seq = 1; seq <= 1000; seq++) ring.push(big(seq));
    assert.ok(ring.heldBytes <= 10 * each, `${ring.heldBytes} bytes held`);
    assert.deepEqual(seqs(ring.since(990)), range(991, 1000), 'the latest ten replay');
    assert.equal(ring.since(989), null, 'further back: a snapshot');
  });

  it('keeps the newest frame even when it alone is over the bound', () => {
    const ring = new EventRing(100, 1, 1000);
    ring.push(frame(1));
    ring.push({
      ...frame(2),
      event: { type: 'message.delta', messageId: 'r1', offset: 2, text: 'z'.repeat(5000) },
    });
    assert.deepEqual(seqs(ring.since(1)), [2]);
    assert.equal(ring.since(0), null);
  });

  it('weighs a frame by its strings', () => {
    assert.ok(approxBytes(frame(1)) < 500);
    const long = {
      ...frame(1),
      event: {
        type: 'message.delta' as const,
        messageId: 'r1',
        offset: 0,
        text: 'x'.repeat(10_000),
      },
    };
    assert.ok(approxBytes(long) >= 20_000);
  });
});
