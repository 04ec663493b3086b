import type { ConnectOptions } from './types.js';

export const DEFAULTS = {
  // Why these figures: docs/client.md, "Heartbeat and stalls". In short: a dead idle link shows
  // within 15 s (two intervals: 20 s); pings answer without waking a hibernated room on
  // Cloudflare (auto-response); fewer would let a phone's radio sleep longer but leave a dead
  // link looking live for longer, and hidden tabs are throttled to one timer a minute anyway.
  pingIntervalMs: 10_000,
  pongTimeoutMs: 5_000,
  // The server sends a frame at least every 1 s while a reply streams (STREAM_KEEPALIVE_MS), so
  // 1.5 s of silence is half a second late: the badge says "stalled" within 2 s of the link stalling.
  stallTimeoutMs: 1_500,
  stallProbeMs: 2_500,
  helloTimeoutMs: 10_000,
  connectionTimeoutMs: 8_000,
  typingTtlMs: 6_000,
  pageSize: 50,
  minReconnectDelayMs: 500,
  maxReconnectDelayMs: 10_000,
};

/** ConnectOptions with every tunable filled in. */
export type Options = ConnectOptions & typeof DEFAULTS;

export function withDefaults(options: ConnectOptions): Options {
  const out = {
    ...options,
    minReconnectDelayMs: options.reconnectDelayMs?.min,
    maxReconnectDelayMs: options.reconnectDelayMs?.max,
  } as Partial<Options>;
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    out[key] = out[key] ?? DEFAULTS[key];
  }
  return out as Options;
}
