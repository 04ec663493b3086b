import type { Latency, SeriesPoint, ToolFigures, WindowFigures } from '@realstream/protocol';
import {
  combine,
  histogram,
  latencyOf,
  recordedOf,
  recordLatency,
  type Histogram,
  type Recorded,
} from './latency.js';

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

interface ToolTally<L> {
  calls: number;
  errors: number;
  timeouts: number;
  latency: L;
}

const zeroCounts = () => Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<Counter, number>;

/** The bucket filling now, and a room's totals: counters and histograms, recorded into directly. */
export class Bucket {
  readonly counts = zeroCounts();
  readonly ttft = histogram();
  readonly replyDuration = histogram();
  readonly tools = new Map<string, ToolTally<Histogram>>();

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

  /** What is kept of it once its time is up (at `end`): small, and never changed again. */
  close(end: number): ClosedBucket {
    const tools = new Map<string, ToolTally<Recorded>>();
    for (const [name, t] of this.tools) tools.set(name, { ...t, latency: recordedOf(t.latency) });
    return {
      start: this.start,
      counts: this.counts,
      ttft: recordedOf(this.ttft),
      replyDuration: recordedOf(this.replyDuration),
      tools,
      point: pointOf(this, end),
      inMinute: true,
    };
  }
}

/** A bucket of the last 15 minutes that is no longer filling. */
export interface ClosedBucket {
  readonly start: number;
  readonly counts: Readonly<Record<Counter, number>>;
  readonly ttft: Recorded;
  readonly replyDuration: Recorded;
  readonly tools: ReadonlyMap<string, ToolTally<Recorded>>;
  /** Its point of the series. */
  readonly point: SeriesPoint;
  /** Still part of the last-minute window sum. */
  inMinute: boolean;
}

/**
 * The sum of the closed buckets of a window, kept up to date as buckets close (added) and leave the
 * window (subtracted), so reading a window costs two histogram additions, not ninety.
 */
export class WindowSum {
  private readonly counts = zeroCounts();
  private readonly ttft = histogram();
  private readonly replyDuration = histogram();
  private readonly tools = new Map<string, ToolTally<Histogram>>();
  /** Working space for adding and reading, so neither allocates 8 KB. */
  private readonly scratch = histogram();

  add(b: ClosedBucket, sign: 1 | -1): void {
    for (const c of COUNTERS) this.counts[c] += sign * b.counts[c];
    combine(this.ttft, b.ttft, sign, this.scratch);
    combine(this.replyDuration, b.replyDuration, sign, this.scratch);
    for (const [name, t] of b.tools) {
      let sum = this.tools.get(name);
      if (!sum) {
        sum = { calls: 0, errors: 0, timeouts: 0, latency: histogram() };
        this.tools.set(name, sum);
      }
      sum.calls += sign * t.calls;
      sum.errors += sign * t.errors;
      sum.timeouts += sign * t.timeouts;
      combine(sum.latency, t.latency, sign, this.scratch);
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
      ttft: this.latency(this.ttft, current.ttft),
      replyDuration: this.latency(this.replyDuration, current.replyDuration),
    };
  }

  toolFigures(current: Bucket): ToolFigures[] {
    const names = new Set([...this.tools.keys(), ...current.tools.keys()]);
    return [...names].sort().map((name) => {
      const a = this.tools.get(name);
      const b = current.tools.get(name);
      return {
        name,
        calls: (a?.calls ?? 0) + (b?.calls ?? 0),
        errors: (a?.errors ?? 0) + (b?.errors ?? 0),
        timeouts: (a?.timeouts ?? 0) + (b?.timeouts ?? 0),
        latency: a && b ? this.latency(a.latency, b.latency) : latencyOf((a ?? b)!.latency),
      };
    });
  }

  /** The latency of `a` and `b` together. */
  private latency(a: Histogram, b: Histogram): Latency {
    if (b.totalCount === 0) return latencyOf(a);
    if (a.totalCount === 0) return latencyOf(b);
    this.scratch.reset();
    this.scratch.add(a);
    this.scratch.add(b);
    return latencyOf(this.scratch);
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

/** The point of a bucket with nothing in it. */
export function emptyPoint(end: number): SeriesPoint {
  return {
    t: end,
    messagesIn: 0,
    messagesOut: 0,
    tokens: 0,
    errors: 0,
    ttftP50: 0,
    ttftP95: 0,
    ttftP99: 0,
  };
}

export { recordLatency };
