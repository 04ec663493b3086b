/** Quotes `text` for a POSIX shell: inside single quotes nothing is special but the quote itself. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The HTTP origin of a client's `host`: https, except for a local dev server. */
export function httpOrigin(host: string): string {
  const full = host.match(/^(https?|wss?):\/\/([^/]+)/i);
  if (full) return `${full[1].toLowerCase().replace(/^ws/, 'http')}://${full[2]}`;
  const bare = host.replace(/\/+$/, '');
  const local = /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(bare);
  return `${local ? 'http' : 'https'}://${bare}`;
}

export interface CurlRequest {
  host: string;
  party: string;
  room: string;
  name: string;
  args: unknown;
  /** The Idempotency-Key: a fresh id, so running the command twice runs the tool once. */
  key: string;
}

/**
 * The same call over the REST API, as a curl command to paste in a terminal. The token stays an
 * environment variable (in double quotes so the shell expands it): it is never copied.
 */
export function curlCommand(r: CurlRequest): string {
  const path = [r.party, r.room, 'tools', r.name, 'invoke'].map(encodeURIComponent).join('/');
  const url = `${httpOrigin(r.host)}/parties/${path}`;
  return [
    `curl -X POST ${shellQuote(url)}`,
    `-H 'content-type: application/json'`,
    `-H ${shellQuote(`Idempotency-Key: ${r.key}`)}`,
    `-H "Authorization: Bearer $REALSTREAM_TOKEN"`,
    `--data-raw ${shellQuote(JSON.stringify({ args: r.args ?? {} }))}`,
  ].join(' \\\n  ');
}

/** A fresh id for an Idempotency-Key (the server accepts the same characters as command ids). */
export function newKey(): string {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID();
  return `k-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
