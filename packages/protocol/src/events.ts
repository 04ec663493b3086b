import * as z from 'zod/mini';
import {
  IdSchema,
  MessageSchema,
  ReasoningSchema,
  RoomSettingsSchema,
  SeqSchema,
  UsageSchema,
  UserSchema,
} from './model.js';
import {
  ToolCallApprovedSchema,
  ToolCallEndedSchema,
  ToolCallProgressSchema,
  ToolCallStartedSchema,
  ToolRemovedSchema,
  ToolUpdatedSchema,
} from './tools.js';
import { McpServerRemovedSchema, McpServerUpdatedSchema } from './mcp.js';

/**
 * Room events: every state change of a room, in one log ordered by `seq`.
 * Replayed on resume; the transcript is a pure function of this log.
 */
export const MessageCreatedSchema = z.object({
  type: z.literal('message.created'),
  message: MessageSchema,
});

/**
 * A piece of streamed text. `offset` is where it starts in the message text (UTF-16 units), or,
 * with `part: 'reasoning'`, in the message's reasoning text. A reasoning delta sent to someone the
 * room does not show reasoning to carries no text and `withheld: true`: it only says that the
 * model is reasoning.
 */
export const MessageDeltaSchema = z.object({
  type: z.literal('message.delta'),
  messageId: IdSchema,
  offset: z.int().check(z.gte(0)),
  text: z.string(),
  part: z.optional(z.literal('reasoning')),
  withheld: z.optional(z.literal(true)),
});

/**
 * A reply ended; `text` (and `reasoning`) is the whole final text, so a client that missed deltas
 * still converges.
 */
export const MessageCompletedSchema = z.object({
  type: z.literal('message.completed'),
  messageId: IdSchema,
  status: z.enum(['complete', 'stopped', 'interrupted']),
  text: z.string(),
  usage: z.optional(UsageSchema),
  /** Who pressed stop, for `stopped`. */
  stoppedBy: z.optional(z.string()),
  reasoning: z.optional(ReasoningSchema),
});

export const MessageFailedSchema = z.object({
  type: z.literal('message.failed'),
  messageId: IdSchema,
  text: z.string(),
  error: z.object({ code: z.string(), message: z.string() }),
  reasoning: z.optional(ReasoningSchema),
});

export const PresenceJoinedSchema = z.object({
  type: z.literal('presence.joined'),
  user: UserSchema,
});

export const PresenceLeftSchema = z.object({
  type: z.literal('presence.left'),
  userId: z.string(),
});

/** An operator cleared the room: every earlier message is gone, for everyone. */
export const RoomClearedSchema = z.object({
  type: z.literal('room.cleared'),
  by: UserSchema,
});

/** An operator changed the room's settings; `settings` is the whole new set. */
export const RoomConfiguredSchema = z.object({
  type: z.literal('room.configured'),
  settings: RoomSettingsSchema,
  by: UserSchema,
});

export const RoomEventSchema = z.discriminatedUnion('type', [
  MessageCreatedSchema,
  MessageDeltaSchema,
  MessageCompletedSchema,
  MessageFailedSchema,
  PresenceJoinedSchema,
  PresenceLeftSchema,
  RoomClearedSchema,
  RoomConfiguredSchema,
  ToolUpdatedSchema,
  ToolRemovedSchema,
  ToolCallStartedSchema,
  ToolCallApprovedSchema,
  ToolCallProgressSchema,
  ToolCallEndedSchema,
  McpServerUpdatedSchema,
  McpServerRemovedSchema,
]);
export type RoomEvent = z.infer<typeof RoomEventSchema>;
export type RoomEventType = RoomEvent['type'];

/** Events that change durable state; written to storage before they are sent. */
export const DURABLE_EVENT_TYPES: ReadonlySet<RoomEventType> = new Set([
  'message.created',
  'message.completed',
  'message.failed',
  'room.cleared',
  'room.configured',
  'tool.updated',
  'tool.removed',
  'tool.call.started',
  'tool.call.approved',
  'tool.call.ended',
  'mcp.server.updated',
  'mcp.server.removed',
]);

export const EventFrameSchema = z.object({
  type: z.literal('event'),
  seq: SeqSchema,
  /** Server time (ms since epoch) the event was made. */
  at: z.number(),
  event: RoomEventSchema,
});
export type EventFrame = z.infer<typeof EventFrameSchema>;
