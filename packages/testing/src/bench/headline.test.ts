import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Row } from './cells.js';
import { figures, metricsVerdict, paired } from './headline.js';

const row = (system: Row['system'], pair: number, tokensPerSec?: number, slot?: number): Row => ({
  mode: 'sat',
  n: 100,
  streams: 10,
  system,
  hosts: 1,
  notes: [],
  pair,
  slot,
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

test('paired: the order effect cancels out (AB/BA crossover) instead of widening the interval', () => {
  // The same system both sides: 40% faster when first, whichever it is.
  const first = [1.4, 1.42, 1.38];
  const a = [
    ...first.map((r, i) => row('room', 2 * i, 100 * r, 0)),
    ...first.map((r, i) => row('room', 2 * i + 1, 100, 1)),
  ];
  const b = [
    ...first.map((_, i) => row('mo', 2 * i, 100, 1)),
    ...[1.4, 1.38, 1.42].map((r, i) => row('mo', 2 * i + 1, 100 * r, 0)),
  ];
  const p = paired(a, b, tps);
  assert.equal(p.pairs, 6);
  assert.ok(Math.abs(p.ratio - 1) < 1e-12, `ratio ${p.ratio}`);
  assert.ok(p.lo > 0.97 && p.hi < 1.03, `interval ${p.lo}–${p.hi}`);
  assert.ok(Math.abs(p.first - 1.4) < 0.01, `going first ×${p.first}`);
  // Taken as plain pairs, the same runs could not tell 1.0 from 1.4 either way.
  const plain = paired(
    a.map((r) => ({ ...r, slot: undefined })),
    b.map((r) => ({ ...r, slot: undefined })),
    tps,
  );
  assert.ok(plain.lo < 0.75 && plain.hi > 1.3, `plain interval ${plain.lo}–${plain.hi}`);
  assert.ok(Number.isNaN(plain.first), 'no order effect without both turns');
});

test('metricsVerdict: within 10% only at the worse end of every interval', () => {
  const cpu = { name: 'server CPU per token', at: 1.01, end: 1.02 };
  const p99 = { name: 'paced p99', at: 1.05, end: 1.09 };
  assert.equal(
    metricsVerdict([cpu, p99]),
    'Verdict: within 10% at the worse end of every 95% interval',
  );
  assert.match(
    metricsVerdict([cpu, { ...p99, end: 1.18 }]),
    /^Verdict: every figure within 10%, but the interval of paced p99 still reaches past 10%/,
  );
  assert.equal(
    metricsVerdict([cpu, { ...p99, at: 1.12, end: 1.3 }]),
    'Verdict: past 10% for paced p99',
  );
  assert.equal(
    metricsVerdict([cpu, { name: 'saturation tokens/s', at: NaN, end: NaN }]),
    'Verdict: within 10% at the worse end of every 95% interval (not measured: saturation tokens/s)',
  );
  assert.equal(metricsVerdict([{ ...cpu, at: NaN, end: NaN }]), 'Verdict: n/a');
});

test('figures: coalescing_gain and paced_p99_vs_ws are pair ratios; a late baseline run drops its pair', () => {
  const cell = (
    system: Row['system'],
    mode: Row['mode'],
    pair: number,
    slot: number,
    f: Partial<Row>,
  ): Row => ({
    ...row(system, pair, undefined, slot),
    mode,
    ...f,
  });
  const rows: Row[] = [];
  for (let k = 0; k < 4; k++) {
    // The machine's speed changes from run to run; the ratios within a run do not.
    const speed = [1, 0.5, 2, 1.5][k];
    rows.push(cell('room', 'sat', k, 0, { tokensPerSec: 1e6 * speed }));
    rows.push(cell('nc', 'sat', k, 1, { tokensPerSec: 1e4 * speed }));
    rows.push(cell('room', 'paced', k, 0, { p99: 40 / speed, keptPace: true }));
    const late = k === 3;
    rows.push(cell('ws', 'paced', k, 1, { p99: late ? 900 : 10 / speed, keptPace: !late }));
  }
  const head = {
    n: 100,
    s: 10,
    y: { n: 100, s: 10 },
    yWhy: 'N=100, 10 streams',
    m: { n: 100, s: 10 },
  };
  const f = figures(head, rows, []);
  assert.equal(f.gain, '100.00');
  assert.equal(f.p99, '4.00');
  const p99Line = f.lines.find((l) => l.startsWith('- paced_p99_vs_ws'));
  assert.match(
    p99Line ?? '',
    /= 4\.00 \(95%: 4\.00–4\.00, 3 pairs\)/,
    'identical ratios: no spread, and 3 pairs',
  );
  assert.match(
    p99Line ?? '',
    /left out with their pairs: bare ws runs that fell behind, p99 \[900\] ms/,
  );
});
