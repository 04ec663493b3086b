import { ROLES, ToolNameSchema, type JsonSchema, type Role } from '@realstream/protocol';
import {
  hostAllowed,
  hostListedOnOtherPort,
  portHint,
  reservedRange,
  splitHostPort,
} from './webhook-net.js';
import { checkSchema } from './webhook-schema.js';

/**
 * Webhook tools are declared by the operator in three environment variables:
 *
 * - REALSTREAM_WEBHOOK_TOOLS: JSON array of tool objects (see `WebhookToolConfig`);
 * - REALSTREAM_WEBHOOK_HOSTS: comma list of hosts a webhook may call (`host` on the scheme's
 *   default port only, `host:port`, `*.example.com[:port]`); a URL outside it is refused;
 * - REALSTREAM_WEBHOOK_ALLOW_PRIVATE: `true` to allow loopback, private and other reserved
 *   targets (development); `http.fetch` honours it too.
 *
 * Everything is checked once, at startup, so a typo fails the deploy instead of a call hours
 * later. Error messages name the variable, tool and field but never echo a secret.
 */

export const TOOLS_VAR = 'REALSTREAM_WEBHOOK_TOOLS';
export const HOSTS_VAR = 'REALSTREAM_WEBHOOK_HOSTS';
export const ALLOW_PRIVATE_VAR = 'REALSTREAM_WEBHOOK_ALLOW_PRIVATE';

/** One webhook tool, defaults filled in. */
export interface WebhookToolConfig {
  name: string;
  title: string;
  description: string;
  /** POST target. */
  url: string;
  /** HMAC key shared with the receiver; at least 32 characters. */
  secret: string;
  inputSchema: JsonSchema;
  outputSchema?: JsonSchema;
  timeoutMs: number;
  requiresApproval: boolean;
  minRole: Role;
  /** Switched on in a new room. */
  enabled: boolean;
}

export interface WebhookNetOptions {
  allowHosts: string[];
  allowPrivate: boolean;
}

/** A configuration value is wrong; the message says which variable, tool and field. */
export class WebhookConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookConfigError';
  }
}

const FIELDS = [
  'name',
  'title',
  'description',
  'url',
  'secret',
  'inputSchema',
  'outputSchema',
  'timeoutMs',
  'requiresApproval',
  'minRole',
  'enabled',
];

/** Reads all three variables. */
export function webhookConfigFromEnv(env: Record<string, unknown>): WebhookNetOptions & {
  tools: WebhookToolConfig[];
} {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const allowHosts = parseWebhookHosts(str(env[HOSTS_VAR]));
  const allowPrivate = parseWebhookAllowPrivate(str(env[ALLOW_PRIVATE_VAR]));
  const tools = parseWebhookTools(str(env[TOOLS_VAR]), { allowHosts, allowPrivate });
  return { tools, allowHosts, allowPrivate };
}

/** REALSTREAM_WEBHOOK_HOSTS: canonical `host[:port]` / `*.domain[:port]` entries. */
export function parseWebhookHosts(raw: string | undefined): string[] {
  return parseHostList(HOSTS_VAR, raw);
}

/** A comma list of allow-list entries in `variable`, canonical; throws naming the bad one. */
export function parseHostList(variable: string, raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry, i) => {
      const parsed = splitHostPort(entry.toLowerCase());
      if (parsed === undefined) {
        throw new WebhookConfigError(
          `${variable}[${i}]: "${entry}" is not a host, host:port or *.domain`,
        );
      }
      return parsed.port === undefined ? parsed.host : `${parsed.host}:${parsed.port}`;
    });
}

/** REALSTREAM_WEBHOOK_ALLOW_PRIVATE: unset means false. */
export function parseWebhookAllowPrivate(raw: string | undefined): boolean {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw new WebhookConfigError(`${ALLOW_PRIVATE_VAR}: expected true or false, got "${raw}"`);
}

/** REALSTREAM_WEBHOOK_TOOLS: unset or empty means no webhook tools. */
export function parseWebhookTools(
  raw: string | undefined,
  net: WebhookNetOptions,
): WebhookToolConfig[] {
  if (raw === undefined || raw.trim() === '') return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    // The parser's message quotes the text around the error, which may be a secret.
    throw new WebhookConfigError(`${TOOLS_VAR}: not valid JSON`);
  }
  if (!Array.isArray(list)) throw new WebhookConfigError(`${TOOLS_VAR}: expected a JSON array`);
  const seen = new Set<string>();
  return list.map((item, index) => {
    const tool = parseTool(item, index, net);
    if (seen.has(tool.name)) {
      throw new WebhookConfigError(`${TOOLS_VAR}[${index}].name: "${tool.name}" is declared twice`);
    }
    seen.add(tool.name);
    return tool;
  });
}

