/**
 * Server configuration, read from PartyKit vars / environment. Every knob is listed in the README's
 * configuration table with its default; an invalid value fails loudly at start, naming the variable.
 */
import { DEFAULT_SYSTEM_PROMPT } from './responders/context.js';
import {
  REASONING_EFFORTS,
  TOOLS_MODES,
  type ReasoningEffort,
  type ToolsMode,
} from './responders/model-quirks.js';
import type { Retention } from './retention.js';
import {
  WebhookConfigError,
  webhookConfigFromEnv,
  type WebhookNetOptions,
  type WebhookToolConfig,
} from './tools/webhook-config.js';
import { parseHttpFetchHosts } from './tools/builtins/http-fetch.js';
import { parseStorageFaults, StorageFaultSpecError, type StorageFaults } from './faulty-storage.js';

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
  /** Sockets one user, and one client address, may hold in a room. */
  maxConnectionsPerUser: number;
  maxConnectionsPerAddress: number;
  /** Token bucket per connection: burst size and refill per second. */
  rateBurst: number;
  rateRefillPerSecond: number;
  /** Events kept in memory for replay on resume, and the most bytes they may hold. */
  ringSize: number;
  ringBytes: number;
  /** Minimum gap between two delta frames of one stream; 0 sends one frame per token. */
  coalesceMs: number;
  /** Messages in a snapshot (and the default history page). */
  snapshotMessages: number;
  /** How many messages and tool calls a room keeps, and for how long (0: no age limit). */
  retention: { messages: Retention; calls: Retention };
  maxConcurrentReplies: number;
  /** The responder a room uses until an operator picks another. */
  responder: ResponderKind;
  /** Responders an operator may pick per room (always includes `responder`). */
  roomResponders: ResponderKind[];
  demoTokensPerSecond: number;
  demoReplyTokens: number;
  heartbeatMs: number;
  /** The LLM provider of the default responder; null for the demo responder. */
  provider: ProviderConfig | null;
  /** Every provider a room may use (the default's and the per-room choices'). */
  providers: ProviderConfig[];
  /** Settings shared by every LLM provider. */
  llm: LlmConfig;
  tools: ToolsConfig;
  /** Record room metrics (`off` only to measure what they cost). */
  metrics: boolean;
  /** Testing only: storage writes to fail on purpose (see faulty-storage.ts); null = none. */
  storageFaults: StorageFaults | null;
}

export interface ToolsConfig {
  /** Hosts `http.fetch` may reach; empty leaves the tool out. */
  httpFetchHosts: string[];
  /** Tool calls running at once in a room. */
  maxConcurrentCalls: number;
  /** Rounds of tool calls the assistant may make in one reply before it must answer. */
  maxAssistantRounds: number;
  /** How long an assistant's call that needs approval waits for an operator. */
  approvalMs: number;
  webhooks: WebhookNetOptions & { tools: WebhookToolConfig[] };
}

export const RESPONDERS = ['demo', 'openai', 'anthropic'] as const;
export type ResponderKind = (typeof RESPONDERS)[number];

export interface ProviderConfig {
  kind: 'openai' | 'anthropic';
  /** Without a trailing slash. */
  baseUrl: string;
  /** Server-side only: never logged, never sent to a client, never put in an error message. */
  apiKey: string | null;
  model: string;
  /** OpenAI only: Chat Completions (every compatible server) or the Responses API. */
  api?: 'chat' | 'responses';
}

