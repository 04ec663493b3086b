/**
 * `http.fetch`: GET or HEAD a URL on an operator's allow-list and return the start of its body as
 * text. Off by default, and `builtinTools` only offers it when the allow-list is non-empty: the
 * server would otherwise fetch anything an assistant (or a prompt injected into it) asks for.
 *
 * Allow-list entries, the grammar of REALSTREAM_WEBHOOK_HOSTS (see webhook-net.ts): `host` (the
 * scheme's default port only: 443 for https, 80 for http), `host:port` (that port only),
 * `*.example.com[:port]` (any subdomain, not example.com itself; list that separately, same port
 * rule). Names match exactly, case-insensitively. A bare host does not open every port: the
 * other ports of a machine are other services (ssh, a database, an admin console). Every redirect
 * hop is checked against the same list.
 *
 * Reserved addresses: a URL must match an entry exactly (or be a subdomain of a wildcard), so it
 * can only reach a loopback, private or other reserved host when an entry names one. The
 * configuration (`parseHttpFetchHosts`) refuses such entries unless
 * REALSTREAM_WEBHOOK_ALLOW_PRIVATE is true, as it does for webhook URLs.
 */
import { ToolFailure, type ServerTool, type ToolRunContext } from '../types.js';
import { ALLOW_PRIVATE_VAR, parseHostList, WebhookConfigError } from '../webhook-config.js';
import {
  effectivePort,
  hostAllowed,
  hostListedOnOtherPort,
  portHint,
  reservedRange,
  splitHostPort,
} from '../webhook-net.js';

export const HTTP_FETCH_HOSTS_VAR = 'REALSTREAM_HTTP_FETCH_HOSTS';

export interface HttpFetchOptions {
  allowHosts: string[];
  /** Body bytes read at most; the rest is dropped and `truncated` set. Default 256 KiB. */
  maxBytes?: number;
  /** For tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export const MAX_REDIRECTS = 5;
const DEFAULT_MAX_BYTES = 256 * 1024;
const PROGRESS_STEP = 16 * 1024;
/** Set by fetch itself, or a way to smuggle a second request past the allow-list. */
const FORBIDDEN_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'upgrade',
  'keep-alive',
  'te',
  'trailer',
  'expect',
  'proxy-authorization',
  'proxy-connection',
]);
/** Sent to the first origin only, as browsers do, so a redirect cannot carry them elsewhere. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie'];
/** Response headers worth showing; the rest are noise or cookies. */
const SAFE_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'content-language',
  'last-modified',
  'etag',
  'cache-control',
  'expires',
  'date',
  'age',
  'retry-after',
];
const TEXT_TYPE =
  /^text\/|[/+](json|xml|javascript|ecmascript|yaml|x-yaml|x-ndjson|csv|x-www-form-urlencoded|graphql|toml)\b/i;

/**
 * REALSTREAM_HTTP_FETCH_HOSTS: canonical `host[:port]` / `*.domain[:port]` entries, read at start.
 * An entry naming a loopback, private or otherwise reserved host (or a wildcard under a local
 * name such as `*.localhost`) needs `allowPrivate` (REALSTREAM_WEBHOOK_ALLOW_PRIVATE).
 */
export function parseHttpFetchHosts(
  raw: string | undefined,
  opts: { allowPrivate: boolean },
): string[] {
  const entries = parseHostList(HTTP_FETCH_HOSTS_VAR, raw);
  if (opts.allowPrivate) return entries;
  entries.forEach((entry, i) => {
    const host = splitHostPort(entry)!.host.replace(/^\*\./, 'any.');
    const reserved = reservedRange(host);
    if (reserved !== undefined) {
      throw new WebhookConfigError(
        `${HTTP_FETCH_HOSTS_VAR}[${i}]: "${entry}" is loopback/private/reserved (${reserved}); ` +
          `set ${ALLOW_PRIVATE_VAR}=true to allow it`,
      );
    }
  });
  return entries;
}

