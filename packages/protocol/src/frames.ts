import * as z from 'zod/mini';
import { ErrorCodeSchema } from './errors.js';
import { EventFrameSchema } from './events.js';
import { IdSchema, MessageSchema, RoomSettingsSchema, SeqSchema, UserSchema } from './model.js';
import {
  DeploymentFrameSchema,
  MetricsFrameSchema,
  MetricsSubscribeSchema,
  MetricsUnsubscribeSchema,
  TapFrameSchema,
  TapSubscribeSchema,
  TapUnsubscribeSchema,
} from './metrics.js';
import {
  McpAddSchema,
  McpApproveSchema,
  McpReconnectSchema,
  McpRemoveSchema,
  McpServerSchema,
} from './mcp.js';
import {
  ToolAbortSchema,
  ToolCallSchema,
  ToolCancelSchema,
  ToolDecideSchema,
  ToolInvokeSchema,
  ToolProgressFrameSchema,
  ToolRegisterSchema,
  ToolResultSchema,
  ToolRunSchema,
  ToolSchema,
  ToolToggleSchema,
  ToolUnregisterSchema,
} from './tools.js';

// ---- client -> server -------------------------------------------------------------------

/** First frame of every connection: the protocol spoken and the last seq already seen. */
export const HelloSchema = z.object({
  type: z.literal('hello'),
  protocol: z.int(),
  /** Last seq the client has applied; 0 for a fresh client. */
  since: SeqSchema,
});

export const PingSchema = z.object({
  type: z.literal('ping'),
  /** Client clock, echoed in the pong to measure round trips. */
  t: z.number(),
});

export const MessageSendSchema = z.object({
  type: z.literal('message.send'),
  /** Idempotency key, also the new message's id: a resend with the same id is applied once. */
  id: IdSchema,
  text: z.string().check(z.minLength(1)),
  /** Ask the assistant to answer (default true). */
  reply: z.optional(z.boolean()),
});

export const MessageStopSchema = z.object({
  type: z.literal('message.stop'),
  id: IdSchema,
  /** The streaming assistant message to stop. */
  messageId: IdSchema,
});

/** Answers the same user message again; only the room's latest reply can be retried. */
export const MessageRetrySchema = z.object({
  type: z.literal('message.retry'),
  id: IdSchema,
  /** The assistant reply to retry (it stays in the history; the new one says `retryOf`). */
  messageId: IdSchema,
});

/** Operator: removes every message of the room, for everyone. */
export const RoomClearSchema = z.object({
  type: z.literal('room.clear'),
  id: IdSchema,
});

/** Operator: changes some of the room's settings; fields left out keep their value. */
export const RoomConfigureSchema = z.object({
  type: z.literal('room.configure'),
  id: IdSchema,
  settings: z.partial(RoomSettingsSchema),
});

/**
 * Ephemeral: this connection is (or stops) watching a streaming reply: the reply is on screen and
 * the page is visible. Others see who is watching.
 */
export const WatchSchema = z.object({
  type: z.literal('watch'),
  messageId: z.nullable(IdSchema),
});

/** Ephemeral: never sequenced, never replayed. */
export const TypingSchema = z.object({
  type: z.literal('typing'),
  typing: z.boolean(),
});

