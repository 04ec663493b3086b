/**
 * Where a webhook or `http.fetch` may point. Two guards, both applied when the configuration is
 * read:
 *
 * - the allow-list (REALSTREAM_WEBHOOK_HOSTS, REALSTREAM_HTTP_FETCH_HOSTS): the operator names
 *   every host, and through it every port, a request may reach;
 * - `reservedRange`: refuses every IANA special-purpose IPv4 and IPv6 range (loopback, private,
 *   link-local, CGNAT, benchmarking, documentation, NAT64, 6to4 of a reserved address, ...) and
 *   local names, so a mistyped or injected URL cannot reach the machine's own network.
 *
 * workerd cannot resolve DNS before `fetch`, so a public name that resolves to a private address
 * (or is re-pointed there later, DNS rebinding) is NOT caught by `reservedRange`. The allow-list
 * is the real guard: list only names whose DNS you control. Webhooks refuse redirects for the
 * same reason (see webhook.ts); `http.fetch` checks every hop against its list.
 */

/** True for literal addresses and names that must not be reached without an explicit opt-in. */
export function isPrivateHost(hostname: string): boolean {
  return reservedRange(hostname) !== undefined;
}

/**
 * Why `hostname` must not be reached without the opt-in (`"198.18.0.0/15 benchmarking"`), or
 * undefined for a public address or name. Takes a URL's `hostname` or an operator's entry: IPv4
 * in any form the URL parser accepts (`0x7f.1`, `2130706433`, `127.1`), IPv6 bracketed or not,
 * compressed, with a dotted tail or a zone id.
 */
export function reservedRange(hostname: string): string | undefined {
  const text = hostname.trim().toLowerCase();
  // The URL parser refuses zone ids (`fe80::1%eth0`, `%25` in a URL), so read them here.
  const zoned = /^\[?([^%\]]*:[^%\]]*)%[^\]]+\]?$/.exec(text);
  if (zoned) {
    const ip = parseIPv6(zoned[1]);
    if (ip === undefined) return 'not an IPv6 address';
    return reservedIPv6(ip) ?? 'an address scoped to a local interface (zone id)';
  }
  const host = normalizeHost(text);
  if (host === undefined) return 'not a host name or address'; // refuse rather than guess
  if (host.startsWith('[')) {
    const ip = parseIPv6(host.slice(1, -1));
    return ip === undefined ? 'not an IPv6 address' : reservedIPv6(ip);
  }
  const v4 = parseIPv4(host);
  if (v4 !== undefined) return reservedIPv4(v4);
  return reservedName(host);
}

/**
 * True when `url` may be fetched under the allow-list. Entries: `host` (default port of the
 * scheme only), `host:port`, `*.example.com` (any subdomain, not the apex), `[::1]:8080`.
 * A bare host does not open every port: other ports on the same machine are other services.
 */
export function hostAllowed(url: URL, allow: readonly string[]): boolean {
  return allow.some((entry) => entryMatches(url, entry, true));
}

/** True when `url` is refused only for its port: some entry names its host with another port. */
export function hostListedOnOtherPort(url: URL, allow: readonly string[]): boolean {
  return !hostAllowed(url, allow) && allow.some((entry) => entryMatches(url, entry, false));
}

/** The port a request to `url` goes to: the explicit one or the scheme's default. */
export function effectivePort(url: URL): string {
  return url.port || defaultPort(url);
}

function defaultPort(url: URL): string {
  return url.protocol === 'https:' ? '443' : '80';
}

/** What to tell an operator whose list names the host of `url`, but not its port. */
export function portHint(url: URL, variable: string): string {
  const hostPort = `${url.hostname}:${effectivePort(url)}`;
  return (
    'an entry without a port allows only 443 for https and 80 for http; ' +
    `add ${hostPort} to ${variable} to allow that port`
  );
}