/** One allow-list entry, canonical; throws on nonsense so a bad setting fails when the tool is made. */
export function parseAllowHost(entry: string): string {
  const parsed = splitHostPort(entry.trim().toLowerCase());
  if (parsed === undefined) {
    throw new Error(`http.fetch: allow-list entry "${entry}" is not a host, host:port or *.domain`);
  }
  return parsed.port === undefined ? parsed.host : `${parsed.host}:${parsed.port}`;
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${Math.round(bytes / 1024)} KB`;
}

function reason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

/** Reads up to `max` bytes, reporting progress, and stops the download beyond that. */
async function readCapped(
  body: ReadableStream<Uint8Array>,
  max: number,
  expected: number | null,
  ctx: ToolRunContext,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const reader = body.getReader();
  // A fetch that ignores the signal mid-body (a test double, an odd runtime) still stops here.
  const onAbort = () => void reader.cancel().catch(() => {});
  ctx.signal.addEventListener('abort', onAbort);
  const chunks: Uint8Array[] = [];
  let received = 0;
  let reported = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      ctx.signal.throwIfAborted();
      if (done) break;
      const room = max - received;
      truncated = value.byteLength > room;
      chunks.push(truncated ? value.subarray(0, room) : value);
      received += Math.min(room, value.byteLength);
      if (truncated) break;
      if (received - reported >= PROGRESS_STEP) {
        reported = received;
        const whole = expected === null ? null : Math.min(expected, max);
        const text = `received ${size(received)}`;
        ctx.progress(
          whole ? { text, percent: Math.min(100, Math.round((received / whole) * 100)) } : { text },
        );
      }
    }
  } catch (err) {
    ctx.signal.throwIfAborted();
    throw new ToolFailure(
      'upstream_failed',
      `the download broke after ${size(received)}: ${reason(err)}`,
    );
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    if (truncated) void reader.cancel().catch(() => {});
  }
  ctx.progress({ text: `received ${size(received)}${truncated ? ' (truncated)' : ''}` });
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { bytes, truncated };
}

function decode(bytes: Uint8Array, contentType: string | null, truncated: boolean): string {
  const charset = /charset="?([^";\s]+)/i.exec(contentType ?? '')?.[1] ?? 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    decoder = new TextDecoder();
  }
  // `stream` holds back a character cut in half by truncation instead of printing U+FFFD.
  return decoder.decode(bytes, { stream: truncated });
}

export function httpFetchTool(opts: HttpFetchOptions): ServerTool {
  const rules = opts.allowHosts.map(parseAllowHost);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isInteger(maxBytes) || maxBytes < 1) {
    throw new Error(`http.fetch: maxBytes must be a positive integer, got ${maxBytes}`);
  }
  const doFetch = opts.fetch ?? ((input, init) => fetch(input, init));

  function check(url: URL, redirectedFrom?: URL): void {
    const via = redirectedFrom ? `${redirectedFrom.host} redirected to ${url.href}, but ` : '';
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      const code = redirectedFrom ? 'upstream_failed' : 'invalid_argument';
      throw new ToolFailure(code, `${via}only http and https URLs can be fetched`);
    }
    if (url.username || url.password) {
      throw new ToolFailure('invalid_argument', `${via}URLs with credentials are not allowed`);
    }
    if (!hostAllowed(url, rules)) {
      const list = opts.allowHosts.join(', ') || 'none';
      // Named with its port when only the port is wrong, so the fix is plain to see.
      const portOnly = hostListedOnOtherPort(url, rules);
      const where = portOnly ? `${url.hostname}:${effectivePort(url)}` : url.host;
      const hint = portOnly ? `: ${portHint(url, HTTP_FETCH_HOSTS_VAR)}` : '';
      throw new ToolFailure(
        'host_not_allowed',
        `${via}${where} is not on this room's allow-list (allowed: ${list})${hint}`,
        { host: url.host },
      );
    }
  }

  return {
    name: 'http.fetch',
    title: 'Fetch a URL',
    description:
      'Fetches a web page or API response over HTTP(S) with GET or HEAD and returns its status, ' +
      `content type, a few headers and up to ${size(maxBytes)} of its body as text. Only these ` +
      `hosts are allowed: ${opts.allowHosts.join(', ') || 'none'}.`,
    inputSchema: {
      type: 'object',
      properties: {
        url: {
          type: 'string',
          description: 'Absolute http:// or https:// URL on an allowed host.',
          format: 'uri',
          maxLength: 2048,
        },
        method: {
          enum: ['GET', 'HEAD'],
          default: 'GET',
          description: 'HEAD fetches status and headers only.',
        },
        headers: {
          type: 'object',
          description: 'Extra request headers, e.g. {"accept": "application/json"}.',
          maxProperties: 20,
          propertyNames: { pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$" },
          additionalProperties: { type: 'string', maxLength: 2000, pattern: '^[^\\r\\n]*$' },
        },
      },
      required: ['url'],
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: {
        url: { type: 'string', description: 'The URL finally fetched, after redirects.' },
        status: { type: 'integer', description: 'HTTP status of the final response.' },
        contentType: { type: ['string', 'null'] },
        headers: {
          type: 'object',
          description: `Response headers among: ${SAFE_RESPONSE_HEADERS.join(', ')}.`,
          additionalProperties: { type: 'string' },
        },
        body: { type: 'string', description: 'The body as text; empty for HEAD and non-text.' },
        truncated: { type: 'boolean', description: `The body went on past ${size(maxBytes)}.` },
        note: { type: 'string', description: 'Why the body is empty, when it is not text.' },
      },
      required: ['url', 'status', 'contentType', 'headers', 'body', 'truncated'],
      additionalProperties: false,
    },
    timeoutMs: 20_000,
    requiresApproval: false,
    minRole: 'member',
    enabledByDefault: false,
    async run(args, ctx) {
      const input = args as {
        url: string;
        method?: 'GET' | 'HEAD';
        headers?: Record<string, string>;
      };
      const method = input.method ?? 'GET';
      let url: URL;
      try {
        url = new URL(input.url);
      } catch {
        throw new ToolFailure('invalid_argument', `"${input.url}" is not an absolute URL`);
      }
      check(url);
      const headers = new Headers({ 'user-agent': 'Realstream http.fetch' });
      for (const [name, value] of Object.entries(input.headers ?? {})) {
        if (FORBIDDEN_HEADERS.has(name.toLowerCase())) {
          throw new ToolFailure('invalid_argument', `the "${name}" header cannot be set`);
        }
        try {
          headers.set(name, value);
        } catch {
          throw new ToolFailure('invalid_argument', `the "${name}" header has an invalid value`);
        }
      }

      for (let redirects = 0; ; redirects++) {
        let res: Response;
        try {
          res = await doFetch(url, { method, headers, redirect: 'manual', signal: ctx.signal });
        } catch (err) {
          ctx.signal.throwIfAborted();
          throw new ToolFailure('upstream_failed', `could not fetch ${url.href}: ${reason(err)}`);
        }
        const location = res.headers.get('location');
        if (res.status >= 300 && res.status < 400 && location !== null) {
          void res.body?.cancel().catch(() => {});
          if (redirects === MAX_REDIRECTS) {
            throw new ToolFailure('too_many_redirects', `more than ${MAX_REDIRECTS} redirects`, {
              url: url.href,
            });
          }
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            throw new ToolFailure('upstream_failed', `${url.host} redirected to a bad URL`);
          }
          check(next, url);
          if (next.origin !== url.origin) for (const h of CREDENTIAL_HEADERS) headers.delete(h);
          url = next;
          continue;
        }

        const contentType = res.headers.get('content-type');
        const shown: Record<string, string> = {};
        for (const name of SAFE_RESPONSE_HEADERS) {
          const value = res.headers.get(name);
          if (value !== null) shown[name] = value;
        }
        const result = { url: url.href, status: res.status, contentType, headers: shown };
        if (method === 'HEAD' || res.body === null) {
          void res.body?.cancel().catch(() => {});
          return { ...result, body: '', truncated: false };
        }
        if (contentType !== null && !TEXT_TYPE.test(contentType)) {
          void res.body.cancel().catch(() => {});
          const note = `${contentType.split(';')[0]} is not text, so the body is not shown`;
          return { ...result, body: '', truncated: false, note };
        }
        const length = Number(res.headers.get('content-length') ?? NaN);
        const expected = Number.isFinite(length) ? length : null;
        const { bytes, truncated } = await readCapped(res.body, maxBytes, expected, ctx);
        // Without a content type, NUL bytes are the cheap tell of binary data.
        if (contentType === null && bytes.includes(0)) {
          return {
            ...result,
            body: '',
            truncated,
            note: 'the body looks binary, so it is not shown',
          };
        }
        return { ...result, body: decode(bytes, contentType, truncated), truncated };
      }
    },
  };
}
