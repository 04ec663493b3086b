// The packed JS histogram alone: the package index also pulls in WebAssembly and log encoding
// (which calls eval, forbidden in workerd), and rooms need neither.
import * as packed from 'hdr-histogram-js/dist/PackedHistogram.js';
import * as int32 from 'hdr-histogram-js/dist/Int32Histogram.js';
import type { Latency } from '@realstream/protocol';

type HistogramClass = typeof packed.default;
type Histogram = InstanceType<HistogramClass>;

// A CommonJS module with `exports.default`: node's loader nests it one level deeper than esbuild's.
function classOf(mod: { default: unknown }): HistogramClass {
  const nested = mod.default as HistogramClass | { default: HistogramClass };
  return 'default' in nested ? nested.default : nested;
}
const PackedHistogram = classOf(packed);
const Int32Histogram = classOf(int32 as { default: unknown });

/**
 * A dense histogram (~9 KB, fast to add into and to read percentiles from): for the few running
 * sums of a room (its windows and totals), where the sparse packed ones would be slow to merge.
 */
export function denseHistogram(): Histogram {
  return new Int32Histogram(1, 3_600_000, 2);
}

/** Latencies from 1 ms to 1 hour, 2 significant digits: ~1% error, a few hundred bytes when sparse. */
export function histogram(): Histogram {
  return new PackedHistogram(1, 3_600_000, 2);
}

export function recordLatency(h: Histogram, ms: number): void {
  h.recordValue(Math.min(3_600_000, Math.max(1, Math.round(ms))));
}

/** Adds every histogram into a fresh dense one. */
export function merged(parts: Histogram[]): Histogram {
  const out = denseHistogram();
  for (const p of parts) if (p.totalCount > 0) out.add(p);
  return out;
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
