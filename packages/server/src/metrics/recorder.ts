import type { LatencyHistograms } from './prometheus.js';
import type { RoomMetrics, WindowFigures } from '@realstream/protocol';
import {
  Bucket,
  figuresOf,
  pointOf,
  recordLatency,
  toolFiguresOf,
  type Counter,
} from './figures.js';

/** Bucket length: the resolution of the 1- and 15-minute windows and of the chart series. */
export const BUCKET_MS = 10_000;
const KEEP = (15 * 60_000) / BUCKET_MS;

export interface Connected {
  connectionId: string;
  userId: string;
  name: string;
  role: 'viewer' | 'member' | 'operator';
  connectedAt: number;
}

/**
 * A room's live figures: counters and HdrHistogram latencies in 10-second buckets (the last 15
 * minutes of them) plus totals since the room started. Recording is a few additions; the windows
 * are merged only when someone asks (a subscribed operator, GET metrics, the ops report).
 */
export class MetricsRecorder {
  private readonly buckets: Bucket[] = [];
  private readonly totals: Bucket;

  constructor(
    private readonly room: string,
    private readonly now: () => number = Date.now,
    readonly startedAt = now(),
  ) {
    this.totals = new Bucket(startedAt);
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

  tool(name: string, status: string, ms: number): void {
    this.current().tool(name, status, ms);
    this.totals.tool(name, status, ms);
    this.count('toolCalls');
    if (status === 'error' || status === 'timeout') this.count('toolErrors');
  }

  /** The figures now. `live` is what the room knows of itself at this moment. */
  snapshot(live: { people: Connected[]; streaming: number; toolsRunning: number }): RoomMetrics {
    const now = this.now();
    this.current();
    const last = (ms: number) => this.buckets.filter((b) => b.start > now - ms - BUCKET_MS);
    const connections = { total: live.people.length, viewer: 0, member: 0, operator: 0 };
    for (const p of live.people) connections[p.role]++;
    const series = [];
    const first = this.bucketStart(now) - (KEEP - 1) * BUCKET_MS;
    for (let start = first; start <= now; start += BUCKET_MS) {
      const b = this.buckets.find((x) => x.start === start) ?? new Bucket(start);
      series.push(pointOf(b, start + BUCKET_MS));
    }
    return {
      room: this.room,
      at: now,
      startedAt: this.startedAt,
      connections,
      streaming: live.streaming,
      toolsRunning: live.toolsRunning,
      lastMinute: figuresOf(last(60_000), Math.min(60, (now - this.startedAt) / 1000)),
      last15Minutes: figuresOf(last(900_000), Math.min(900, (now - this.startedAt) / 1000)),
      total: this.total(now),
      tools: toolFiguresOf(last(900_000)),
      series,
      bucketSeconds: BUCKET_MS / 1000,
      people: live.people,
    };
  }

  /** The raw latency histograms since the room started (Prometheus buckets come from them). */
  histograms(): LatencyHistograms {
    const tools = new Map([...this.totals.tools].map(([name, t]) => [name, t.latency]));
    return { ttft: this.totals.ttft, replyDuration: this.totals.replyDuration, tools };
  }

  total(now = this.now()): WindowFigures {
    return figuresOf([this.totals], (now - this.startedAt) / 1000);
  }

  /** Whether anything happened in the last `ms` (idle rooms stop reporting to the ops party). */
  activeWithin(ms: number): boolean {
    const since = this.now() - ms;
    return this.buckets.some(
      (b) => b.start + BUCKET_MS > since && Object.values(b.counts).some((n) => n > 0),
    );
  }

  private bucketStart(t: number): number {
    return t - (t % BUCKET_MS);
  }

  /** The bucket for now, rotating out the ones older than 15 minutes. */
  private current(): Bucket {
    const start = this.bucketStart(this.now());
    const last = this.buckets.at(-1);
    if (last?.start === start) return last;
    const b = new Bucket(start);
    this.buckets.push(b);
    while (this.buckets.length && this.buckets[0].start <= start - KEEP * BUCKET_MS)
      this.buckets.shift();
    return b;
  }
}
