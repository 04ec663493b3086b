import { McpServerSpecSchema, describeIssues, type McpServerSpec } from '@realstream/protocol';
import { checkUrl, WebhookConfigError, type WebhookNetOptions } from '../webhook-config.js';

/**
 * MCP servers the deployment mounts in every room, declared in REALSTREAM_MCP_SERVERS: a JSON
 * array of McpServerSpec. Their URLs pass the webhooks' guards (REALSTREAM_WEBHOOK_HOSTS,
 * REALSTREAM_WEBHOOK_ALLOW_PRIVATE), checked once at start so a typo fails the deploy, not a call.
 * Messages name the variable, server and field, never a header's value nor a whole URL (its
 * query may hold a key).
 */

export const MCP_SERVERS_VAR = 'REALSTREAM_MCP_SERVERS';

/** REALSTREAM_MCP_SERVERS: unset or empty means none. */
export function parseMcpServers(raw: string | undefined, net: WebhookNetOptions): McpServerSpec[] {
  if (raw === undefined || raw.trim() === '') return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    // The parser's message quotes the text around the error, which may be a header's value.
    throw new WebhookConfigError(`${MCP_SERVERS_VAR}: not valid JSON`);
  }
  if (!Array.isArray(list)) {
    throw new WebhookConfigError(`${MCP_SERVERS_VAR}: expected a JSON array`);
  }
  const seen = new Set<string>();
  return list.map((item, index) => {
    const label =
      typeof (item as { name?: unknown })?.name === 'string'
        ? ` (${JSON.stringify((item as { name: string }).name)})`
        : '';
    const where = `${MCP_SERVERS_VAR}[${index}]${label}`;
    const problem = mcpSpecProblem(item, net);
    if (typeof problem === 'string') throw new WebhookConfigError(`${where}.${problem}`);
    if (seen.has(problem.name)) {
      throw new WebhookConfigError(`${where}.name: "${problem.name}" is declared twice`);
    }
    seen.add(problem.name);
    return problem;
  });
}

/**
 * The spec, checked (shape, then URL), or "field: problem". Shared by the configuration and by
 * `mcp.add`, so a server added at runtime passes exactly the same guards.
 */
export function mcpSpecProblem(value: unknown, net: WebhookNetOptions): McpServerSpec | string {
  const parsed = McpServerSpecSchema.safeParse(value);
  if (!parsed.success) {
    // Issues name the path and what was expected; zod does not quote the value it refused.
    return describeIssues(parsed.error);
  }
  const spec = parsed.data;
  const url = mcpUrlProblem(spec.url, net);
  if (typeof url === 'string') return `url: ${url}`;
  for (const name of Object.keys(spec.headers ?? {})) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      return `headers: ${JSON.stringify(name.slice(0, 40))} is not a header name`;
    }
  }
  return { ...spec, url: url.href };
}

/** The URL, or why it is refused; credentials in it are refused without echoing them. */
export function mcpUrlProblem(value: string, net: WebhookNetOptions): URL | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'expected an https:// URL';
  }
  if (url.username || url.password) {
    return 'credentials in the URL are not allowed; send them in headers';
  }
  return checkUrl(url.href, net);
}

/** What operators are shown of the endpoint: without query or fragment, which may hold a key. */
export function endpointOf(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}
