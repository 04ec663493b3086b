/**
 * Webhook request signing, Stripe-style:
 *
 *   X-Realstream-Timestamp: <unix seconds>
 *   X-Realstream-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + rawBody)>
 *   X-Realstream-Call-Id:   <call id>
 *
 * Signing the timestamp with the body lets a receiver refuse old requests; the call id (also in
 * the body) lets it refuse a request it has already seen. A receiver must do all three:
 *
 *   1. `verifyWebhook(...)` over the RAW body bytes, before parsing them;
 *   2. rely on its tolerance (default 300 s) to drop old timestamps;
 *   3. remember each call id (or signature) for that same window and answer 401 to a repeat,
 *      since a captured request replays fine inside the window otherwise.
 *
 * `v1=` may repeat, comma separated (`v1=abc,v1=def`), so a secret can be rotated: the receiver
 * accepts any listed signature that matches one of its secrets. Only Web Crypto is used so the
 * same code runs in workerd, browsers and Node.
 */

const encoder = new TextEncoder();

export type VerifyResult =
  | { ok: true }
  | {
      ok: false;
      reason: 'missing_header' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature';
    };

export interface VerifyOptions {
  secret: string;
  /** The X-Realstream-Timestamp header. */
  timestamp: string | null | undefined;
  /** The X-Realstream-Signature header. */
  signature: string | null | undefined;
  /** The raw request body, exactly as received. */
  body: string | Uint8Array;
  /** Current time in milliseconds; defaults to Date.now(). */
  now?: number;
  toleranceSeconds?: number;
}

/** `v1=<hex>` for `timestamp` (unix seconds) and the raw body. */
export async function signWebhook(
  secret: string,
  timestamp: number | string,
  body: string,
): Promise<string> {
  const key = await hmacKey(secret, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, signedBytes(String(timestamp), body));
  return `v1=${toHex(new Uint8Array(mac))}`;
}

/** Checks a signed request. Does not remember call ids: that is the receiver's job (see above). */
export async function verifyWebhook(opts: VerifyOptions): Promise<VerifyResult> {
  const { secret, timestamp, signature, body } = opts;
  if (!timestamp || !signature) return { ok: false, reason: 'missing_header' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad_timestamp' };
  const now = opts.now ?? Date.now();
  const tolerance = opts.toleranceSeconds ?? 300;
  if (Math.abs(now / 1000 - Number(timestamp)) > tolerance) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  const candidates = signature
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => fromHex(part.slice(3)))
    .filter((mac): mac is Uint8Array<ArrayBuffer> => mac !== undefined && mac.length === 32);
  const key = await hmacKey(secret, ['verify']);
  const data = signedBytes(timestamp, body);
  for (const mac of candidates) {
    // subtle.verify compares in constant time, so the answer's timing leaks nothing about the MAC.
    if (await crypto.subtle.verify('HMAC', key, mac, data)) return { ok: true };
  }
  return { ok: false, reason: 'bad_signature' };
}

function hmacKey(secret: string, usages: KeyUsage[]): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    usages,
  );
}

function signedBytes(timestamp: string, body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const head = encoder.encode(`${timestamp}.`);
  const rest = typeof body === 'string' ? encoder.encode(body) : body;
  const out = new Uint8Array(head.length + rest.length);
  out.set(head);
  out.set(rest, head.length);
  return out;
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