export const ClientFrameSchema = z.discriminatedUnion('type', [
  HelloSchema,
  PingSchema,
  MessageSendSchema,
  MessageStopSchema,
  MessageRetrySchema,
  RoomClearSchema,
  RoomConfigureSchema,
  WatchSchema,
  TypingSchema,
  ToolInvokeSchema,
  ToolCancelSchema,
  ToolToggleSchema,
  ToolRegisterSchema,
  ToolUnregisterSchema,
  ToolDecideSchema,
  ToolProgressFrameSchema,
  ToolResultSchema,
  MetricsSubscribeSchema,
  MetricsUnsubscribeSchema,
  TapSubscribeSchema,
  TapUnsubscribeSchema,
  McpAddSchema,
  McpRemoveSchema,
  McpReconnectSchema,
  McpApproveSchema,
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;
export type ClientFrameType = ClientFrame['type'];
/** Client frames that carry an `id` and are answered by `ack` or `error`. */
export type Command = Extract<ClientFrame, { id: string }>;

// ---- server -> client -------------------------------------------------------------------

export const LimitsSchema = z.object({
  maxFrameBytes: z.int(),
  maxMessageChars: z.int(),
});
export type Limits = z.infer<typeof LimitsSchema>;

export const WelcomeSchema = z.object({
  type: z.literal('welcome'),
  protocol: z.int(),
  room: z.string(),
  connectionId: z.string(),
  user: UserSchema,
  /** Current room seq at the time of the welcome. */
  seq: SeqSchema,
  /** How the client is brought up to date: nothing missed, replay of events, or a snapshot. */
  resume: z.enum(['none', 'replay', 'snapshot']),
  /** No REALSTREAM_SECRET configured: anyone may connect with any name. */
  devMode: z.boolean(),
  limits: LimitsSchema,
  /** To operators: the responders they may choose for this room (`room.configure`). */
  responders: z.optional(z.array(z.string())),
});
export type Welcome = z.infer<typeof WelcomeSchema>;

/** Full state, sent instead of a replay when `since` is older than the replay ring. */
export const SnapshotSchema = z.object({
  type: z.literal('snapshot'),
  /** The seq the snapshot is at; live events continue from seq + 1. */
  seq: SeqSchema,
  /**
   * The latest page of messages, oldest first, plus every message still streaming (which may be
   * older than the page).
   */
  messages: z.array(MessageSchema),
  /** Older history exists: page it with GET messages?before=`before`. */
  hasMore: z.boolean(),
  /**
   * History cursor: the seq of the oldest message of the contiguous latest page (older streaming
   * messages are not part of it), or null for an empty room.
   */
  before: z.nullable(SeqSchema),
  presence: z.array(UserSchema),
  settings: RoomSettingsSchema,
  /** Every tool of the room, enabled or not. */
  tools: z.array(ToolSchema),
  /** Every MCP server of the room (their tools are in `tools`). */
  mcpServers: z.array(McpServerSchema),
  /** The latest tool calls (oldest first), plus every call still running or awaiting approval. */
  calls: z.array(ToolCallSchema),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

export const AckSchema = z.object({
  type: z.literal('ack'),
  id: IdSchema,
  /** seq of the event the command produced (the original one for a duplicate). */
  seq: SeqSchema,
  duplicate: z.optional(z.boolean()),
});

export const ErrorFrameSchema = z.object({
  type: z.literal('error'),
  /** The command this answers, when it answers one. */
  id: z.optional(z.string()),
  code: ErrorCodeSchema,
  message: z.string(),
  retryAfterMs: z.optional(z.number()),
});
export type ErrorFrame = z.infer<typeof ErrorFrameSchema>;

export const PongSchema = z.object({ type: z.literal('pong'), t: z.number() });

/** Several events in one frame: how the server coalesces under load. */
export const BatchSchema = z.object({
  type: z.literal('batch'),
  events: z.array(EventFrameSchema),
});

export const TypingNoticeSchema = z.object({
  type: z.literal('typing'),
  user: UserSchema,
  typing: z.boolean(),
});

/** Ephemeral: who is watching a streaming reply now (sent on every change). */
export const WatchersSchema = z.object({
  type: z.literal('watchers'),
  messageId: IdSchema,
  users: z.array(UserSchema),
});

export const ServerFrameSchema = z.discriminatedUnion('type', [
  WelcomeSchema,
  SnapshotSchema,
  AckSchema,
  ErrorFrameSchema,
  EventFrameSchema,
  BatchSchema,
  PongSchema,
  TypingNoticeSchema,
  WatchersSchema,
  ToolRunSchema,
  ToolAbortSchema,
  MetricsFrameSchema,
  TapFrameSchema,
  DeploymentFrameSchema,
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;

// ---- REST -------------------------------------------------------------------------------

/** POST /parties/:party/:room/messages (header Idempotency-Key: the message id). */
export const PostMessageBodySchema = z.object({
  text: z.string().check(z.minLength(1)),
  reply: z.optional(z.boolean()),
});
export type PostMessageBody = z.infer<typeof PostMessageBodySchema>;

export const PostMessageResultSchema = z.object({
  message: MessageSchema,
  seq: SeqSchema,
  duplicate: z.boolean(),
});

/** GET /parties/:party/:room/messages?before=SEQ&limit=N: a page, oldest first. */
export const MessagePageSchema = z.object({
  messages: z.array(MessageSchema),
  /** Cursor for the next older page, or null at the beginning of the room. */
  nextBefore: z.nullable(SeqSchema),
  /** The room's seq when the page was read. */
  seq: SeqSchema,
});
export type MessagePage = z.infer<typeof MessagePageSchema>;

/** GET /parties/:party/:room: who and what is in the room. */
export const RoomInfoSchema = z.object({
  room: z.string(),
  seq: SeqSchema,
  protocol: z.int(),
  devMode: z.boolean(),
  presence: z.array(UserSchema),
  connections: z.int(),
  streaming: z.int(),
  limits: LimitsSchema,
  settings: RoomSettingsSchema,
  /** Responders an operator may choose for this room. */
  responders: z.array(z.string()),
});
export type RoomInfo = z.infer<typeof RoomInfoSchema>;
