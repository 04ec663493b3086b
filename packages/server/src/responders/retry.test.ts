import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoff, retryAfterMs, sleep } from './retry.js';

describe('retryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  const at = (headers: Record<string, string>) => retryAfterMs(new Headers(headers), now);

  it('reads seconds, fractional seconds and milliseconds', () => {
    assert.equal(at({ 'retry-after': '1' }), 1000);
    assert.equal(at({ 'retry-after': ' 2.5 ' }), 2500);
    assert.equal(at({ 'retry-after-ms': '150', 'retry-after': '1' }), 150);
  });

  it('reads an HTTP date, and a date in the past as now', () => {
    assert.equal(at({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), 3000);
    assert.equal(at({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }), 0);
  });

  it('ignores a missing or unreadable header', () => {
    assert.equal(at({}), undefined);
    assert.equal(at({ 'retry-after': 'soon' }), undefined);
    assert.equal(at({ 'retry-after': '-1' }), undefined);
  });
});

describe('backoff', () => {
  it('doubles with each attempt, with at most 25% jitter', () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const ms = backoff(100, attempt);
      assert.ok(
        ms >= 100 * 2 ** attempt && ms <= 125 * 2 ** attempt,
        `${ms} for attempt ${attempt}`,
      );
    }
  });
});

describe('sleep', () => {
  it('resolves true after the time, and false at once on abort', async () => {
    const controller = new AbortController();
    assert.equal(await sleep(5, controller.signal), true);
    const started = Date.now();
    const pending = sleep(10_000, controller.signal);
    controller.abort();
    assert.equal(await pending, false);
    assert.ok(Date.now() - started < 1000);
  });
});
