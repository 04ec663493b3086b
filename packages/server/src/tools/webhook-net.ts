/**
 * Where a webhook may point. Two guards, both applied when the configuration is read:
 *
 * - the allow-list (REALSTREAM_WEBHOOK_HOSTS): the operator names every host a webhook may reach;
 * - `isPrivateHost`: refuses loopback, private, link-local and similar literal addresses and
 *   reserved names, so a mistyped or injected URL cannot reach the machine's own network.
 *
 * workerd cannot resolve DNS before `fetch`, so a public name that resolves to a private address
 * (or is re-pointed there later, DNS rebinding) is NOT caught by `isPrivateHost`. The allow-list
 * is the real guard: list only names whose DNS you control. Redirects are refused for the same
 * reason (see webhook.ts): a redirect would lead past both checks.
 */

/** True for literal addresses and names that must not be reached without an explicit opt-in. */
export function isPrivateHost(hostname: string): boolean {
  const host = normalizeHost(hostname);
  if (host === undefined) return true; // unparseable: refuse rather than guess
  if (host.startsWith('[')) {
    const groups = parseIPv6(host.slice(1, -1));
    return groups === undefined || isPrivateIPv6(groups);
  }
  const v4 = parseIPv4(host);
  if (v4 !== undefined) return isPrivateIPv4(v4);
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host.endsWith('.local') ||
    host.endsWith('.internal')
  );
}

/**
 * True when `url` may be fetched under the allow-list. Entries: `host` (default port of the
 * scheme only), `host:port`, `*.example.com` (any subdomain, not the apex), `[::1]:8080`.
 * A bare host does not open every port: other ports on the same machine are other services.
 */
export function hostAllowed(url: URL, allow: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allow.some((entry) => {
    const parsed = splitHostPort(entry.toLowerCase());
    if (parsed === undefined) return false;
    const wantPort = parsed.port ?? (url.protocol === 'https:' ? '443' : '80');
    if (wantPort !== port) return false;
    if (parsed.host.startsWith('*.')) return host.endsWith(parsed.host.slice(1));
    return host === parsed.host;
  });
}

/** Splits an allow-list entry into host and optional port; undefined when malformed. */
export function splitHostPort(entry: string): { host: string; port?: string } | undefined {
  let host = entry;
  let port: string | undefined;
  if (entry.startsWith('[')) {
    const end = entry.indexOf(']');
    if (end < 0) return undefined;
    host = entry.slice(0, end + 1);
    const rest = entry.slice(end + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return undefined;
      port = rest.slice(1);
    }
  } else if (entry.includes(':')) {
    const at = entry.lastIndexOf(':');
    host = entry.slice(0, at);
    port = entry.slice(at + 1);
  }
  if (port !== undefined) {
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return undefined;
    port = String(Number(port));
  }
  const wildcard = host.startsWith('*.');
  const canonical = canonicalHost(wildcard ? host.slice(2) : host);
  if (canonical === undefined) return undefined;
  // `*.1.2.3` would become an IPv4 address in the URL parser; a wildcard needs a real domain.
  if (wildcard && (!canonical.includes('.') || parseIPv4(canonical))) return undefined;
  return { host: wildcard ? `*.${canonical}` : canonical, port };
}

/** The URL parser's form of a host (punycode, compressed IPv6), or undefined if it is not one. */
function canonicalHost(host: string): string | undefined {
  if (host === '' || /[/?#@\\\s*]/.test(host)) return undefined;
  try {
    const canonical = new URL(`http://${host}/`).hostname;
    return canonical.startsWith('[') || isHostName(canonical) ? canonical : undefined;
  } catch {
    return undefined;
  }
}

function isHostName(host: string): boolean {
  return /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/.test(
    host,
  );
}

/**
 * Lower-cases and runs the name through the WHATWG URL parser, which is what `fetch` does: it
 * turns `0x7f.1`, `2130706433` and `[::ffff:127.0.0.1]` into canonical forms we can classify.
 */
function normalizeHost(hostname: string): string | undefined {
  let host = hostname.trim().toLowerCase();
  if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`;
  try {
    host = new URL(`http://${host}/`).hostname;
  } catch {
    return undefined;
  }
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

function parseIPv4(host: string): number[] | undefined {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

function isPrivateIPv4([a, b]: number[]): boolean {
  return (
    a === 0 || // "this network"
    a === 10 ||
    a === 127 ||
    (a === 169 && b === 254) || // link-local, cloud metadata endpoints
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    a >= 224 // multicast, reserved, broadcast
  );
}

/** Eight 16-bit groups, or undefined. Accepts `::` and a dotted IPv4 tail. */
function parseIPv6(text: string): number[] | undefined {
  let s = text;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const bytes = parseIPv4(v4[1]);
    if (!bytes) return undefined;
    tail.push((bytes[0] << 8) | bytes[1], (bytes[2] << 8) | bytes[3]);
    s = s.slice(0, -v4[1].length);
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  const zeros = new Array<number>(8 - known).fill(0);
  return [
    ...head.map((g) => parseInt(g, 16)),
    ...(halves.length === 2 ? zeros : []),
    ...rest.map((g) => parseInt(g, 16)),
    ...tail,
  ];
}

function isPrivateIPv6(g: number[]): boolean {
  const firstSixZero = g.slice(0, 6).every((x) => x === 0);
  const embedded = [g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff];
  if (firstSixZero && g[6] === 0 && g[7] <= 1) return true; // :: and ::1
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return isPrivateIPv4(embedded);
  if (firstSixZero) return isPrivateIPv4(embedded); // deprecated IPv4-compatible ::a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    return isPrivateIPv4(embedded); // NAT64 would forward to the embedded IPv4 address
  }
  return (
    (g[0] & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (g[0] & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (g[0] & 0xff00) === 0xff00 // multicast
  );
}
