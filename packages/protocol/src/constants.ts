/**
 * Wire constants that no schema needs: they live apart from the zod schemas so that a browser
 * importing them (the client does, for every connection) does not pull zod in with them.
 */

/** Bumped on any change a peer of the previous version would misread. */
export const PROTOCOL_VERSION = 1;

/**
 * WebSocket close codes. 4401, 4403 and 4400 are final (the client shows them and stops); after
 * 4408 (room full) and 4429 (flooding) it backs off and tries again.
 */
export const CLOSE_CODES = {
  unauthorised: 4401,
  forbidden: 4403,
  too_many_connections: 4408,
  rate_limited: 4429,
  protocol_mismatch: 4400,
  server_misconfigured: 4500,
} as const;

/** Close codes after which reconnecting with the same credentials cannot help. */
export const FINAL_CLOSE_CODES: readonly number[] = [
  CLOSE_CODES.unauthorised,
  CLOSE_CODES.forbidden,
  CLOSE_CODES.protocol_mismatch,
  CLOSE_CODES.server_misconfigured,
];

/**
 * How the server's 4401 close reasons begin, one per token problem. A close reason is free text
 * (at most 123 bytes), so the client tells the problems apart by these prefixes: one place for
 * both sides' spelling.
 */
export const TOKEN_PROBLEMS = {
  missing: 'a token is required',
  expired: 'token expired',
  signature: 'token signature does not verify',
  malformed: 'token malformed',
} as const;

export type TokenProblem = keyof typeof TOKEN_PROBLEMS;

/** Which token problem a 4401 close reason names, or null for another refusal (claims, role). */
export function tokenProblemOf(reason: string): TokenProblem | null {
  for (const [problem, prefix] of Object.entries(TOKEN_PROBLEMS)) {
    if (reason.startsWith(prefix)) return problem as TokenProblem;
  }
  return null;
}

/** The 4400 close reason for a hello in another protocol version: both versions, machine-readable. */
export function protocolMismatchReason(server: number, client: number): string {
  return `protocol mismatch: server speaks ${server}, client spoke ${client}`;
}

/** The versions in a protocolMismatchReason(), or null when a 4400 is about something else. */
export function parseProtocolMismatch(reason: string): { server: number; client: number } | null {
  const m = /^protocol mismatch: server speaks (\d+), client spoke (\d+)/.exec(reason);
  return m ? { server: Number(m[1]), client: Number(m[2]) } : null;
}

/**
 * The heartbeat, byte for byte. Clients always send this exact ping (t is 0), so a Durable Object
 * can answer it with an auto-response (`setWebSocketAutoResponse`) without waking from
 * hibernation: an idle room costs nothing per heartbeat. The room answers it the same way when
 * awake, and sends the same pong unsolicited while a reply streams in silence (a keep-alive).
 */
export const HEARTBEAT_PING = '{"type":"ping","t":0}';
export const HEARTBEAT_PONG = '{"type":"pong","t":0}';
