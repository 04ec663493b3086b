import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Row } from './cells.js';
import { paired } from './headline.js';

const row = (system: Row['system'], pair: number, tokensPerSec?: number): Row => ({
  mode: 'sat',
  n: 100,
  streams: 10,
  system,
  hosts: 1,
  notes: [],
  pair,
  tokensPerSec,
});
const tps = (r: Row) => r.tokensPerSec;

test('paired: geometric mean of the ratios of the pairs, with a Student t interval', () => {
  // Ratios 2 and 0.5 then 1.1 twice: logs ln2, -ln2, ln1.1, ln1.1.
  const a = [row('room', 0, 200), row('room', 1, 50), row('room', 2, 110), row('room', 3, 11)];
  const b = [row('mo', 3, 10), row('mo', 2, 100), row('mo', 1, 100), row('mo', 0, 100)];
  const p = paired(a, b, tps);
  const logs = [Math.log(2), -Math.log(2), Math.log(1.1), Math.log(1.1)];
  const mean = logs.reduce((s, l) => s + l) / 4;
  const sd = Math.sqrt(logs.reduce((s, l) => s + (l - mean) ** 2, 0) / 3);
  const half = (3.18 * sd) / 2; // t for 3 degrees of freedom, sqrt(4) pairs
  assert.equal(p.pairs, 4);
  assert.ok(Math.abs(p.ratio - Math.exp(mean)) < 1e-12);
  assert.ok(Math.abs(p.lo - Math.exp(mean - half)) < 1e-12);
  assert.ok(Math.abs(p.hi - Math.exp(mean + half)) < 1e-12);
});

test('paired: a run without its partner or without a figure is left out', () => {
  const a = [row('room', 0, 120), row('room', 1, 90), row('room', 2, NaN), row('room', 3, 100)];
  const b = [row('mo', 0, 100), row('mo', 2, 100), row('mo', 3, 100)];
  const p = paired(a, b, tps);
  assert.equal(p.pairs, 2);
  assert.ok(Math.abs(p.ratio - Math.sqrt(1.2)) < 1e-12);
});

test('paired: one pair has a ratio but no interval; none has neither', () => {
  const one = paired([row('room', 0, 150)], [row('mo', 0, 100)], tps);
  assert.equal(one.pairs, 1);
  assert.equal(one.ratio, 1.5);
  assert.ok(Number.isNaN(one.lo) && Number.isNaN(one.hi));
  const none = paired([row('room', 0, 150)], [row('mo', 1, 100)], tps);
  assert.equal(none.pairs, 0);
  assert.ok(Number.isNaN(none.ratio));
});
