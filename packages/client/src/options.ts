import type { ConnectOptions } from './types.js';

export const DEFAULTS = {
  pingIntervalMs: 15_000,
  pongTimeoutMs: 5_000,
  stallTimeoutMs: 4_000,
  stallProbeMs: 1_500,
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