function parseTool(item: unknown, index: number, net: WebhookNetOptions): WebhookToolConfig {
  const where = `${TOOLS_VAR}[${index}]`;
  if (!isObject(item)) throw new WebhookConfigError(`${where}: expected an object`);
  const label = typeof item.name === 'string' ? ` (${JSON.stringify(item.name)})` : '';
  const fail = (field: string, problem: string): never => {
    throw new WebhookConfigError(`${where}.${field}${label}: ${problem}`);
  };

  for (const key of Object.keys(item)) {
    if (!FIELDS.includes(key)) fail(key, `unknown field; known: ${FIELDS.join(', ')}`);
  }
  const name = ToolNameSchema.safeParse(item.name);
  if (!name.success) fail('name', name.error.issues[0]?.message ?? 'invalid tool name');
  const string = (field: string, max: number, optional = false): string | undefined => {
    const v = item[field];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'string') return fail(field, 'expected a string');
    if (v.length > max) fail(field, `at most ${max} characters`);
    return v;
  };
  const flag = (field: string, fallback: boolean): boolean => {
    const v = item[field] ?? fallback;
    return typeof v === 'boolean' ? v : fail(field, 'expected true or false');
  };

  const secret = item.secret;
  if (typeof secret !== 'string' || secret.length < 32) {
    fail('secret', 'expected a string of at least 32 characters (e.g. `openssl rand -hex 32`)');
  }
  const timeoutMs = item.timeoutMs ?? 10_000;
  if (
    !Number.isInteger(timeoutMs) ||
    (timeoutMs as number) < 100 ||
    (timeoutMs as number) > 600_000
  ) {
    fail('timeoutMs', 'expected an integer between 100 and 600000');
  }
  const minRole = item.minRole ?? 'member';
  if (!ROLES.includes(minRole as Role)) fail('minRole', `expected one of ${ROLES.join(', ')}`);
  const url = checkUrl(item.url, net);
  if (typeof url === 'string') fail('url', url);
  const inputSchema = checkSchema(item.inputSchema);
  if (typeof inputSchema === 'string') fail('inputSchema', inputSchema);
  const outputSchema = item.outputSchema === undefined ? undefined : checkSchema(item.outputSchema);
  if (typeof outputSchema === 'string') fail('outputSchema', outputSchema);

  return {
    name: item.name as string,
    title: string('title', 120, true) ?? (item.name as string),
    description: string('description', 2000) as string,
    url: (url as URL).href,
    secret: secret as string,
    inputSchema: inputSchema as JsonSchema,
    outputSchema: outputSchema as JsonSchema | undefined,
    timeoutMs: timeoutMs as number,
    requiresApproval: flag('requiresApproval', false),
    minRole: minRole as Role,
    enabled: flag('enabled', true),
  };
}

/**
 * The URL, or the problem with it. Plain http is accepted only together with allowPrivate: it is
 * for a receiver on the developer's machine; anywhere else args and results would travel in clear.
 * Messages show the host, never the whole URL, whose query may carry a token.
 */
export function checkUrl(value: unknown, net: WebhookNetOptions): URL | string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return 'expected an https:// URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && net.allowPrivate)) {
    return `expected an https:// URL (http:// only with ${ALLOW_PRIVATE_VAR}=true)`;
  }
  if (url.username || url.password) return 'credentials in the URL are not allowed; use the secret';
  if (!hostAllowed(url, net.allowHosts)) {
    const listed = `host "${url.host}" is not in ${HOSTS_VAR} (${net.allowHosts.join(',') || 'empty'})`;
    return hostListedOnOtherPort(url, net.allowHosts)
      ? `${listed}: ${portHint(url, HOSTS_VAR)}`
      : listed;
  }
  const reserved = reservedRange(url.hostname);
  if (reserved !== undefined && !net.allowPrivate) {
    return `host "${url.hostname}" is loopback/private/reserved (${reserved}); set ${ALLOW_PRIVATE_VAR}=true to allow it`;
  }
  return url;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
