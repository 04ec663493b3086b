// One page of history over HTTP. A module of its own, imported by the client the first time
// loadOlder() needs a page: a chat whose snapshot holds all the reader scrolls to never downloads
// it, nor the validators of pages and error bodies it brings.
import type { MessagePage } from '@realstream/protocol';
import { checkErrorBody, checkMessagePage } from '@realstream/protocol/validate';
import { RealstreamError } from './errors.js';

export interface PageRequest {
  /** Base URL of the room's HTTP API. */
  roomUrl: string;
  /** Messages created before this seq; null for the latest page. */
  before: number | null;
  limit: number;
  token?: string | null;
  fetch?: typeof fetch;
}

/**
 * GET /parties/:party/:room/messages?before=&limit=: one page of history, oldest first, validated
 * like every frame. Failures become RealstreamError with the server's code.
 */
export async function fetchPage(req: PageRequest): Promise<MessagePage> {
  const url = new URL(`${req.roomUrl}/messages`);
  if (req.before !== null) url.searchParams.set('before', String(req.before));
  url.searchParams.set('limit', String(req.limit));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (req.token) headers.authorization = `Bearer ${req.token}`;
  const doFetch = req.fetch ?? globalThis.fetch;
  let res: Response;
  try {
    res = await doFetch(url, { headers });
  } catch (err) {
    throw new RealstreamError('network', `history request failed: ${(err as Error).message}`);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new RealstreamError('bad_response', `history: HTTP ${res.status} without a JSON body`, {
      status: res.status,
    });
  }
  if (!res.ok) {
    const error = checkErrorBody(body);
    if (error.ok) {
      const { code, message, retryAfterMs } = error.value.error;
      throw new RealstreamError(code, message, { status: res.status, retryAfterMs });
    }
    throw new RealstreamError('bad_response', `history: HTTP ${res.status}`, {
      status: res.status,
    });
  }
  const page = checkMessagePage(body);
  if (!page.ok) {
    throw new RealstreamError('bad_response', 'history: the page does not match the protocol');
  }
  return page.value;
}
