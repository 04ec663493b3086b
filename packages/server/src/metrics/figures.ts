import type { SeriesPoint, ToolFigures, WindowFigures } from '@realstream/protocol';
import { histogram, latencyOf, merged, recordLatency, type Histogram } from './latency.js';

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

/** Everything recorded during one stretch of time. */
export class Bucket {
  readonly counts = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<Counter, number>;
  readonly ttft = histogram();
  readonly replyDuration = histogram();
  readonly tools = new Map<string, ToolBucket>();

  constructor(readonly start: number) {}

  count(counter: Counter, n: number): void {
    this.counts[counter] += n;
  }

  tool(name: string, status: string, ms: number): void {
    let t = this.tools.get(name);
    if (!t) this.tools.set(name, (t = { calls: 0, errors: 0, timeouts: 0, latency: histogram() }));
    t.calls++;
    if (status === 'error') t.errors++;
    if (status === 'timeout') t.timeouts++;
    recordLatency(t.latency, ms);
  }
}

/** The figures of several buckets together, over `seconds`. */
export function figuresOf(buckets: Bucket[], seconds: number): WindowFigures {
  const counts = Object.fromEntries(
    COUNTERS.map((c) => [c, buckets.reduce((n, b) => n + b.counts[c], 0)]),
  ) as Record<Counter, number>;
  return {
    seconds,
    ...counts,
    ttft: latencyOf(merged(buckets.map((b) => b.ttft))),
    replyDuration: latencyOf(merged(buckets.map((b) => b.replyDuration))),
  };
}

export function toolFiguresOf(buckets: Bucket[]): ToolFigures[] {
  const names = new Set(buckets.flatMap((b) => [...b.tools.keys()]));
  return [...names].sort().map((name) => {
    const parts = buckets.flatMap((b) => {
      const t = b.tools.get(name);
      return t ? [t] : [];
    });
    return {
      name,
      calls: parts.reduce((n, t) => n + t.calls, 0),
      errors: parts.reduce((n, t) => n + t.errors, 0),
      timeouts: parts.reduce((n, t) => n + t.timeouts, 0),
      latency: latencyOf(merged(parts.map((t) => t.latency))),
    };
  });
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
