import { CLOSE_CODES, parseProtocolMismatch, tokenProblemOf } from '@realstream/protocol';

/**
 * Why the link is not live, as `$status.reason.code`:
 * - `unreachable`: no socket opened (server down, wrong host or port, DNS, TLS); retrying.
 * - `connection_lost`: an open link closed (network drop, server restart); reconnecting.
 * - `room_full` (4408) and `rate_limited` (4429): the server said "not now"; retrying after a wait.
 * - `token_missing`, `token_expired`, `token_signature` (the signature does not verify),
 *   `token_malformed`, `unauthorised` (another 4401, e.g. a claim missing).
 * - `forbidden` (the token does not cover the room or role), `origin_not_allowed` (4403).
 * - `protocol_mismatch` and `invalid_room` (4400), `server_misconfigured` (4500).
 * - `closed`: the app closed the client.
 */
export type StatusReasonCode =
  | 'unreachable'
  | 'connection_lost'
  | 'room_full'
  | 'rate_limited'
  | 'token_missing'
  | 'token_expired'
  | 'token_signature'
  | 'token_malformed'
  | 'unauthorised'
  | 'forbidden'
  | 'origin_not_allowed'
  | 'protocol_mismatch'
  | 'invalid_room'
  | 'server_misconfigured'
  | 'closed';

/** `$status.reason`: what went wrong, in words a page can show, and the facts behind them. */
export interface StatusReason {
  code: StatusReasonCode;
  /** One line for the page: the problem and what happens next or what to do. */
  message: string;
  /** The client is trying again on its own; false: it waits for reconnect() (or a fix). */
  retrying: boolean;
  /** The close code, when a close said it (1006 when the browser gave none). */
  closeCode?: number;
  /** The server's own close reason, verbatim, when it gave one. */
  serverReason?: string;
  /** Connection attempts since the link was last live. */
  attempts?: number;
  /** The socket URL tried, without its query (which carries the token). */
  url?: string;
  /** How long until the next attempt, when the server asked for a wait. */
  retryInMs?: number;
  /** Protocol versions (protocol_mismatch): this client's, as the server heard it, and the server's. */
  clientProtocol?: number;
  serverProtocol?: number;
  /** The refused origin (origin_not_allowed). */
  origin?: string;
  /** The deployment variable at fault (server_misconfigured). */
  variable?: string;
}

/** What the session knew when a socket closed. */
export interface CloseFacts {
  code: number;
  reason: string;
  /** The close is final: the link stays down until reconnect(). */
  final: boolean;
  /** The server asked for this wait before the next attempt (4408, 4429). */
  backoffMs?: number;
  /** The socket of this attempt had opened. */
  opened: boolean;
  attempts: number;
  url: string;
  /** Where tokens come from: a `getToken` asked on every attempt, a fixed `token`, or none. */
  tokens: 'getToken' | 'static' | 'none';
  /** After a 4401 the client asks getToken for another token at once. */
  askingToken?: boolean;
}

export const CLIENT_CLOSED: StatusReason = {
  code: 'closed',
  message: 'the client was closed',
  retrying: false,
};

/** Turns a close into the reason the page shows: which problem, and what happens next. */
export function describeClose(f: CloseFacts): StatusReason {
  const { code, final } = f;
  const said = f.reason;
  const how = said ? `${code}: ${said}` : code;
  const base = { closeCode: code, ...(said ? { serverReason: said } : {}), retrying: !final };
  if (f.backoffMs !== undefined) {
    const wait = `retrying in ${Math.max(1, Math.round(f.backoffMs / 1000))} s`;
    const full = code === CLOSE_CODES.too_many_connections;
    return {
      ...base,
      code: full ? 'room_full' : 'rate_limited',
      message: `${said || (full ? 'the room is full' : 'too many frames')}: ${wait}`,
      retryInMs: f.backoffMs,
    };
  }
  if (!final) {
    if (!f.opened) {
      return {
        ...base,
        code: 'unreachable',
        message: `cannot reach ${f.url} (${f.attempts} attempt${f.attempts === 1 ? '' : 's'}): still retrying, with backoff`,
        attempts: f.attempts,
        url: f.url,
      };
    }
    return {
      ...base,
      code: 'connection_lost',
      message: `the connection closed (${how}): reconnecting`,
    };
  }
  switch (code) {
    case CLOSE_CODES.unauthorised: {
      const problem = tokenProblemOf(said);
      const next = f.askingToken
        ? 'asking getToken for a new one'
        : f.tokens === 'getToken'
          ? 'getToken will be asked for a new one on reconnect'
          : f.tokens === 'static'
            ? "the page's token must be replaced by a fresh one from your backend"
            : 'the page must pass a token or getToken';
      const hint = problem === 'signature' ? " (was it signed with the server's secret?)" : '';
      return {
        ...base,
        code: problem ? `token_${problem}` : 'unauthorised',
        message: `${said || 'not authorised'}${hint}: ${next}`,
        retrying: !!f.askingToken,
      };
    }
    case CLOSE_CODES.forbidden: {
      const origin = /^origin (\S+) is not allowed/.exec(said)?.[1];
      const byOrigin = said.includes('REALSTREAM_ALLOWED_ORIGINS');
      return {
        ...base,
        code: byOrigin ? 'origin_not_allowed' : 'forbidden',
        message: said || 'this room is not yours',
        ...(origin ? { origin } : {}),
      };
    }
    case CLOSE_CODES.protocol_mismatch: {
      const versions = parseProtocolMismatch(said);
      if (!versions) return { ...base, code: 'invalid_room', message: said || 'invalid room' };
      const { server, client } = versions;
      const todo =
        client < server
          ? "upgrade @realstream/client and @realstream/elements to the server's release"
          : `upgrade the server, or use the client release that speaks protocol ${server}`;
      return {
        ...base,
        code: 'protocol_mismatch',
        message: `this client speaks protocol ${client}, the server ${server}: ${todo}`,
        clientProtocol: client,
        serverProtocol: server,
      };
    }
    case CLOSE_CODES.server_misconfigured: {
      const variable = /\b(REALSTREAM_[A-Z0-9_]+)/.exec(said)?.[1];
      return {
        ...base,
        code: 'server_misconfigured',
        message: `${said || 'server misconfigured'} (the deployment's operator must fix it)`,
        ...(variable ? { variable } : {}),
      };
    }
  }
  // A final close we have no words for (the link only calls these final, so this is defensive).
  return {
    ...base,
    code: 'connection_lost',
    message: `closed with ${how}`,
  };
}