export interface LlmConfig {
  systemPrompt: string;
  /** Characters of room history sent with each request (newest kept). */
  contextChars: number;
  /** null = the provider's default. */
  temperature: number | null;
  /** null = the provider's default (Anthropic, which requires one: 4096). */
  maxTokens: number | null;
  firstTokenMs: number;
  idleMs: number;
  retries: number;
  /** Whether replies offer the room's tools to the model (see model-quirks.ts). */
  tools: ToolsMode;
  /** null = not sent (the model's default). */
  reasoningEffort: ReasoningEffort | null;
  /** Anthropic extended thinking's token budget; null = thinking off. */
  thinkingTokens: number | null;
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

const DAY_MS = 86_400_000;

function int(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = str(env, key);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${key}=${raw}: expected a whole number from ${min} to ${max}`);
  }
  return n;
}

function optionalInt(env: Env, key: string, min: number, max: number): number | null {
  return str(env, key) === undefined ? null : int(env, key, 0, min, max);
}

function optionalNumber(env: Env, key: string, min: number, max: number): number | null {
  const raw = str(env, key);
  if (raw === undefined) return null;
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new ConfigError(`${key}=${raw}: expected a number from ${min} to ${max}`);
  }
  return n;
}

/** An http(s) base URL without a trailing slash. The value is not echoed: it may hold a token. */
function baseUrl(env: Env, key: string, fallback: string): string {
  const raw = str(env, key) ?? fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${key}: expected an http:// or https:// URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${key}: expected an http:// or https:// URL, not ${url.protocol}`);
  }
  if (url.search || url.hash) {
    throw new ConfigError(`${key}: a base URL takes no ?query or #fragment`);
  }
  return url.href.replace(/\/+$/, '');
}

function required(env: Env, key: string, responder: ResponderKind): string {
  const value = str(env, key)?.trim();
  if (!value) throw new ConfigError(`${key} is required to use the ${responder} responder`);
  return value;
}

function readProvider(env: Env, responder: ResponderKind): ProviderConfig | null {
  if (responder === 'openai') {
    return {
      kind: 'openai',
      baseUrl: baseUrl(env, 'REALSTREAM_OPENAI_BASE_URL', 'https://api.openai.com/v1'),
      // Optional: local servers (Ollama, llama.cpp, vLLM, LM Studio) take none.
      apiKey: str(env, 'REALSTREAM_OPENAI_API_KEY')?.trim() || null,
      model: required(env, 'REALSTREAM_OPENAI_MODEL', responder),
      api: oneOf(env, 'REALSTREAM_OPENAI_API', ['chat', 'responses'] as const, 'chat'),
    };
  }
  if (responder === 'anthropic') {
    return {
      kind: 'anthropic',
      baseUrl: baseUrl(env, 'REALSTREAM_ANTHROPIC_BASE_URL', 'https://api.anthropic.com'),
      apiKey: required(env, 'REALSTREAM_ANTHROPIC_API_KEY', responder),
      model: required(env, 'REALSTREAM_ANTHROPIC_MODEL', responder),
    };
  }
  return null;
}

function readLlm(env: Env): LlmConfig {
  return {
    systemPrompt: str(env, 'REALSTREAM_SYSTEM_PROMPT') ?? DEFAULT_SYSTEM_PROMPT,
    contextChars: int(env, 'REALSTREAM_CONTEXT_CHARS', 24_000, 100, 10_000_000),
    temperature: optionalNumber(env, 'REALSTREAM_LLM_TEMPERATURE', 0, 2),
    maxTokens: optionalInt(env, 'REALSTREAM_LLM_MAX_TOKENS', 1, 1_000_000),
    firstTokenMs: int(env, 'REALSTREAM_LLM_FIRST_TOKEN_MS', 30_000, 100, 600_000),
    idleMs: int(env, 'REALSTREAM_LLM_IDLE_MS', 20_000, 100, 600_000),
    retries: int(env, 'REALSTREAM_LLM_RETRIES', 2, 0, 10),
    tools: oneOf(env, 'REALSTREAM_LLM_TOOLS', TOOLS_MODES, 'auto'),
    reasoningEffort: optionalOneOf(env, 'REALSTREAM_LLM_REASONING_EFFORT', REASONING_EFFORTS),
    // Anthropic's smallest budget is 1024 tokens.
    thinkingTokens: optionalInt(env, 'REALSTREAM_LLM_THINKING_TOKENS', 1024, 1_000_000),
  };
}

function optionalOneOf<T extends string>(env: Env, key: string, values: readonly T[]): T | null {
  return str(env, key) === undefined ? null : oneOf(env, key, values, values[0]!);
}

function oneOf<T extends string>(env: Env, key: string, values: readonly T[], fallback: T): T {
  const raw = str(env, key);
  if (raw === undefined) return fallback;
  if (!values.includes(raw as T)) {
    throw new ConfigError(`${key}=${raw}: expected one of ${values.join(', ')}`);
  }
  return raw as T;
}

