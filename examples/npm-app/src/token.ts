// The browser's half of the token flow: ask our own backend (/api/token), never the room server,
// for a signed token. The room calls `fetchToken` again on every reconnect, so an expired token
// is replaced without the page doing anything.
import type { TokenResponse } from '../server/token-route';

/** A refusal from /api/token, with the route's code and sentence. */
export class TokenError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'TokenError';
    this.status = status;
    this.code = code;
  }
}

/** A stable id for this browser, so a reload is the same member (your app: the user's id). */
export function browserId(storage: Storage = localStorage): string {
  let id = storage.getItem('realstream-uid');
  if (!id) {
    id = crypto.randomUUID();
    storage.setItem('realstream-uid', id);
  }
  return id;
}

export async function fetchToken(name: string, uid: string): Promise<TokenResponse> {
  const query = new URLSearchParams({ name, uid });
  const res = await fetch(`/api/token?${query}`, { headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => null)) as
    TokenResponse | { error?: { code?: string; message?: string } } | null;
  if (!res.ok || !body || !('token' in body)) {
    const error = body && 'error' in body ? body.error : undefined;
    throw new TokenError(
      res.status,
      error?.code ?? 'unknown',
      error?.message ?? `/api/token answered ${res.status} ${res.statusText}`,
    );
  }
  return body;
}
