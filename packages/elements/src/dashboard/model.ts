import { numberFormat } from '../internal/numbers.js';
import { bytesAmount, durationAmount, type Amount } from './amounts.js';
import type {
  DeploymentMetrics,
  RoomMetrics,
  SeriesPoint,
  TapEntry,
  WindowFigures,
} from '@realstream/client';

/**
 * The dashboard's arithmetic, free of Lit and the DOM: rates, trends, formatting, bounded buffers
 * and chart geometry. Everything here is a pure function or a small class a test drives directly.
 */

/** A fixed-capacity ring: pushing past capacity forgets the oldest. Memory never grows past it. */
export class Ring<T> {
  private items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.items = new Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    const cap = this.items.length;
    this.items[(this.start + this.count) % cap] = item;
    if (this.count < cap) this.count++;
    else this.start = (this.start + 1) % cap;
  }

  /** The `i`th item, oldest first. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.start + i) % this.items.length];
  }

  toArray(): T[] {
    return Array.from({ length: this.count }, (_, i) => this.at(i)!);
  }

  clear(): void {
    this.items = new Array(this.items.length);
    this.start = this.count = 0;
  }
}

/** The last `capacity` values seen per key: trends for figures the series does not carry. */
export class TrendHistory {
  private readonly rings = new Map<string, Ring<number>>();

  constructor(readonly capacity = 60) {}

  push(key: string, value: number): void {
    let ring = this.rings.get(key);
    if (!ring) this.rings.set(key, (ring = new Ring(this.capacity)));
    ring.push(value);
  }

  values(key: string): number[] {
    return this.rings.get(key)?.toArray() ?? [];
  }

  clear(): void {
    this.rings.clear();
  }
}

/** Events per second over a window; 0 for an empty window. */
export const rate = (count: number, seconds: number): number => (seconds > 0 ? count / seconds : 0);

export type TrendDirection = 'up' | 'down' | 'flat';

/**
 * The last minute against the last 15: `up` or `down` when the rate moved by more than `threshold`
 * (a fraction), with the change as a fraction of the baseline (null when there was no baseline).
 */
export function trend(
  recent: number,
  baseline: number,
  threshold = 0.1,
): { direction: TrendDirection; change: number | null } {
  if (baseline <= 0) return { direction: recent > 0 ? 'up' : 'flat', change: null };
  const change = (recent - baseline) / baseline;
  if (Math.abs(change) <= threshold) return { direction: 'flat', change };
  return { direction: change > 0 ? 'up' : 'down', change };
}

/** Errors of a window: failed replies, failed tools and refused frames. */
export const errorsOf = (w: WindowFigures): number => w.replyErrors + w.toolErrors + w.badFrames;

/** A room that has done nothing yet: no messages, replies or tool calls since it started. */
export function isQuiet(m: RoomMetrics): boolean {
  const t = m.total;
  return !t.messagesIn && !t.messagesOut && !t.replies && !t.toolCalls && !t.tokens;
}

const number = (digits: number, locale: string | undefined) =>
  numberFormat(locale, { maximumFractionDigits: digits });
const compact = (locale: string | undefined) =>
  numberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });

/** A count: grouped below 10 000, compact above (12.3K), in `locale` (the element's). */
export function formatCount(n: number, locale?: string): string {
  return Math.abs(n) < 10_000 ? number(0, locale).format(n) : compact(locale).format(n);
}

/** A rate: two decimals below 10, one below 100, none above. */
export function formatRate(perSecond: number, locale?: string): string {
  const a = Math.abs(perSecond);
  if (a >= 10_000) return compact(locale).format(perSecond);
  return number(a < 10 ? 2 : a < 100 ? 1 : 0, locale).format(perSecond);
}

/** A latency: milliseconds below a second, seconds (two decimals, one above 10 s) above. */
export function formatLatency(ms: number, locale?: string): Amount {
  return durationAmount(ms, locale);
}

/** Bytes (a size, or a rate with `perSecond`): binary multiples, one decimal. */
export function formatBytes(bytes: number, locale?: string, perSecond = false): Amount {
  return bytesAmount(bytes, locale, perSecond);
}

