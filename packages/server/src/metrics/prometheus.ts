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
 * A room's figures in the Prometheus / OpenMetrics text format: counters since the room started,
 * gauges for what is live now, and latency histograms with buckets (from the HdrHistograms). Labels
 * carry the room, so one scrape config covers every room.
 */
export function prometheusText(m: RoomMetrics, h: LatencyHistograms): string {
  const room = label(m.room);
  const lines: string[] = [];
  const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
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
    const name = `realstream_${snake(c)}_total`;
    metric(name, 'counter', HELP[c], [[`{room="${room}"}`, m.total[c]]]);
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
  const seen = new Set<string>();
  const r = `room="${room}"`;
  const ttftHelp = 'Time to first token of replies.';
  histogramLines(lines, seen, 'realstream_ttft_milliseconds', ttftHelp, r, h.ttft);
  const durationHelp = 'Duration of replies.';
  histogramLines(
    lines,
    seen,
    'realstream_reply_duration_milliseconds',
    durationHelp,
    r,
    h.replyDuration,
  );
  for (const [tool, latency] of h.tools) {
    const labels = `${r},tool="${label(tool)}"`;
    histogramLines(
      lines,
      seen,
      'realstream_tool_latency_milliseconds',
      'Tool call latency.',
      labels,
      latency,
    );
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

function histogramLines(
  lines: string[],
  seen: Set<string>,
  name: string,
  help: string,
  labels: string,
  h: Histogram,
): void {
  // HELP and TYPE once per family, however many label sets follow.
  if (!seen.has(name)) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
    seen.add(name);
  }
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
