import * as z from 'zod/mini';

/**
 * The closed list of error codes a Realstream server sends, in `error` frames and in
 * HTTP error bodies. Each maps to one HTTP status for REST answers.
 */
export const ERROR_CODES = {
  /** The frame was not valid JSON or not an object. */
  bad_json: 400,
  /** The frame or body did not match its schema; `message` names the field. */
  invalid_frame: 400,
  /** A frame of a type the server does not know. */
  unknown_type: 400,
  /** The client spoke another protocol version; see `welcome.protocol`. */
  protocol_mismatch: 400,
  /** The room's name breaks the rule for room names (see `roomNameProblem`). */
  invalid_room: 400,
  /** A command arrived before `hello`. */
  hello_required: 400,
  /** Frame or body larger than the server's cap. */
  too_large: 413,
  /** A message longer than `limits.maxMessageChars`. */
  message_too_long: 413,
  /** No valid token (missing, expired, bad signature). Final: do not retry with the same token. */
  unauthorised: 401,
  /** Valid token, but its role or room does not allow this. */
  forbidden: 403,
  /** Origin not in the allow-list. */
  origin_not_allowed: 403,
  /** The thing named does not exist (message, route). */
  not_found: 404,
  /** HTTP method not supported on this route. */
  method_not_allowed: 405,
  /** The command conflicts with the state (e.g. stopping a reply that already ended). */
  conflict: 409,
  /**
   * The id (a command's, or an HTTP Idempotency-Key) was used before for the same command with
   * another body: nothing was applied. Use a fresh id for a new message or call.
   */
  idempotency_mismatch: 422,
  /** Too many connections to this room. */
  too_many_connections: 429,
  /** Token bucket empty: slow down (`retryAfterMs` says how long). */
  rate_limited: 429,
  /** Too many replies streaming in this room at once. */
  busy: 503,
  /** Tool arguments do not match the tool's input schema; `message` points at the field. */
  invalid_arguments: 400,
  /** The tool is switched off in this room. */
  tool_disabled: 409,
  /** A client tool with no connection implementing it right now. */
  tool_unavailable: 503,
  /** Too many tool calls running in this room at once (`retryAfterMs` may say when to retry). */
  too_many_calls: 429,
  /**
   * A URL (an MCP server's) whose host is not in REALSTREAM_WEBHOOK_HOSTS, or that names a private
   * or reserved address while REALSTREAM_WEBHOOK_ALLOW_PRIVATE is off.
   */
  url_not_allowed: 403,
  /** The assistant's responder failed. */
  responder_failed: 502,
  /** The room's storage refused a write: the room restarted from what it had stored; try again. */
  storage_failed: 503,
  /** The deployment's REALSTREAM_* variables are invalid; `message` names the variable. */
  server_misconfigured: 500,
  /** A bug on our side; the log has details. */
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ErrorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

/** HTTP status for an error code. */
export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}

/** Body of every REST error: `{error: {code, message}}`. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    retryAfterMs: z.optional(z.number()),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
