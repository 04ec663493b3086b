import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_JSON_DEPTH, exceedsDepth, jsonDepth } from './json-depth.js';

describe('jsonDepth', () => {
  it('counts containers on the deepest path', () => {
    assert.equal(jsonDepth(1), 0);
    assert.equal(jsonDepth(null), 0);
    assert.equal(jsonDepth('[[[]]]'), 0);
    assert.equal(jsonDepth({}), 1);
    assert.equal(jsonDepth([[1], { a: [{}] }]), 4);
  });

  it('measures a 100,000-deep value without recursing, and stops past the limit', () => {
    const raw = '['.repeat(100_000) + ']'.repeat(100_000);
    const value: unknown = JSON.parse(raw);
    assert.equal(jsonDepth(value, 200_000), 100_000);
    assert.equal(jsonDepth(value), MAX_JSON_DEPTH + 1);
    assert.equal(exceedsDepth(value), true);
  });

  it(`allows exactly the limit (${MAX_JSON_DEPTH})`, () => {
    let v: unknown = 0;
    for (let i = 0; i < MAX_JSON_DEPTH; i++) v = { v };
    assert.equal(exceedsDepth(v), false);
    assert.equal(exceedsDepth({ v }), true);
  });
});
