import { atom } from 'nanostores';
import {
  CLIENT_CLOSED,
  type ConnectionState,
  type DeploymentMetrics,
  type DeploymentWatch,
  type Latency,
  type RoomMetrics,
  type RoomSummary,
  type SeriesPoint,
  type StatusReason,
  type User,
  type WindowFigures,
} from '@realstream/client';

/**
 * Generated figures for stories: a room's metrics at any tick, and a deployment of several rooms.
 * Deterministic: they depend only on the room, the tick (a fixed clock) and the load, never on
 * Math.random or the wall clock.
 */

/** The fixed clock the stories show (the figures' `at`). */
export const OPS_T0 = Date.UTC(2026, 10, 24, 9, 30);
const BUCKET_S = 10;
const BUCKETS = 90;

/** A repeatable number in [0, 1) for (seed, k). */
function noise(seed: number, k: number): number {
  let x = (Math.imul(seed + 1, 2654435761) ^ Math.imul(k + 7, 40503)) >>> 0;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return ((x >>> 0) % 10_000) / 10_000;
}

const seedOf = (s: string) => [...s].reduce((n, c) => (n * 31 + c.charCodeAt(0)) >>> 0, 7);

function latency(count: number, p50: number): Latency {
  if (!count) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  return {
    count,
    p50,
    p95: Math.round(p50 * 2.1),
    p99: Math.round(p50 * 3.4),
    max: Math.round(p50 * 4.2),
  };
}

function point(seed: number, k: number, load: number, t: number): SeriesPoint {
  if (!load)
    return {
      t,
      messagesIn: 0,
      messagesOut: 0,
      tokens: 0,
      errors: 0,
      ttftP50: 0,
      ttftP95: 0,
      ttftP99: 0,
    };
  const wave = 1 + 0.6 * Math.sin(k / 9) + 0.3 * Math.sin(k / 3.3);
  const messagesIn = Math.max(0, Math.round(load * wave * (0.7 + noise(seed, k) * 0.6)));
  const messagesOut = Math.round(messagesIn * (0.8 + noise(seed + 1, k) * 0.3));
  const p50 = Math.round(320 + 260 * noise(seed + 2, k) + 120 * Math.max(0, Math.sin(k / 11)));
  return {
    t,
    messagesIn,
    messagesOut,
    tokens: messagesOut * Math.round(55 + 40 * noise(seed + 3, k)),
    errors: noise(seed + 4, k) > 0.9 ? 1 + Math.round(noise(seed + 5, k) * 2) : 0,
    ttftP50: messagesOut ? p50 : 0,
    ttftP95: messagesOut ? Math.round(p50 * 2.1) : 0,
    ttftP99: messagesOut ? Math.round(p50 * 3.4) : 0,
  };
}

function windowOf(points: SeriesPoint[], seconds: number, scale = 1): WindowFigures {
  const sum = (f: (p: SeriesPoint) => number) =>
    Math.round(points.reduce((n, p) => n + f(p), 0) * scale);
  const out = sum((p) => p.messagesOut);
  const errors = sum((p) => p.errors);
  const withTtft = points.filter((p) => p.ttftP50);
  const p50 = withTtft.length
    ? Math.round(withTtft.reduce((n, p) => n + p.ttftP50, 0) / withTtft.length)
    : 0;
  const tokens = sum((p) => p.tokens);
  return {
    seconds,
    joins: Math.round(points.length / 12),
    leaves: Math.round(points.length / 15),
    messagesIn: sum((p) => p.messagesIn),
    messagesOut: out,
    tokens,
    replies: out,
    replyErrors: Math.round(errors / 2),
    resumes: Math.round(points.length / 30),
    snapshots: Math.round(points.length / 90),
    replayedEvents: Math.round(points.length * 1.5),
    rateLimited: Math.round(points.length / 45),
    badFrames: errors - Math.round(errors / 2) - Math.round(errors / 4),
    framesOut: tokens * 3,
    bytesOut: tokens * 3 * 170,
    storageWrites: out * 4,
    toolCalls: Math.round(out / 4),
    toolErrors: Math.round(errors / 4),
    ttft: latency(out, p50),
    replyDuration: latency(out, p50 * 9),
  };
}

