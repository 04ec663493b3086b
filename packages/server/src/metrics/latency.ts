// The Int32 JS histogram alone: the package index also pulls in WebAssembly and log encoding
// (which calls eval, forbidden in workerd), and rooms need neither.
import * as int32 from 'hdr-histogram-js/dist/Int32Histogram.js';
import type { Int32Histogram as Histogram } from 'hdr-histogram-js';
import type { Latency } from '@realstream/protocol';

// The type by its named export from the index: the published declarations name it, and
// `typeof int32.default` would mean the module, not the class, under node16/nodenext resolution.
type HistogramClass = typeof Histogram;

// A CommonJS module with `exports.default`: node's loader nests it one level deeper than esbuild's.
function classOf(mod: { default: unknown }): HistogramClass {
  const nested = mod.default as HistogramClass | { default: HistogramClass };
  return 'default' in nested ? nested.default : nested;
}
const Int32Histogram = classOf(int32 as { default: unknown });

/**
 * Latencies from 1 ms to 1 hour, 2 significant digits (~1% error). A plain counts array of ~8 KB:
 * recording, adding two together and reading percentiles each take microseconds.
 */
export function histogram(): Histogram {
  return new Int32Histogram(1, 3_600_000, 2);
}

export function recordLatency(h: Histogram, ms: number): void {
  h.recordValue(Math.min(3_600_000, Math.max(1, Math.round(ms))));
}

/**
 * A histogram's recorded values as (value, count) pairs: how a closed bucket keeps its latencies.
 * A room keeps 90 closed buckets, so they must be small, and the running window sums add each one
 * in and take it out again, so that must be quick. hdr-histogram-js's PackedHistogram is small but
 * was not quick: in node, adding one into a sum took ~0.7 ms and reading its percentiles ~1 ms,
 * which made every ops report stall its room for ~2.7 ms.
 */
export interface Recorded {
  readonly values: readonly number[];
  readonly counts: readonly number[];
  readonly total: number;
}

export function recordedOf(h: Histogram): Recorded {
  const values: number[] = [];
  const counts: number[] = [];
  if (h.totalCount > 0) {
    const it = h.recordedValuesIterator;
    it.reset();
    while (it.hasNext()) {
      const v = it.next();
      values.push(v.valueIteratedTo);
      counts.push(v.countAtValueIteratedTo);
    }
  }
  return { values, counts, total: h.totalCount };
}

/**
 * Adds `part` into `sum` (sign 1) or takes it out (sign -1). Taking out goes through `scratch`, a
 * histogram of the same shape, because hdr's subtract is what finds the sum's new max once its
 * largest value has left.
 */
export function combine(sum: Histogram, part: Recorded, sign: 1 | -1, scratch: Histogram): void {
  if (part.total === 0) return;
  const into = sign === 1 ? sum : scratch;
  if (sign === -1) scratch.reset();
  for (let i = 0; i < part.values.length; i++) {
    into.recordValueWithCount(part.values[i], part.counts[i]);
  }
  if (sign === -1) sum.subtract(scratch);
}

export function latencyOf(h: Histogram): Latency {
  if (h.totalCount === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  return {
    count: h.totalCount,
    p50: h.getValueAtPercentile(50),
    p95: h.getValueAtPercentile(95),
    p99: h.getValueAtPercentile(99),
    max: h.maxValue,
  };
}

export type { Histogram };

/** Upper bounds (ms) of the Prometheus histogram buckets; `+Inf` is added. */
export const PROMETHEUS_BOUNDS = [
  5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000,
];

/** Cumulative counts at each bound, and the sum of all values, from the recorded values. */
export function cumulative(h: Histogram, bounds: number[]): { counts: number[]; sum: number } {
  const counts = bounds.map(() => 0);
  let sum = 0;
  const it = h.recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    const value = h.medianEquivalentValue(v.valueIteratedTo);
    sum += value * v.countAtValueIteratedTo;
    bounds.forEach((b, i) => {
      if (value <= b) counts[i] += v.countAtValueIteratedTo;
    });
  }
  return { counts, sum };
}
