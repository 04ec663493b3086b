import * as z from 'zod/mini';

/** Client-made identifiers (command ids, message ids): short, URL- and log-safe. */
export const IdSchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(64),
    z.regex(/^[A-Za-z0-9_.:-]+$/, 'use 1-64 characters from A-Z a-z 0-9 _ . : -'),
  );

/**
 * Room names: 1-128 of A-Z a-z 0-9 _ . ~ -, starting with a letter or digit. These are exactly the
 * names that `encodeURIComponent` leaves alone, so a room has one spelling everywhere: in the
 * URL path (which picks its Durable Object), in REST routes, in token claims and in the elements.
 * A name with any other character (`team:a`, a space) would have a percent-encoded twin, and two
 * clients encoding it differently would land in two different rooms; it is refused instead.
 */
export const ROOM_NAME_RULE =
  'use 1-128 characters from A-Z a-z 0-9 _ . ~ -, starting with a letter or digit';
const ROOM_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.~-]{0,127}$/;
export const RoomNameSchema = z.string().check(z.regex(ROOM_NAME_RE, ROOM_NAME_RULE));

/** Why `name` cannot name a room (for an error message), or null when it can. */
export function roomNameProblem(name: string): string | null {
  if (ROOM_NAME_RE.test(name)) return null;
  const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
  return `room name ${JSON.stringify(shown)}: ${ROOM_NAME_RULE}`;
}

/**
 * Why `claim` cannot be a token's `room` claim, or null: `*` (every room), a room name, or the
 * start of room names followed by `*` (`team-*`).
 */
export function roomClaimProblem(claim: string): string | null {
  if (claim === '*') return null;
  const name = claim.endsWith('*') ? `${claim.slice(0, -1)}` : claim;
  if (claim.endsWith('*') && /^[A-Za-z0-9][A-Za-z0-9_.~-]{0,126}$/.test(name)) return null;
  return (
    roomNameProblem(name) &&
    `room claim ${JSON.stringify(claim)}: ${ROOM_NAME_RULE}, or such a start followed by *, or * alone`
  );
}

/** Room-wide event sequence number: starts at 1, strictly increasing, never reused. */
export const SeqSchema = z.int().check(z.gte(0));

export const ROLES = ['viewer', 'member', 'operator'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** True when `role` is at least `needed` (viewer < member < operator). */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export const UserSchema = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  name: z.string().check(z.maxLength(128)),
  role: RoleSchema,
});
export type User = z.infer<typeof UserSchema>;

/** Who wrote a message: a person (with their role) or the assistant. */
export const AuthorSchema = z.object({
  kind: z.enum(['user', 'assistant']),
  id: z.string(),
  name: z.string(),
  role: z.optional(RoleSchema),
});
export type Author = z.infer<typeof AuthorSchema>;

/**
 * streaming: text still growing; complete: finished normally; stopped: someone pressed stop;
 * interrupted: the server restarted mid-reply (text is the last checkpoint); failed: the responder
 * failed (see `error`).
 */
export const MessageStatusSchema = z.enum([
  'streaming',
  'complete',
  'stopped',
  'interrupted',
  'failed',
]);
export type MessageStatus = z.infer<typeof MessageStatusSchema>;

export const UsageSchema = z.object({
  inputTokens: z.int().check(z.gte(0)),
  outputTokens: z.int().check(z.gte(0)),
});
export type Usage = z.infer<typeof UsageSchema>;

/**
 * What the model thought before (and between) its answers: reasoning summaries, `reasoning_content`,
 * Anthropic thinking, `<think>` text. Streamed, stored and resumed like the text, shown apart from
 * it, and never sent to a model as part of the conversation.
 */
export const ReasoningSchema = z.object({
  text: z.string(),
  /** When the model began to reason (server clock, ms since the epoch). */
  startedAt: z.number(),
  /** How long it reasoned, summed over its spells of reasoning; set once the answer begins or the reply ends. */
  ms: z.optional(z.int().check(z.gte(0))),
  /** The provider withheld some of it (Anthropic `redacted_thinking`): there was more than `text`. */
  redacted: z.optional(z.boolean()),
  /** This room shows reasoning to operators only (`RoomSettings.reasoning`): `text` is empty. */
  withheld: z.optional(z.boolean()),
});
export type Reasoning = z.infer<typeof ReasoningSchema>;

export const MessageSchema = z.object({
  id: IdSchema,
  /** seq of the event that created the message: the history cursor. */
  seq: SeqSchema,
  author: AuthorSchema,
  text: z.string(),
  status: MessageStatusSchema,
  createdAt: z.number(),
  updatedAt: z.number(),
  /** For assistant replies: the message being answered. */
  replyTo: z.optional(IdSchema),
  /** For a retried reply: the earlier reply to the same message that it replaces. */
  retryOf: z.optional(IdSchema),
  usage: z.optional(UsageSchema),
  error: z.optional(z.object({ code: z.string(), message: z.string() })),
  /** For assistant replies of a reasoning model. */
  reasoning: z.optional(ReasoningSchema),
});
export type Message = z.infer<typeof MessageSchema>;

/** A room's own settings, changed by operators (`room.configure`). */
export const RoomSettingsSchema = z.object({
  /** Where replies come from; one of the deployment's allowed responders. */
  responder: z.string().check(z.minLength(1), z.maxLength(32)),
  /** The room's system prompt; null uses the deployment's. */
  systemPrompt: z.nullable(z.string().check(z.maxLength(8000))),
  /**
   * Who sees the assistant's reasoning: everyone in the room, or operators only (the others see
   * that it reasoned, and for how long, but not what it thought).
   */
  reasoning: z.enum(['everyone', 'operators']),
});
export type RoomSettings = z.infer<typeof RoomSettingsSchema>;