/** How long, in whole units: `[45, 's']`, `[3, 'min']`, `[[1, 'h'], [5, 'min']]` as parts. */
export function durationParts(ms: number): [number, 's' | 'min' | 'h' | 'd'][] {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return [[s, 's']];
  const min = Math.floor(s / 60);
  if (min < 60) return [[min, 'min']];
  const h = Math.floor(min / 60);
  if (h < 24)
    return min % 60
      ? [
          [h, 'h'],
          [min % 60, 'min'],
        ]
      : [[h, 'h']];
  const d = Math.floor(h / 24);
  return h % 24
    ? [
        [d, 'd'],
        [h % 24, 'h'],
      ]
    : [[d, 'd']];
}

const clockFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
/** HH:MM:SS in the reader's time zone. */
export const clock = (t: number): string => clockFormat.format(t);

/** The per-bucket values of one field of the series. */
export function seriesOf(series: readonly SeriesPoint[], key: keyof SeriesPoint): number[] {
  return series.map((p) => p[key]);
}

/** A round upper bound for a chart's axis (1, 2 or 5 times a power of ten), at least `floor`. */
export function niceMax(values: readonly number[], floor = 1): number {
  const max = Math.max(floor, ...values.filter(Number.isFinite));
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (max <= m * p) return m * p;
  return 10 * p;
}

/** SVG polyline points for `values` in a `width` x `height` box, 0 at the bottom, `max` at the top. */
export function linePoints(
  values: readonly number[],
  width: number,
  height: number,
  max = niceMax(values),
): string {
  if (!values.length) return '';
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const y = (v: number) => height - (Math.min(Math.max(v, 0), max) / max) * height;
  const r = (n: number) => Math.round(n * 10) / 10;
  if (values.length === 1) return `0,${r(y(values[0]))} ${width},${r(y(values[0]))}`;
  return values.map((v, i) => `${r(i * step)},${r(y(v))}`).join(' ');
}

/** One row of the all-rooms table. */
export interface RoomRow {
  room: string;
  party: string;
  connections: number;
  streaming: number;
  messagesPerMinute: number;
  /** Null while the window holds no reply: no time to first token to show. */
  ttftP95: number | null;
  errors: number;
}

/** The deployment's rooms as the table lists them: busiest first, then by name. */
export function roomRows(d: DeploymentMetrics | null): RoomRow[] {
  if (!d) return [];
  return d.rooms
    .map((r) => ({
      room: r.room,
      party: r.party,
      connections: r.connections,
      streaming: r.streaming,
      messagesPerMinute:
        rate(r.lastMinute.messagesIn + r.lastMinute.messagesOut, r.lastMinute.seconds) * 60,
      ttftP95: r.last15Minutes.ttft.count ? r.last15Minutes.ttft.p95 : null,
      errors: errorsOf(r.last15Minutes),
    }))
    .sort((a, b) => b.connections - a.connections || a.room.localeCompare(b.room));
}

/** The buffered entries as NDJSON: one JSON object a line, the frame parsed back when it is JSON. */
export function toNdjson(entries: readonly TapEntry[]): string {
  return entries
    .map((e) => JSON.stringify({ ...e, frame: parseFrame(e.frame) }))
    .join('\n')
    .concat(entries.length ? '\n' : '');
}

function parseFrame(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // cut to a few KB by the server: no longer valid JSON
  }
}

/** A frame for reading: pretty-printed JSON, or the text as it came when it is not JSON. */
export function prettyFrame(text: string): string {
  const value = parseFrame(text);
  return typeof value === 'string' && value === text ? text : JSON.stringify(value, null, 2);
}

/** Frame types typed by the operator ("message.send, event:tool") as the tap's filter takes them. */
export function parseTypes(input: string): string[] | undefined {
  const types = [
    ...new Set(
      input
        .split(/[\s,]+/)
        .map((t) => t.trim().slice(0, 64))
        .filter(Boolean),
    ),
  ].slice(0, 32);
  return types.length ? types : undefined;
}
