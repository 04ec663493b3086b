import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SharedBuckets, TokenBucket } from './rate-limit.js';

const T0 = 1_700_000_000_000;

describe('TokenBucket', () => {
  it('allows a full burst at once, then rejects', () => {
    const bucket = new TokenBucket(5, 1, T0);
    for (let i = 0; i < 5; i++) assert.equal(bucket.take(T0), 0, `take #${i + 1}`);
    assert.ok(bucket.take(T0) > 0);
  });

  it('refills at its rate as time passes', () => {
    const bucket = new TokenBucket(2, 10, T0); // one token per 100 ms
    bucket.take(T0);
    bucket.take(T0);
    assert.ok(bucket.take(T0 + 50) > 0, 'half a token is not enough');
    assert.equal(bucket.take(T0 + 100), 0, 'a whole token after 100 ms');
    assert.ok(bucket.take(T0 + 100) > 0);
    assert.equal(bucket.take(T0 + 200), 0);
  });

  it('never holds more than the burst, however long it idles', () => {
    const bucket = new TokenBucket(3, 100, T0);
    const later = T0 + 3_600_000;
    for (let i = 0; i < 3; i++) assert.equal(bucket.take(later), 0);
    assert.ok(bucket.take(later) > 0);
  });

  it('says how long until the next token', () => {
    const bucket = new TokenBucket(1, 2, T0); // one token per 500 ms
    assert.equal(bucket.take(T0), 0);
    assert.equal(bucket.take(T0), 500);
    // Times picked so the token counts are exact in binary floating point.
    assert.equal(bucket.take(T0 + 125), 375);
    assert.equal(bucket.take(T0 + 250), 250);
    assert.equal(bucket.take(T0 + 500), 0);
  });

  it('rounds the wait up, so retrying after it succeeds', () => {
    for (const perSecond of [1, 3, 7, 20, 60, 999]) {
      const bucket = new TokenBucket(1, perSecond, T0);
      bucket.take(T0);
      let now = T0 + 1;
      const wait = bucket.take(now);
      assert.ok(wait > 0, `perSecond=${perSecond}`);
      now += wait;
      assert.equal(bucket.take(now), 0, `perSecond=${perSecond}: retry after ${wait} ms`);
    }
  });

  it('knows when it has refilled completely', () => {
    const bucket = new TokenBucket(2, 10, T0);
    assert.ok(bucket.fullAt(T0));
    bucket.take(T0);
    assert.ok(!bucket.fullAt(T0 + 50));
    assert.ok(bucket.fullAt(T0 + 100));
  });
});

describe('SharedBuckets', () => {
  it('keeps what one key spent across takes, apart from other keys', () => {
    const buckets = new SharedBuckets(2, 1);
    assert.equal(buckets.take('ada', T0), 0);
    assert.equal(buckets.take('ada', T0), 0);
    assert.ok(buckets.take('ada', T0) > 0, 'the third in one burst waits');
    assert.equal(buckets.take('bob', T0), 0, 'another key has its own allowance');
    assert.equal(buckets.take('ada', T0 + 1000), 0, 'and refills at its rate');
  });

  it('forgets only buckets that have refilled, once it holds many', () => {
    const buckets = new SharedBuckets(1, 1);
    for (let i = 0; i < 9_999; i++) buckets.take(`k${i}`, T0);
    buckets.take('spent', T0 + 1_500);
    buckets.take('new', T0 + 1_500); // the 10,001st key: a prune first
    assert.ok(buckets.take('spent', T0 + 1_500) > 0, 'a spent bucket is kept through a prune');
    assert.ok(buckets.size < 100, `full buckets are forgotten (${buckets.size} left)`);
  });
});
