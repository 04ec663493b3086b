import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs } from './backoff.js';

describe('MCP reconnect back-off', () => {
  it('doubles from 1 s to at most 60 s', () => {
    const none = () => 0;
    assert.deepEqual(
      [1, 2, 3, 4, 7, 8, 20].map((n) => backoffMs(n, none)),
      [1000, 2000, 4000, 8000, 60_000, 60_000, 60_000],
    );
  });

  it('takes up to a fifth off at random', () => {
    assert.equal(
      backoffMs(3, () => 1),
      3200,
    );
    assert.equal(
      backoffMs(3, () => 0.5),
      3600,
    );
  });
});
