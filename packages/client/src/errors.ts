import type { ErrorCode } from '@realstream/protocol';

/**
 * Codes a client can see: the server's closed list, plus what only a client knows about.
 * `closed`: the client was closed before the command was answered.
 * `network`: an HTTP request did not get an answer (offline, DNS, CORS).
 * `bad_response`: the server answered with something that is not valid protocol.
 */
export type ClientErrorCode = ErrorCode | 'closed' | 'network' | 'bad_response';

/** Every failure the client reports: a rejected command, a failed history page, a final close. */
export class RealstreamError extends Error {
  override name = 'RealstreamError';
  readonly code: ClientErrorCode;
  /** For `rate_limited`: how long the server asked us to wait. */
  readonly retryAfterMs?: number;
  /** HTTP status, for errors from the REST API. */
  readonly status?: number;

  constructor(
    code: ClientErrorCode,
    message: string,
    extra: { retryAfterMs?: number; status?: number } = {},
  ) {
    super(message);
    this.code = code;
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs;
    if (extra.status !== undefined) this.status = extra.status;
  }

  /** The plain `{code, message}` stored on a failed message (stores hold data, not Error objects). */
  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}
