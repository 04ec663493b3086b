/** When to try a provider again: Retry-After as the provider sends it, or exponential backoff. */

/** Milliseconds to wait from `retry-after-ms` (OpenAI) or `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Number(ms);
  const raw = headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  // An HTTP date starts with the day's name (IMF-fixdate, RFC 850 and asctime forms alike).
  const at = /^[A-Za-z]{3,9},? /.test(raw) ? Date.parse(raw) : NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with up to 25% jitter, so rooms that failed together do not retry together. */
export function backoff(baseMs: number, attempt: number): number {
  return baseMs * 2 ** attempt * (1 + Math.random() * 0.25);
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => (clearTimeout(t), resolve(false));
    const t = setTimeout(() => (signal.removeEventListener('abort', onAbort), resolve(true)), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
