import type { SeriesPoint, ToolFigures, WindowFigures } from '@realstream/protocol';
import { denseHistogram, histogram, latencyOf, recordLatency, type Histogram } from './latency.js';

/** The counters a room keeps per bucket (and since it started). */
export const COUNTERS = [
  'joins',
  'leaves',
  'messagesIn',
  'messagesOut',
  'tokens',
  'replies',
  'replyErrors',
  'resumes',
  'snapshots',
  'replayedEvents',
  'rateLimited',
  'badFrames',
  'framesOut',
  'bytesOut',
  'storageWrites',
  'toolCalls',
  'toolErrors',
] as const;
export type Counter = (typeof COUNTERS)[number];

interface ToolBucket {
  calls: number;
  errors: number;
  timeouts: number;
  latency: Histogram;
}

const zeroCounts = () => Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<Counter, number>;

/**
 * Everything recorded during one stretch of time. Buckets keep sparse (packed) histograms: a room
 * holds 90 of them. The totals are a dense bucket: one, read every time.
 */
export class Bucket {
  readonly counts = zeroCounts();
  readonly ttft: Histogram;
  readonly replyDuration: Histogram;
  readonly tools = new Map<string, ToolBucket>();
  /** Its point of the series, computed once when the bucket closes (it never changes after). */
  point?: SeriesPoint;
  /** Still part of the last-minute window sum. */
  inMinute = false;

  constructor(
    readonly start: number,
    private readonly dense = false,
  ) {
    this.ttft = dense ? denseHistogram() : histogram();
    this.replyDuration = dense ? denseHistogram() : histogram();
  }

  count(counter: Counter, n: number): void {
    this.counts[counter] += n;
  }

  tool(name: string, status: string, ms: number): void {
    let t = this.tools.get(name);
    if (!t) {
      const latency = this.dense ? denseHistogram() : histogram();
      this.tools.set(name, (t = { calls: 0, errors: 0, timeouts: 0, latency }));
    }
    t.calls++;
    if (status === 'error') t.errors++;
    if (status === 'timeout') t.timeouts++;
    recordLatency(t.latency, ms);
  }
}

/**
 * The sum of the closed buckets of a window, kept up to date as buckets close (added) and leave the
 * window (subtracted), so reading a window costs two histogram additions, not ninety.
 */
export class WindowSum {
  private readonly counts = zeroCounts();
  private readonly ttft = denseHistogram();
  private readonly replyDuration = denseHistogram();
  private readonly tools = new Map<string, ToolBucket>();

  add(b: Bucket, sign: 1 | -1): void {
    for (const c of COUNTERS) this.counts[c] += sign * b.counts[c];
    combine(this.ttft, b.ttft, sign);
    combine(this.replyDuration, b.replyDuration, sign);
    for (const [name, t] of b.tools) {
      let sum = this.tools.get(name);
      if (!sum) {
        sum = { calls: 0, errors: 0, timeouts: 0, latency: denseHistogram() };
        this.tools.set(name, sum);
      }
      sum.calls += sign * t.calls;
      sum.errors += sign * t.errors;
      sum.timeouts += sign * t.timeouts;
      combine(sum.latency, t.latency, sign);
      if (sum.calls === 0) this.tools.delete(name);
    }
  }

  /** The window's figures: the closed buckets' sum plus the bucket still filling. */
  figures(current: Bucket, seconds: number): WindowFigures {
    const counts = zeroCounts();
    for (const c of COUNTERS) counts[c] = this.counts[c] + current.counts[c];
    return {
      seconds,
      ...counts,
      ttft: latencyOf(sum(this.ttft, current.ttft)),
      replyDuration: latencyOf(sum(this.replyDuration, current.replyDuration)),
    };
  }

  toolFigures(current: Bucket): ToolFigures[] {
    const names = new Set([...this.tools.keys(), ...current.tools.keys()]);
    return [...names].sort().map((name) => {
      const a = this.tools.get(name);
      const b = current.tools.get(name);
      const latency = a && b ? sum(a.latency, b.latency) : (a ?? b)!.latency;
      return {
        name,
        calls: (a?.calls ?? 0) + (b?.calls ?? 0),
        errors: (a?.errors ?? 0) + (b?.errors ?? 0),
        timeouts: (a?.timeouts ?? 0) + (b?.timeouts ?? 0),
        latency: latencyOf(latency),
      };
    });
  }
}

/** The figures of one bucket alone (the totals). */
export function figuresOf(b: Bucket, seconds: number): WindowFigures {
  return {
    seconds,
    ...b.counts,
    ttft: latencyOf(b.ttft),
    replyDuration: latencyOf(b.replyDuration),
  };
}

function combine(into: Histogram, part: Histogram, sign: 1 | -1): void {
  if (part.totalCount === 0) return;
  if (sign === 1) into.add(part);
  else into.subtract(part);
}

function sum(a: Histogram, b: Histogram): Histogram {
  if (b.totalCount === 0) return a;
  if (a.totalCount === 0) return b;
  const out = denseHistogram();
  out.add(a);
  out.add(b);
  return out;
}

export function pointOf(bucket: Bucket, end: number): SeriesPoint {
  const ttft = latencyOf(bucket.ttft);
  const c = bucket.counts;
  return {
    t: end,
    messagesIn: c.messagesIn,
    messagesOut: c.messagesOut,
    tokens: c.tokens,
    errors: c.replyErrors + c.toolErrors + c.badFrames,
    ttftP50: ttft.p50,
    ttftP95: ttft.p95,
    ttftP99: ttft.p99,
  };
}

export { recordLatency };
