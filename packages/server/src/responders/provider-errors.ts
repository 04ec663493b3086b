/**
 * What a provider said went wrong, made fit for a room: its own words from any common error body,
 * on one line, capped, and never with an API key in it.
 */
import type { ResponderChunk } from './types.js';

export type ErrorChunk = Extract<ResponderChunk, { type: 'error' }>;

const MAX_MESSAGE_CHARS = 500;

/** The error for a non-2xx answer, quoting the provider. */
export function httpError(provider: string, status: number, body: string): ErrorChunk {
  const code =
    status === 429
      ? 'rate_limited'
      : status === 401
        ? 'unauthorised'
        : status === 403
          ? 'forbidden'
          : status >= 500
            ? 'provider_unavailable'
            : 'bad_request';
  const detail = providerMessage(body);
  return {
    type: 'error',
    code,
    message: `${provider} answered HTTP ${status}${detail ? `: ${detail}` : ''}`,
  };
}

/** A stream event whose data is not the JSON it must be: quoted (clipped), never parsed further. */
export function notJson(provider: string, what: string, data: string): ErrorChunk {
  const quoted = providerMessage(data).slice(0, 200);
  return {
    type: 'error',
    code: 'bad_response',
    message: `${provider} sent ${what} that is not JSON: ${quoted}`,
  };
}

/** The human-readable part of a provider's error body (JSON of any common shape, text or HTML). */
export function providerMessage(body: string): string {
  try {
    const json = JSON.parse(body) as any;
    const error = json?.error;
    const candidates = [error?.message, error, json?.message, json?.detail];
    for (const c of candidates) if (typeof c === 'string' && c.trim()) return clip(c);
  } catch {
    // Not JSON: a proxy's HTML page or plain text.
  }
  return clip(body.replace(/<[^>]*>/g, ' '));
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_MESSAGE_CHARS ? `${flat.slice(0, MAX_MESSAGE_CHARS - 1)}…` : flat;
}

/** Replaces every secret in `text`; a provider may quote the key it was sent. */
export function redactSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  return out;
}

/** A thrown error's message with its cause (fetch failures hide the reason there). */
export function errorReason(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string; code?: string } };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return [e?.message ?? String(err), cause].filter(Boolean).join(': ');
}
