import type { MessagePage } from '@realstream/protocol';
import { checkErrorBody, checkMessagePage } from '@realstream/protocol/validate';
import { RealstreamError } from './errors.js';
import type { RoomState } from './room-state.js';

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

/**
 * loadOlder(): pages history backwards from the cursor, one request at a time, and drops a page
 * that a snapshot made stale while it was in flight.
 */
export class History {
  private request: Promise<boolean> | null = null;

  constructor(
    private readonly state: RoomState,
    private readonly fetchOlder: (before: number | null) => Promise<MessagePage>,
    private readonly changed: () => void,
  ) {}

  loadOlder(): Promise<boolean> {
    if (this.request) return this.request;
    if (!this.state.hasMore || this.state.cursor === null) return Promise.resolve(false);
    this.request = this.load().finally(() => (this.request = null));
    return this.request;
  }

  private async load(): Promise<boolean> {
    const generation = this.state.generation;
    const page = await this.fetchOlder(this.state.cursor);
    // A snapshot arrived meanwhile: it reset the cursor, and this page may not join onto it.
    if (generation !== this.state.generation) return this.state.hasMore;
    this.state.prepend(page.messages, page.nextBefore);
    this.changed();
    return this.state.hasMore;
  }
}