/** A room's figures at `tick` seconds after OPS_T0; `load` 0 is a room where nothing happened. */
export function roomMetrics(
  room: string,
  tick: number,
  people: readonly User[],
  load = 4,
): RoomMetrics {
  const seed = seedOf(room);
  const at = OPS_T0 + tick * 1000;
  const last = Math.floor(at / 1000 / BUCKET_S);
  const series = Array.from({ length: BUCKETS }, (_, i) => {
    const k = last - BUCKETS + 1 + i;
    return point(seed, k, load, (k + 1) * BUCKET_S * 1000);
  });
  const count = { viewer: 0, member: 0, operator: 0 };
  for (const p of people) count[p.role]++;
  const last15 = windowOf(series, 900);
  return {
    room,
    at,
    startedAt: OPS_T0 - 3 * 3600_000,
    connections: { total: people.length, ...count },
    streaming: load ? Math.round(noise(seed, tick) * 2) : 0,
    toolsRunning: load && noise(seed + 9, tick) > 0.7 ? 1 : 0,
    lastMinute: windowOf(series.slice(-6), 60),
    last15Minutes: last15,
    total: windowOf(series, 3 * 3600 + tick, 12),
    tools: load
      ? [
          { name: 'math.evaluate', calls: 14, errors: 0, timeouts: 0, latency: latency(14, 3) },
          { name: 'time.now', calls: 9, errors: 0, timeouts: 0, latency: latency(9, 1) },
          { name: 'web.fetch', calls: 6, errors: 1, timeouts: 1, latency: latency(6, 840) },
        ]
      : [],
    mcp: [],
    // A room that talks to a local model without tool support, and a hosted one that timed out.
    responders: load
      ? [
          {
            name: 'openai',
            replies: last15.replies,
            errors: [
              { code: 'timeout', count: 2 },
              { code: 'provider_unavailable', count: 1 },
            ],
            toolsRefused:
              'openai answered HTTP 400: registry.ollama.ai/library/gemma2:2b does not support tools',
          },
          { name: 'demo', replies: 3, errors: [], toolsRefused: null },
        ]
      : [{ name: 'demo', replies: 0, errors: [], toolsRefused: null }],
    series,
    bucketSeconds: BUCKET_S,
    people: people.map((u, i) => ({
      connectionId: `conn-${u.id}`,
      userId: u.id,
      name: u.name,
      role: u.role,
      connectedAt: OPS_T0 - (i * 17 + 3) * 60_000 + 41_000,
    })),
  };
}

/**
 * A deployment of a few rooms for the all-rooms story: one report a second; `support-7` comes and
 * goes, as rooms do when they turn idle. Close it to stop its timer.
 */
export function scriptedDeployment(opts: { state?: ConnectionState } = {}): DeploymentWatch {
  const $metrics = atom<DeploymentMetrics | null>(null);
  const $status = atom<{ state: ConnectionState; reason?: StatusReason }>({
    state: opts.state ?? 'live',
  });
  const rooms: [string, number, number][] = [
    ['design-review', 6, 4],
    ['lobby', 23, 9],
    ['support-7', 2, 2],
    ['standup', 4, 1],
    ['incident-42', 11, 12],
  ];
  let tick = 0;
  const report = () => {
    const summaries: RoomSummary[] = rooms
      .filter(([room]) => room !== 'support-7' || tick % 20 < 12)
      .map(([room, people, load]) => {
        const m = roomMetrics(
          room,
          tick,
          Array.from({ length: people }, (_, i) => ({
            id: `u${i}`,
            name: `U${i}`,
            role: 'member' as const,
          })),
          load,
        );
        const { connections, streaming, toolsRunning, lastMinute, last15Minutes, at } = m;
        return {
          room,
          party: 'main',
          at,
          connections: connections.total,
          streaming,
          toolsRunning,
          lastMinute,
          last15Minutes,
        };
      });
    $metrics.set({ at: OPS_T0 + tick * 1000, rooms: summaries });
    tick++;
  };
  report();
  const timer = setInterval(report, 1000);
  return {
    $metrics,
    $status,
    close() {
      clearInterval(timer);
      $status.set({ state: 'offline', reason: CLIENT_CLOSED });
    },
  };
}
