/**
 * Server configuration, read from PartyKit vars / environment. Every knob is listed in the README's
 * configuration table with its default; an invalid value fails loudly at start, naming the variable.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Config {
  /** HS256 secret for JWTs; null = open dev mode. */
  secret: string | null;
  /** Allowed browser origins; ['*'] allows any. */
  allowedOrigins: string[];
  logLevel: LogLevel;
  maxFrameBytes: number;
  maxMessageChars: number;
  maxConnections: number;
  /** Token bucket per connection: burst size and refill per second. */
  rateBurst: number;
  rateRefillPerSecond: number;
  /** Events kept in memory for replay on resume. */
  ringSize: number;
  checkpointMs: number;
  /** Minimum gap between two delta frames of one stream; 0 sends one frame per token. */
  coalesceMs: number;
  /** Messages in a snapshot (and the default history page). */
  snapshotMessages: number;
  maxConcurrentReplies: number;
  responder: 'demo';
  demoTokensPerSecond: number;
  demoReplyTokens: number;
  heartbeatMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, unknown>;

function str(env: Env, key: string): string | undefined {
  const v = env[key];
  if (v === undefined || v === null || v === '') return undefined;
  return String(v);
}

function int(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = str(env, key);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${key}=${raw}: expected a whole number from ${min} to ${max}`);
  }
  return n;
}

function oneOf<T extends string>(env: Env, key: string, values: readonly T[], fallback: T): T {
  const raw = str(env, key);
  if (raw === undefined) return fallback;
  if (!values.includes(raw as T)) throw new ConfigError(`${key}=${raw}: expected one of ${values.join(', ')}`);
  return raw as T;
}

export function readConfig(env: Env): Config {
  const secret = str(env, 'REALSTREAM_SECRET') ?? null;
  if (secret !== null && secret.length < 32) {
    throw new ConfigError('REALSTREAM_SECRET: use at least 32 characters (256 bits for HS256)');
  }
  return {
    secret,
    allowedOrigins: (str(env, 'REALSTREAM_ALLOWED_ORIGINS') ?? '*')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    logLevel: oneOf(env, 'REALSTREAM_LOG_LEVEL', ['debug', 'info', 'warn', 'error'], 'info'),
    maxFrameBytes: int(env, 'REALSTREAM_MAX_FRAME_BYTES', 64 * 1024, 1024, 16 * 1024 * 1024),
    maxMessageChars: int(env, 'REALSTREAM_MAX_MESSAGE_CHARS', 8000, 1, 1_000_000),
    maxConnections: int(env, 'REALSTREAM_MAX_CONNECTIONS', 1000, 1, 32_000),
    rateBurst: int(env, 'REALSTREAM_RATE_BURST', 60, 1, 100_000),
    rateRefillPerSecond: int(env, 'REALSTREAM_RATE_PER_SECOND', 20, 1, 100_000),
    ringSize: int(env, 'REALSTREAM_RING_SIZE', 10_000, 100, 1_000_000),
    checkpointMs: int(env, 'REALSTREAM_CHECKPOINT_MS', 250, 10, 60_000),
    coalesceMs: int(env, 'REALSTREAM_COALESCE_MS', 16, 0, 1000),
    snapshotMessages: int(env, 'REALSTREAM_SNAPSHOT_MESSAGES', 50, 1, 1000),
    maxConcurrentReplies: int(env, 'REALSTREAM_MAX_CONCURRENT_REPLIES', 16, 1, 1000),
    responder: oneOf(env, 'REALSTREAM_RESPONDER', ['demo'], 'demo'),
    demoTokensPerSecond: int(env, 'REALSTREAM_DEMO_TOKENS_PER_SECOND', 40, 0, 1_000_000),
    demoReplyTokens: int(env, 'REALSTREAM_DEMO_REPLY_TOKENS', 0, 0, 1_000_000),
    heartbeatMs: int(env, 'REALSTREAM_SSE_HEARTBEAT_MS', 15_000, 100, 600_000),
  };
}