/**
 * REALSTREAM_ROOM_RESPONDERS: the responders operators may choose per room, comma-separated. Each
 * must be fully configured, so a room can never pick one that cannot answer.
 */
function readRoomResponders(env: Env, fallback: ResponderKind): ResponderKind[] {
  const raw = str(env, 'REALSTREAM_ROOM_RESPONDERS');
  const kinds = new Set<ResponderKind>([fallback]);
  for (const part of (raw ?? '').split(',')) {
    const kind = part.trim();
    if (!kind) continue;
    if (!RESPONDERS.includes(kind as ResponderKind)) {
      throw new ConfigError(
        `REALSTREAM_ROOM_RESPONDERS: "${kind}" is not a responder; use ${RESPONDERS.join(', ')}`,
      );
    }
    kinds.add(kind as ResponderKind);
  }
  return [...kinds];
}

function readStorageFaults(env: Env): StorageFaults | null {
  const raw = str(env, 'REALSTREAM_STORAGE_FAULTS');
  if (raw === undefined) return null;
  try {
    return parseStorageFaults(raw);
  } catch (err) {
    if (err instanceof StorageFaultSpecError) {
      throw new ConfigError(`REALSTREAM_STORAGE_FAULTS: ${err.message}`);
    }
    throw err;
  }
}

function readTools(env: Env): ToolsConfig {
  // A JSON value given as an object in partykit.json's vars arrives parsed: give it back as text.
  const text = (key: string) => {
    const v = env[key];
    return v !== null && typeof v === 'object' ? JSON.stringify(v) : str(env, key);
  };
  let webhooks: ToolsConfig['webhooks'];
  let httpFetchHosts: string[];
  try {
    webhooks = webhookConfigFromEnv({
      REALSTREAM_WEBHOOK_TOOLS: text('REALSTREAM_WEBHOOK_TOOLS'),
      REALSTREAM_WEBHOOK_HOSTS: str(env, 'REALSTREAM_WEBHOOK_HOSTS'),
      REALSTREAM_WEBHOOK_ALLOW_PRIVATE: str(env, 'REALSTREAM_WEBHOOK_ALLOW_PRIVATE'),
    });
    httpFetchHosts = parseHttpFetchHosts(str(env, 'REALSTREAM_HTTP_FETCH_HOSTS'), webhooks);
  } catch (err) {
    if (err instanceof WebhookConfigError) throw new ConfigError(err.message);
    throw err;
  }
  return {
    httpFetchHosts,
    maxConcurrentCalls: int(env, 'REALSTREAM_MAX_CONCURRENT_TOOL_CALLS', 8, 1, 1000),
    maxAssistantRounds: int(env, 'REALSTREAM_MAX_TOOL_ROUNDS', 6, 1, 50),
    approvalMs: int(env, 'REALSTREAM_TOOL_APPROVAL_MS', 300_000, 1000, 86_400_000),
    webhooks,
  };
}

/**
 * REALSTREAM_ALLOWED_ORIGINS: `*`, or a comma list of origins as browsers send them in the Origin
 * header (scheme://host[:port], no path). An entry written as a URL with only a trailing slash, or
 * with upper-case letters or a default port, is normalised to that form, since it could never match
 * otherwise and the refusal would look like a bug in the page; an entry with a path, query,
 * credentials or a wildcard is refused, naming the entry, because guessing what was meant would
 * widen or narrow who may connect.
 */
export function readAllowedOrigins(raw: string): string[] {
  const KEY = 'REALSTREAM_ALLOWED_ORIGINS';
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.includes('*')) {
    if (entries.length > 1)
      throw new ConfigError(`${KEY}: "*" allows every origin; list nothing else with it`);
    return ['*'];
  }
  return entries.map((entry) => {
    // A misconfigured deployment shows this message to pages: never echo credentials.
    const shown = entry.replace(/\/\/[^/@]*@/, '//…@');
    const problem = (what: string) =>
      new ConfigError(
        `${KEY}: "${shown}" ${what}; write an origin such as https://app.example.com or http://localhost:5173`,
      );
    if (entry.includes('*')) throw problem('has a wildcard: list each origin (or "*" alone)');
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(entry))
      throw problem('has no scheme (http:// or https://)');
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw problem('is not a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw problem(
        `has the scheme ${url.protocol.slice(0, -1)}: an origin is http:// or https://`,
      );
    }
    if (url.username || url.password) throw problem('has credentials');
    if (url.search || url.hash || entry.endsWith('?') || entry.endsWith('#')) {
      throw problem('has a ?query or #fragment, which an origin never has');
    }
    if (url.pathname !== '/')
      throw problem(`has the path "${url.pathname}", which an origin never has`);
    return url.origin;
  });
}

