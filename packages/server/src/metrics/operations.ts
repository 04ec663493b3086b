import type { EventFrame, RoomMetrics, RoomSummary, ServerFrame } from '@realstream/protocol';
import type { Counter } from './figures.js';
import { metricsText, type MetricsFormat } from './prometheus.js';
import { MetricsRecorder, type Connected, type ResponderState } from './recorder.js';
import { Tap, type TapFilter } from './tap.js';

/** How often subscribed operators get a `metrics` frame. */
const METRICS_MS = 1000;

export interface LiveView {
  people(): Connected[];
  /** How many are connected: what a report needs of people(), without building the list. */
  connections(): number;
  streaming(): number;
  toolsRunning(): number;
  /** Storage writes so far (the event log counts them). */
  storageWrites(): number;
  /** The responders the room may use, and what each learned about its model. */
  responders(): ResponderState[];
}

/**
 * What operators see of a room: the metrics recorder, `metrics` frames about once a second to the
 * operators who asked, and the event tap. With metrics off (REALSTREAM_METRICS=off) nothing is
 * recorded: the benchmark compares the two.
 */
export class Operations {
  readonly recorder: MetricsRecorder;
  readonly tap = new Tap();
  private readonly subscribers = new Map<string, (frame: ServerFrame) => void>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private writesSeen = 0;

  constructor(
    room: string,
    private readonly live: LiveView,
    readonly enabled: boolean,
  ) {
    this.recorder = new MetricsRecorder(room);
  }

  count(counter: Counter, n = 1): void {
    if (this.enabled) this.recorder.count(counter, n);
  }

  ttft(ms: number): void {
    if (this.enabled) this.recorder.ttft(ms);
  }

  /** A reply from `responder` ended after `ms`; `errorCode` when it failed. */
  replyEnded(ms: number, responder: string, errorCode?: string): void {
    if (!this.enabled) return;
    this.recorder.replyDuration(ms);
    this.recorder.count('replies');
    if (errorCode) this.recorder.count('replyErrors');
    this.recorder.reply(responder, errorCode);
  }

  toolEnded(name: string, status: string, ms: number): void {
    if (this.enabled) this.recorder.tool(name, status, ms);
  }

  /** A frame arrived from `connection`. */
  frameIn(connection: string, raw: string, type: string): void {
    if (this.tap.active) {
      this.tap.record({ at: Date.now(), dir: 'in', type, bytes: raw.length, connection }, raw);
    }
  }

  /** `encoded` went to `recipients` connections; `frames` are the events in it, if any. */
  framesOut(encoded: string, recipients: number, connection: string, frames?: EventFrame[]): void {
    if (this.enabled && recipients > 0) {
      this.recorder.count('framesOut', recipients);
      this.recorder.count('bytesOut', encoded.length * recipients);
    }
    if (!this.tap.active) return;
    const now = Date.now();
    if (!frames) {
      const type = /^\{"type":"([^"]+)"/.exec(encoded)?.[1] ?? 'frame';
      this.tap.record({ at: now, dir: 'out', type, bytes: encoded.length, connection }, encoded);
      return;
    }
    for (const f of frames) {
      const text = frames.length === 1 ? encoded : JSON.stringify(f);
      this.tap.record(
        {
          at: now,
          dir: 'out',
          type: `event:${f.event.type}`,
          seq: f.seq,
          bytes: text.length,
          connection,
          latencyMs: now - f.at,
        },
        text,
      );
    }
  }

  snapshot(): RoomMetrics {
    this.catchUpWrites();
    return this.recorder.snapshot({
      people: this.live.people(),
      streaming: this.live.streaming(),
      toolsRunning: this.live.toolsRunning(),
      responders: this.live.responders(),
    });
  }

  /** What the room tells the ops party every few seconds: cheaper than a snapshot. */
  summary(room: string, party: string): RoomSummary {
    this.catchUpWrites();
    return {
      room,
      party,
      connections: this.live.connections(),
      streaming: this.live.streaming(),
      toolsRunning: this.live.toolsRunning(),
      ...this.recorder.windows(),
    };
  }

  /** The event log counts its storage writes; the metrics take what is new since the last read. */
  private catchUpWrites(): void {
    const writes = this.live.storageWrites();
    this.count('storageWrites', writes - this.writesSeen);
    this.writesSeen = writes;
  }

  /** The room's figures as OpenMetrics or Prometheus text (see metricsText). */
  text(format: MetricsFormat): string {
    return metricsText(this.snapshot(), this.recorder.histograms(), format);
  }

  subscribe(connection: string, send: (frame: ServerFrame) => void): void {
    this.subscribers.set(connection, send);
    send({ type: 'metrics', metrics: this.snapshot() });
    this.timer ??= setInterval(() => this.publish(), METRICS_MS);
  }

  unsubscribe(connection: string): void {
    this.subscribers.delete(connection);
    if (!this.subscribers.size && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  watch(connection: string, filter: TapFilter, send: (frame: ServerFrame) => void): void {
    this.tap.add(connection, filter, send);
  }

  connectionGone(connection: string): void {
    this.unsubscribe(connection);
    this.tap.remove(connection);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.subscribers.clear();
    this.tap.stop();
  }

  private publish(): void {
    const frame: ServerFrame = { type: 'metrics', metrics: this.snapshot() };
    for (const send of this.subscribers.values()) send(frame);
  }
}
