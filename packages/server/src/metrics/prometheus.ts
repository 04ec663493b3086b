import type { RoomMetrics } from '@realstream/protocol';
import { COUNTERS } from './figures.js';
import { cumulative, PROMETHEUS_BOUNDS, type Histogram } from './latency.js';

/** The raw histograms since the room started, for buckets. */
export interface LatencyHistograms {
  ttft: Histogram;
  replyDuration: Histogram;
  tools: Map<string, Histogram>;
}

/**
 * The two text formats a scraper may ask for. They differ in three places: an OpenMetrics counter
 * family is named without its `_total` (the sample keeps it), a family with a unit says so in a
 * `# UNIT` line, and the exposition ends with `# EOF`; strict OpenMetrics parsers refuse the
 * Prometheus form, and the Prometheus text format has no EOF.
 */
export type MetricsFormat = 'openmetrics' | 'prometheus';

export const CONTENT_TYPES: Record<MetricsFormat, string> = {
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
};

/**
 * A room's figures as OpenMetrics or Prometheus text: counters since the room started, gauges for
 * what is live now, and latency histograms with buckets (from the HdrHistograms). Labels carry the
 * room, so one scrape config covers every room.
 */
export function metricsText(
  m: RoomMetrics,
  h: LatencyHistograms,
  format: MetricsFormat = 'openmetrics',
): string {
  const open = format === 'openmetrics';
  const room = label(m.room);
  const lines: string[] = [];
  const family = (name: string, type: string, help: string, unit?: string) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    if (open && unit) lines.push(`# UNIT ${name} ${unit}`);
  };
  const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
    family(name, type, help);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${num(value)}`);
  };
  const HELP: Record<(typeof COUNTERS)[number], string> = {
    joins: 'People who joined the room.',
    leaves: 'People who left the room.',
    messagesIn: 'Messages people sent.',
    messagesOut: 'Replies the assistant started.',
    tokens: 'Text chunks streamed by the assistant.',
    replies: 'Replies that ended.',
    replyErrors: 'Replies that failed.',
    resumes: 'Clients that resumed after a drop or a refresh.',
    snapshots: 'Resumes that needed a snapshot (the replay ring no longer had the events).',
    replayedEvents: 'Events replayed to resuming clients.',
    rateLimited: 'Frames refused by the rate limit.',
    badFrames: 'Frames refused as malformed.',
    framesOut: 'Frames sent to clients.',
    bytesOut: 'Bytes sent to clients.',
    storageWrites: 'Writes to room storage.',
    toolCalls: 'Tool calls that ended.',
    toolErrors: 'Tool calls that ended in an error or a timeout.',
  };
  for (const c of COUNTERS) {
    const name = `realstream_${snake(c)}`;
    family(open ? name : `${name}_total`, 'counter', HELP[c]);
    lines.push(`${name}_total{room="${room}"} ${num(m.total[c])}`);
  }
  metric('realstream_connections', 'gauge', 'Open connections by role.', [
    [`{room="${room}",role="viewer"}`, m.connections.viewer],
    [`{room="${room}",role="member"}`, m.connections.member],
    [`{room="${room}",role="operator"}`, m.connections.operator],
  ]);
  metric('realstream_streaming_replies', 'gauge', 'Replies streaming now.', [
    [`{room="${room}"}`, m.streaming],
  ]);
  metric('realstream_tools_running', 'gauge', 'Tool calls running now.', [
    [`{room="${room}"}`, m.toolsRunning],
  ]);
  const counter = (name: string, help: string, samples: [string, number][]) => {
    family(open ? name : `${name}_total`, 'counter', help);
    for (const [labels, value] of samples) lines.push(`${name}_total${labels} ${num(value)}`);
  };
  const byResponder = m.responders.map((x) => ({
    ...x,
    labels: `room="${room}",responder="${label(x.name)}"`,
  }));
  counter(
    'realstream_responder_replies',
    'Replies that ended, by responder.',
    byResponder.map((x) => [`{${x.labels}}`, x.replies]),
  );
  counter(
    'realstream_responder_errors',
    'Replies that failed, by responder and error code.',
    byResponder.flatMap((x) =>
      x.errors.map((e): [string, number] => [`{${x.labels},code="${label(e.code)}"}`, e.count]),
    ),
  );
  const seen = new Set<string>();
  const histogram = (name: string, help: string, labels: string, latency: Histogram) => {
    // HELP, TYPE and UNIT once per family, however many label sets follow.
    if (!seen.has(name)) family(name, 'histogram', help, 'milliseconds');
    seen.add(name);
    histogramLines(lines, name, labels, latency);
  };
  const r = `room="${room}"`;
  histogram('realstream_ttft_milliseconds', 'Time to first token of replies.', r, h.ttft);
  histogram('realstream_reply_duration_milliseconds', 'Duration of replies.', r, h.replyDuration);
  for (const [tool, latency] of h.tools) {
    histogram(
      'realstream_tool_latency_milliseconds',
      'Tool call latency.',
      `${r},tool="${label(tool)}"`,
      latency,
    );
  }
  if (open) lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

function histogramLines(lines: string[], name: string, labels: string, h: Histogram): void {
  const { counts, sum } = cumulative(h, PROMETHEUS_BOUNDS);
  PROMETHEUS_BOUNDS.forEach((le, i) =>
    lines.push(`${name}_bucket{${labels},le="${le}"} ${counts[i]}`),
  );
  lines.push(`${name}_bucket{${labels},le="+Inf"} ${h.totalCount}`);
  lines.push(`${name}_sum{${labels}} ${num(sum)}`);
  lines.push(`${name}_count{${labels}} ${h.totalCount}`);
}

function snake(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function label(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function num(n: number): string {
  return Number.isFinite(n) ? String(n) : 'NaN';
}