function entryMatches(url: URL, entry: string, checkPort: boolean): boolean {
  const parsed = splitHostPort(entry.toLowerCase());
  if (parsed === undefined) return false;
  if (checkPort && (parsed.port ?? defaultPort(url)) !== effectivePort(url)) return false;
  const host = url.hostname.toLowerCase();
  if (parsed.host.startsWith('*.')) return host.endsWith(parsed.host.slice(1));
  return host === parsed.host;
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
 * Runs the name through the WHATWG URL parser, which is what `fetch` does: it turns `0x7f.1`,
 * `2130706433` and `[::ffff:127.0.0.1]` into canonical forms we can classify.
 */
function normalizeHost(text: string): string | undefined {
  let host = text;
  if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`;
  if (host === '' || /[/?#@\\\s]/.test(host)) return undefined;
  try {
    host = new URL(`http://${host}/`).hostname;
  } catch {
    return undefined;
  }
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/** Special-use names (RFC 6761, 6762, 8375, ICANN's .internal) and names without a dot. */
function reservedName(host: string): string | undefined {
  const under = (suffix: string) => host === suffix || host.endsWith(`.${suffix}`);
  if (under('localhost')) return 'localhost (RFC 6761)';
  if (under('local')) return '.local, multicast DNS on the local link (RFC 6762)';
  if (under('internal')) return '.internal, private use (ICANN)';
  if (under('home.arpa')) return 'home.arpa, a home network (RFC 8375)';
  // `metadata`, `db`, a compose service: only the resolver's search domains give it a meaning.
  if (!host.includes('.')) return 'a single-label name, resolved on the local network';
  return undefined;
}

interface Range {
  cidr: string;
  bytes: number[];
  prefix: number;
  what: string;
}

function range(cidr: string, what: string): Range {
  const [address, bits] = cidr.split('/');
  const bytes = address.includes(':') ? parseIPv6(address) : parseIPv4(address);
  const prefix = Number(bits);
  const hostBitsClear = bytes?.every((b, i) => (b & mask(prefix - i * 8)) === b);
  if (!bytes || !(prefix >= 0 && prefix <= bytes.length * 8) || !hostBitsClear) {
    throw new Error(`webhook-net: bad range ${cidr}`); // a typo in the tables below
  }
  return { cidr, bytes, prefix, what };
}

/** The bits of byte `i` a prefix covers, given `bits` = prefix - 8 * i. */
function mask(bits: number): number {
  return bits >= 8 ? 0xff : bits <= 0 ? 0 : (0xff << (8 - bits)) & 0xff;
}

function inRange(address: number[], network: number[], prefix: number): boolean {
  if (address.length !== network.length) return false;
  for (let i = 0; i * 8 < prefix; i++) {
    if ((address[i] & mask(prefix - i * 8)) !== network[i]) return false;
  }
  return true;
}

/**
 * The IANA IPv4 Special-Purpose Address Registry, plus multicast (RFC 5771). Every entry, also
 * the "globally reachable" ones: none is a place a webhook or a fetch should go.
 */
const RESERVED_IPV4: readonly Range[] = [
  range('0.0.0.0/8', '"this network" (RFC 791)'),
  range('10.0.0.0/8', 'private (RFC 1918)'),
  range('100.64.0.0/10', 'shared address space, carrier-grade NAT (RFC 6598)'),
  range('127.0.0.0/8', 'loopback (RFC 1122)'),
  range('169.254.0.0/16', 'link-local, cloud metadata endpoints (RFC 3927)'),
  range('172.16.0.0/12', 'private (RFC 1918)'),
  range('192.0.0.0/24', 'IETF protocol assignments (RFC 6890)'),
  range('192.0.2.0/24', 'documentation, TEST-NET-1 (RFC 5737)'),
  range('192.31.196.0/24', 'AS112-v4 (RFC 7535)'),
  range('192.52.193.0/24', 'AMT (RFC 7450)'),
  range('192.88.99.0/24', 'deprecated 6to4 relay anycast (RFC 7526)'),
  range('192.168.0.0/16', 'private (RFC 1918)'),
  range('192.175.48.0/24', 'direct delegation AS112 service (RFC 7534)'),
  range('198.18.0.0/15', 'benchmarking (RFC 2544)'),
  range('198.51.100.0/24', 'documentation, TEST-NET-2 (RFC 5737)'),
  range('203.0.113.0/24', 'documentation, TEST-NET-3 (RFC 5737)'),
  range('224.0.0.0/4', 'multicast (RFC 5771)'),
  range('255.255.255.255/32', 'limited broadcast (RFC 919)'),
  range('240.0.0.0/4', 'reserved (RFC 1112)'),
];

/**
 * The IANA IPv6 Special-Purpose Address Registry, multicast, the deprecated site-local and
 * IPv4-compatible blocks, and last everything outside 2000::/3, where IANA has allocated no
 * global unicast. ::ffff:0:0/96 (IPv4-mapped) and 2002::/16 (6to4) carry an IPv4 address that
 * `reservedIPv6` checks instead. The first match names the range, so narrow entries come first.
 */
const RESERVED_IPV6: readonly Range[] = [
  range('::/128', 'unspecified (RFC 4291)'),
  range('::1/128', 'loopback (RFC 4291)'),
  range('::/96', 'deprecated IPv4-compatible (RFC 4291)'),
  range('::ffff:0:0:0/96', 'IPv4-translated (RFC 2765)'),
  range('64:ff9b::/96', 'NAT64 well-known prefix, reaches any IPv4 (RFC 6052)'),
  range('64:ff9b:1::/48', 'local-use NAT64 (RFC 8215)'),
  range('100::/64', 'discard-only (RFC 6666)'),
  range('100:0:0:1::/64', 'dummy prefix (IANA special-purpose registry)'),
  range('2001::/32', 'Teredo (RFC 4380)'),
  range('2001:2::/48', 'benchmarking (RFC 5180)'),
  range('2001::/23', 'IETF protocol assignments (RFC 2928)'),
  range('2001:db8::/32', 'documentation (RFC 3849)'),
  range('2620:4f:8000::/48', 'direct delegation AS112 service (RFC 7534)'),
  range('3fff::/20', 'documentation (RFC 9637)'),
  range('5f00::/16', 'segment routing SIDs (RFC 9602)'),
  range('fc00::/7', 'unique local (RFC 4193)'),
  range('fe80::/10', 'link-local (RFC 4291)'),
  range('fec0::/10', 'deprecated site-local (RFC 3879)'),
  range('ff00::/8', 'multicast (RFC 4291)'),
  range('::/3', 'not global unicast (outside 2000::/3)'),
  range('4000::/2', 'not global unicast (outside 2000::/3)'),
  range('8000::/1', 'not global unicast (outside 2000::/3)'),
];

const IPV4_MAPPED = range('::ffff:0:0/96', 'IPv4-mapped (RFC 4291)');
const SIX_TO_FOUR = range('2002::/16', '6to4 (RFC 3056)');

function lookup(table: readonly Range[], address: number[]): string | undefined {
  const hit = table.find((r) => inRange(address, r.bytes, r.prefix));
  return hit && `${hit.cidr} ${hit.what}`;
}

function reservedIPv4(bytes: number[]): string | undefined {
  return lookup(RESERVED_IPV4, bytes);
}

function reservedIPv6(bytes: number[]): string | undefined {
  for (const [outer, at] of [
    [IPV4_MAPPED, 12],
    [SIX_TO_FOUR, 2],
  ] as const) {
    if (inRange(bytes, outer.bytes, outer.prefix)) {
      const inner = reservedIPv4(bytes.slice(at, at + 4));
      return inner && `${outer.cidr} ${outer.what} of ${inner}`;
    }
  }
  return lookup(RESERVED_IPV6, bytes);
}

/** Four bytes of a dotted-decimal address (the URL parser's output), or undefined. */
function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

/** Sixteen bytes, or undefined. Accepts `::` compression and a dotted IPv4 tail. */
function parseIPv6(text: string): number[] | undefined {
  let s = text;
  const tail: number[] = [];
  const v4 = /(?:^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
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
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  const groups = [
    ...head.map((g) => parseInt(g, 16)),
    ...new Array<number>(halves.length === 2 ? 8 - known : 0).fill(0),
    ...rest.map((g) => parseInt(g, 16)),
    ...tail,
  ];
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}
