import type { Caller, JsonSchema, Role, ToolError, ToolProgress, User } from '@realstream/protocol';

/** What a running tool may use: cancellation, progress reporting and a read-only view of the room. */
export interface ToolRunContext {
  /** Aborted on cancel, timeout or room shutdown; a tool must stop promptly and cancel its I/O. */
  signal: AbortSignal;
  /** Reports progress; streamed to everyone in the room. */
  progress(update: ToolProgress): void;
  room: RoomView;
  /** The call's id, when the room has one; webhooks send it so a receiver can drop replays. */
  callId?: string;
  /** Who asked; webhooks pass it on so the receiver can authorise or audit. */
  caller?: Caller;
}

/** The room as `room.info` and friends see it. */
export interface RoomView {
  name: string;
  seq: number;
  presence: User[];
  connections: number;
  messages: number;
  streaming: number;
  tools: { name: string; enabled: boolean; available: boolean }[];
}

/**
 * A failure a tool reports on purpose, with a code a caller can act on (`invalid_argument`,
 * `upstream_failed`, ...) and a message a person can read. Anything else thrown is `internal`.
 */
export class ToolFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Extra facts for the caller, e.g. the position of a syntax error. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ToolFailure';
  }

  toJSON(): ToolError {
    return { code: this.code, message: this.message };
  }
}

/** A tool implemented on the server (built-in or configured webhook). */
export interface ServerTool {
  /** Default `builtin`. */
  kind?: 'builtin' | 'webhook';
  name: string;
  title: string;
  description: string;
  inputSchema: JsonSchema;
  outputSchema?: JsonSchema;
  timeoutMs: number;
  requiresApproval: boolean;
  minRole: Role;
  /** Starts switched on in a new room. */
  enabledByDefault: boolean;
  /** `args` has already been validated against `inputSchema`. Returns the JSON result. */
  run(args: unknown, ctx: ToolRunContext): Promise<unknown>;
}
