import type { LatencyHistograms } from './prometheus.js';
import type { ResponderFigures, RoomMetrics, WindowFigures } from '@realstream/protocol';
import {
  Bucket,
  emptyPoint,
  figuresOf,
  pointOf,
  recordLatency,
  WindowSum,
  type ClosedBucket,
  type Counter,
} from './figures.js';

/** Bucket length: the resolution of the 1- and 15-minute windows and of the chart series. */
export const BUCKET_MS = 10_000;
const KEEP = (15 * 60_000) / BUCKET_MS;
/** Closed buckets in the last-minute window, besides the one filling. */
const MINUTE = 60_000 / BUCKET_MS;

export interface Connected {
  connectionId: string;
  userId: string;
  name: string;
  role: 'viewer' | 'member' | 'operator';
  connectedAt: number;
}

/**
 * A room's live figures: counters and HdrHistogram latencies in 10-second buckets (the last 15
 * minutes of them) plus totals since the room started. Recording is a few additions. The windows are
 * running sums, updated as buckets close and expire, so reading them (once a second for a watching
 * operator) costs a few histogram additions, never a merge of every bucket.
 */
/** A responder the room may use, as the room knows it now. */
export interface ResponderState {
  name: string;
  toolsRefused: string | null;
}

export class MetricsRecorder {
  /** Replies and their error codes per responder, since the room started. */
  private readonly responders = new Map<string, { replies: number; errors: Map<string, number> }>();
  /** Closed buckets of the last 15 minutes, oldest first. */
  private readonly closed: ClosedBucket[] = [];
  private filling: Bucket;
  private readonly minute = new WindowSum();
  private readonly quarter = new WindowSum();
  private readonly totals: Bucket;

  constructor(
    private readonly room: string,
    private readonly now: () => number = Date.now,
    readonly startedAt = now(),
  ) {
    this.totals = new Bucket(startedAt);
    this.filling = new Bucket(this.bucketStart(startedAt));
  }

  count(counter: Counter, n = 1): void {
    this.current().count(counter, n);
    this.totals.count(counter, n);
  }

  ttft(ms: number): void {
    recordLatency(this.current().ttft, ms);
    recordLatency(this.totals.ttft, ms);
  }

  replyDuration(ms: number): void {
    recordLatency(this.current().replyDuration, ms);
    recordLatency(this.totals.replyDuration, ms);
  }

  /** A reply from `responder` ended, failed with `errorCode` if it has one. */
  reply(responder: string, errorCode?: string): void {
    let tally = this.responders.get(responder);
    if (!tally) this.responders.set(responder, (tally = { replies: 0, errors: new Map() }));
    tally.replies++;
    if (errorCode) tally.errors.set(errorCode, (tally.errors.get(errorCode) ?? 0) + 1);
  }

  /** Each of `responders` with its replies since the room started. */
  responderFigures(responders: readonly ResponderState[]): ResponderFigures[] {
    return responders.map(({ name, toolsRefused }) => {
      const tally = this.responders.get(name);
      const errors = [...(tally?.errors ?? [])]
        .map(([code, count]) => ({ code, count }))
        .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
      return { name, replies: tally?.replies ?? 0, errors, toolsRefused };
    });
  }

  tool(name: string, status: string, ms: number): void {
    this.current().tool(name, status, ms);
    this.totals.tool(name, status, ms);
    this.count('toolCalls');
    if (status === 'error' || status === 'timeout') this.count('toolErrors');
  }

  /** The figures now. `live` is what the room knows of itself at this moment. */
  snapshot(live: {
    people: Connected[];
    streaming: number;
    toolsRunning: number;
    responders: readonly ResponderState[];
  }): RoomMetrics {
    const now = this.now();
    const current = this.current();
    const connections = { total: live.people.length, viewer: 0, member: 0, operator: 0 };
    for (const p of live.people) connections[p.role]++;
    const byStart = new Map(this.closed.map((b) => [b.start, b]));
    const series = [];
    const first = current.start - (KEEP - 1) * BUCKET_MS;
    for (let start = first; start < current.start; start += BUCKET_MS) {
      series.push(byStart.get(start)?.point ?? emptyPoint(start + BUCKET_MS));
    }
    series.push(pointOf(current, current.start + BUCKET_MS));
    return {
      room: this.room,
      ...this.windows(now),
      startedAt: this.startedAt,
      connections,
      streaming: live.streaming,
      toolsRunning: live.toolsRunning,
      total: this.total(now),
      tools: this.quarter.toolFigures(current),
      mcp: [],
      responders: this.responderFigures(live.responders),
      series,
      bucketSeconds: BUCKET_MS / 1000,
      people: live.people,
    };
  }

  /** Just the two windows: what the ops report sends, without the series, people and tools. */
  windows(now = this.now()): {
    at: number;
    lastMinute: WindowFigures;
    last15Minutes: WindowFigures;
  } {
    const current = this.current();
    const up = (now - this.startedAt) / 1000;
    return {
      at: now,
      lastMinute: this.minute.figures(current, Math.min(60, up)),
      last15Minutes: this.quarter.figures(current, Math.min(900, up)),
    };
  }

  /** The raw latency histograms since the room started (Prometheus buckets come from them). */
  histograms(): LatencyHistograms {
    const tools = new Map([...this.totals.tools].map(([name, t]) => [name, t.latency]));
    return { ttft: this.totals.ttft, replyDuration: this.totals.replyDuration, tools };
  }

  total(now = this.now()): WindowFigures {
    return figuresOf(this.totals, (now - this.startedAt) / 1000);
  }

  private bucketStart(t: number): number {
    return t - (t % BUCKET_MS);
  }

  /**
   * The bucket filling now. When its time is up it closes: its series point is computed once, it
   * joins both window sums, and buckets too old for a window leave it.
   */
  private current(): Bucket {
    const start = this.bucketStart(this.now());
    if (this.filling.start === start) return this.filling;
    const done = this.filling.close(this.filling.start + BUCKET_MS);
    this.closed.push(done);
    this.minute.add(done, 1);
    this.quarter.add(done, 1);
    this.filling = new Bucket(start);
    for (const b of this.closed) {
      if (b.inMinute && b.start < start - MINUTE * BUCKET_MS) {
        b.inMinute = false;
        this.minute.add(b, -1);
      }
    }
    while (this.closed.length && this.closed[0].start <= start - KEEP * BUCKET_MS) {
      const old = this.closed.shift()!;
      if (old.inMinute) this.minute.add(old, -1);
      this.quarter.add(old, -1);
    }
    return this.filling;
  }
}