export function readConfig(env: Env): Config {
  const secret = str(env, 'REALSTREAM_SECRET') ?? null;
  if (secret !== null && secret.length < 32) {
    throw new ConfigError('REALSTREAM_SECRET: use at least 32 characters (256 bits for HS256)');
  }
  const responder = oneOf(env, 'REALSTREAM_RESPONDER', RESPONDERS, 'demo');
  const roomResponders = readRoomResponders(env, responder);
  const providers = roomResponders
    .map((kind) => readProvider(env, kind))
    .filter((p): p is ProviderConfig => p !== null);
  return {
    secret,
    allowedOrigins: readAllowedOrigins(str(env, 'REALSTREAM_ALLOWED_ORIGINS') ?? '*'),
    logLevel: oneOf(env, 'REALSTREAM_LOG_LEVEL', ['debug', 'info', 'warn', 'error'], 'info'),
    maxFrameBytes: int(env, 'REALSTREAM_MAX_FRAME_BYTES', 64 * 1024, 1024, 16 * 1024 * 1024),
    maxMessageChars: int(env, 'REALSTREAM_MAX_MESSAGE_CHARS', 8000, 1, 1_000_000),
    maxConnections: int(env, 'REALSTREAM_MAX_CONNECTIONS', 1000, 1, 32_000),
    maxConnectionsPerUser: int(env, 'REALSTREAM_MAX_CONNECTIONS_PER_USER', 20, 1, 32_000),
    maxConnectionsPerAddress: int(env, 'REALSTREAM_MAX_CONNECTIONS_PER_ADDRESS', 200, 1, 32_000),
    rateBurst: int(env, 'REALSTREAM_RATE_BURST', 60, 1, 100_000),
    rateRefillPerSecond: int(env, 'REALSTREAM_RATE_PER_SECOND', 20, 1, 100_000),
    ringSize: int(env, 'REALSTREAM_RING_SIZE', 10_000, 100, 1_000_000),
    ringBytes: int(env, 'REALSTREAM_RING_BYTES', 32 * 1024 * 1024, 1024 * 1024, 1024 * 1024 * 1024),
    coalesceMs: int(env, 'REALSTREAM_COALESCE_MS', 16, 0, 1000),
    snapshotMessages: int(env, 'REALSTREAM_SNAPSHOT_MESSAGES', 50, 1, 1000),
    retention: {
      messages: {
        count: int(env, 'REALSTREAM_RETAIN_MESSAGES', 10_000, 1, 10_000_000),
        maxAgeMs: DAY_MS * int(env, 'REALSTREAM_RETAIN_MESSAGE_DAYS', 0, 0, 36_500),
      },
      calls: {
        count: int(env, 'REALSTREAM_RETAIN_CALLS', 1000, 1, 1_000_000),
        maxAgeMs: DAY_MS * int(env, 'REALSTREAM_RETAIN_CALL_DAYS', 30, 0, 36_500),
      },
    },
    maxConcurrentReplies: int(env, 'REALSTREAM_MAX_CONCURRENT_REPLIES', 16, 1, 1000),
    responder,
    roomResponders,
    demoTokensPerSecond: int(env, 'REALSTREAM_DEMO_TOKENS_PER_SECOND', 40, 0, 1_000_000),
    demoReplyTokens: int(env, 'REALSTREAM_DEMO_REPLY_TOKENS', 0, 0, 1_000_000),
    heartbeatMs: int(env, 'REALSTREAM_SSE_HEARTBEAT_MS', 15_000, 100, 600_000),
    provider: providers.find((p) => p.kind === responder) ?? null,
    providers,
    llm: readLlm(env),
    tools: readTools(env),
    metrics: oneOf(env, 'REALSTREAM_METRICS', ['on', 'off'], 'on') === 'on',
    storageFaults: readStorageFaults(env),
  };
}
