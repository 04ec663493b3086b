/** Where a room lives, resolved once so the WebSocket and REST calls agree on host and scheme. */
export interface Endpoint {
  /** host[:port], no scheme, no trailing slash. */
  host: string;
  secure: boolean;
}

// The private-network heuristic PartyKit's own client uses, so a bare host means what it means there.
const LOCAL =
  /^(localhost|127\.0\.0\.1|192\.168\.|10\.|172\.(1[6-9]|2\d|3[01])\.|\[::1\]|\[::ffff:7f00:1\])/;

/**
 * Accepts 'localhost:1999', 'chat.example.com', or a full http(s):// or ws(s):// URL. A bare host is
 * secure unless it is local; an explicit scheme always wins (a local https proxy, a plain-http LAN host).
 */
export function parseEndpoint(input: string): Endpoint {
  const trimmed = input.trim();
  const scheme = /^(https?|wss?):\/\//i.exec(trimmed);
  if (scheme) {
    const url = new URL(trimmed);
    if (url.pathname !== '/' && url.pathname !== '') {
      throw new TypeError(`host ${input}: give the server's origin, without a path`);
    }
    const s = scheme[1].toLowerCase();
    return { host: url.host, secure: s === 'https' || s === 'wss' };
  }
  const host = trimmed.replace(/\/+$/, '');
  if (!host || host.includes('/'))
    throw new TypeError(`host ${input}: expected host[:port] or a URL`);
  return { host, secure: !LOCAL.test(host) };
}

/** Where the server routes a room, over HTTP and WebSocket alike. */
const roomPath = (party: string, room: string) =>
  `/parties/${encodeURIComponent(party)}/${encodeURIComponent(room)}`;

/** Base URL of a room's HTTP API, as the server routes it: /parties/:party/:room. */
export function roomHttpUrl(endpoint: Endpoint, party: string, room: string): string {
  return `${endpoint.secure ? 'https' : 'http'}://${endpoint.host}${roomPath(party, room)}`;
}

/**
 * The room's WebSocket URL as the link dials it, without the query (which carries the token): what
 * an "unreachable" status names as tried.
 */
export function roomSocketUrl(endpoint: Endpoint, party: string, room: string): string {
  return `${endpoint.secure ? 'wss' : 'ws'}://${endpoint.host}${roomPath(party, room)}`;
}
