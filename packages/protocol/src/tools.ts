import * as z from 'zod/mini';
import { IdSchema, RoleSchema, UserSchema } from './model.js';

/**
 * Tools: integrations a room switches on and off, invokes by hand and hands to the assistant.
 * A definition is what everyone in the room sees; how a tool runs stays on the server (builtin,
 * webhook) or in the browser that registered it (client).
 */

/** Dotted lower-case names (`time.now`, `crm.lookup`): stable ids in logs, URLs and metrics. */
export const ToolNameSchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(64),
    z.regex(
      /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/,
      'use lower-case words of a-z 0-9 _ - joined by dots, e.g. "weather.forecast"',
    ),
  );

export const ToolKindSchema = z.enum(['builtin', 'webhook', 'client', 'mcp']);
export type ToolKind = z.infer<typeof ToolKindSchema>;

/** A JSON Schema (2020-12) document; its content is validated with a JSON Schema validator. */
export const JsonSchemaSchema = z.record(z.string(), z.unknown());
export type JsonSchema = Record<string, unknown>;

/** What a client says about a tool it implements (`tool.register`). */
export const ToolSpecSchema = z.object({
  name: ToolNameSchema,
  title: z.optional(z.string().check(z.maxLength(120))),
  description: z.string().check(z.maxLength(2000)),
  inputSchema: JsonSchemaSchema,
  outputSchema: z.optional(JsonSchemaSchema),
  timeoutMs: z.optional(z.int().check(z.gte(100), z.lte(600_000))),
  requiresApproval: z.optional(z.boolean()),
  minRole: z.optional(RoleSchema),
});
export type ToolSpec = z.infer<typeof ToolSpecSchema>;

/** A tool as the room lists it. */
export const ToolSchema = z.object({
  name: ToolNameSchema,
  title: z.string(),
  description: z.string(),
  inputSchema: JsonSchemaSchema,
  outputSchema: z.optional(JsonSchemaSchema),
  kind: ToolKindSchema,
  /** Switched on by an operator; a disabled tool cannot be invoked by anyone. */
  enabled: z.boolean(),
  /** A client tool with no live connection implementing it is unavailable; others always are. */
  available: z.boolean(),
  timeoutMs: z.int(),
  /** An operator must approve each call the assistant makes. */
  requiresApproval: z.boolean(),
  /** Lowest role that may invoke it. */
  minRole: RoleSchema,
  /** Kind `mcp`: the name of the MCP server it comes from (see mcp.ts). */
  server: z.optional(z.string()),
  /**
   * Kind `mcp`: its description is new or changed since an operator approved it (`mcp.approve`),
   * and the assistant is not offered the tool until one does: a description can steer the model.
   * People may still invoke it.
   */
  descriptionPending: z.optional(z.boolean()),
  /** While `descriptionPending`: the description an operator approved before, if there was one. */
  approvedDescription: z.optional(z.string()),
});
export type Tool = z.infer<typeof ToolSchema>;

/** Who asked for a call: a person, or the assistant while writing reply `messageId`. */
export const CallerSchema = z.object({
  kind: z.enum(['user', 'assistant']),
  id: z.string(),
  name: z.string(),
});
export type Caller = z.infer<typeof CallerSchema>;

export const ToolProgressSchema = z.object({
  /** Text to append to the call's progress log. */
  text: z.optional(z.string().check(z.maxLength(4000))),
  /** 0-100. */
  percent: z.optional(z.number().check(z.gte(0), z.lte(100))),
});
export type ToolProgress = z.infer<typeof ToolProgressSchema>;

/**
 * awaiting_approval: the assistant asked and an operator has to decide; running: executing;
 * then exactly one end state.
 */
export const ToolCallStatusSchema = z.enum([
  'awaiting_approval',
  'running',
  'done',
  'error',
  'timeout',
  'cancelled',
  'denied',
]);
export type ToolCallStatus = z.infer<typeof ToolCallStatusSchema>;

export const ToolErrorSchema = z.object({ code: z.string(), message: z.string() });
export type ToolError = z.infer<typeof ToolErrorSchema>;

/** One invocation, as a snapshot shows it. */
export const ToolCallSchema = z.object({
  callId: IdSchema,
  name: ToolNameSchema,
  args: z.unknown(),
  caller: CallerSchema,
  /** The assistant reply this call belongs to. */
  messageId: z.optional(IdSchema),
  status: ToolCallStatusSchema,
  /** Progress text so far (bounded) and the latest percentage. */
  progressText: z.string(),
  percent: z.optional(z.number()),
  result: z.optional(z.unknown()),
  error: z.optional(ToolErrorSchema),
  startedAt: z.number(),
  endedAt: z.optional(z.number()),
  /** Who approved or denied it. */
  decidedBy: z.optional(z.string()),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

// ---- events (sequenced, replayed) -------------------------------------------------------

/** A tool was registered, switched on or off, or became (un)available; `tool` is its new state. */
export const ToolUpdatedSchema = z.object({
  type: z.literal('tool.updated'),
  tool: ToolSchema,
  /** Who switched it, for `enabled` changes. */
  by: z.optional(UserSchema),
});

/** A tool left the room (its MCP server was removed, or no longer lists it). */
export const ToolRemovedSchema = z.object({
  type: z.literal('tool.removed'),
  name: ToolNameSchema,
  by: z.optional(UserSchema),
});

export const ToolCallStartedSchema = z.object({
  type: z.literal('tool.call.started'),
  /** Status `running`, or `awaiting_approval` for an assistant call that needs an operator. */
  call: ToolCallSchema,
});

/** An operator approved an assistant's call: it runs now. */
export const ToolCallApprovedSchema = z.object({
  type: z.literal('tool.call.approved'),
  callId: IdSchema,
  by: UserSchema,
});

/** Streamed like message deltas: kept in the replay ring, not stored one by one. */
export const ToolCallProgressSchema = z.object({
  type: z.literal('tool.call.progress'),
  callId: IdSchema,
  ...ToolProgressSchema.shape,
});

export const ToolCallEndedSchema = z.object({
  type: z.literal('tool.call.ended'),
  callId: IdSchema,
  status: z.enum(['done', 'error', 'timeout', 'cancelled', 'denied']),
  result: z.optional(z.unknown()),
  error: z.optional(ToolErrorSchema),
  durationMs: z.number(),
  /** Who cancelled or denied it. */
  by: z.optional(UserSchema),
});

// ---- client -> server -------------------------------------------------------------------

/** Runs a tool. The command id is the call id: a resend after a reconnect runs it once. */
export const ToolInvokeSchema = z.object({
  type: z.literal('tool.invoke'),
  id: IdSchema,
  name: ToolNameSchema,
  args: z.unknown(),
});

export const ToolCancelSchema = z.object({
  type: z.literal('tool.cancel'),
  id: IdSchema,
  callId: IdSchema,
});

/** Operator: switches a tool on or off for the room. */
export const ToolToggleSchema = z.object({
  type: z.literal('tool.toggle'),
  id: IdSchema,
  name: ToolNameSchema,
  enabled: z.boolean(),
});

/** This connection implements `tool`: the room may route calls of it here. */
export const ToolRegisterSchema = z.object({
  type: z.literal('tool.register'),
  id: IdSchema,
  tool: ToolSpecSchema,
});

export const ToolUnregisterSchema = z.object({
  type: z.literal('tool.unregister'),
  id: IdSchema,
  name: ToolNameSchema,
});

/** Operator: approves or denies an assistant's call that awaits approval. */
export const ToolDecideSchema = z.object({
  type: z.literal('tool.decide'),
  id: IdSchema,
  callId: IdSchema,
  approve: z.boolean(),
});

/** From the connection a call was routed to: progress of `callId`. */
export const ToolProgressFrameSchema = z.object({
  type: z.literal('tool.progress'),
  callId: IdSchema,
  ...ToolProgressSchema.shape,
});

/** From the connection a call was routed to: its outcome (exactly one of result and error). */
export const ToolResultSchema = z.object({
  type: z.literal('tool.result'),
  callId: IdSchema,
  result: z.optional(z.unknown()),
  error: z.optional(ToolErrorSchema),
});

// ---- server -> client -------------------------------------------------------------------

/** To a connection that registered `name`: run it and answer with tool.progress / tool.result. */
export const ToolRunSchema = z.object({
  type: z.literal('tool.run'),
  callId: IdSchema,
  name: ToolNameSchema,
  args: z.unknown(),
  caller: CallerSchema,
  /** The call fails with `timeout` after this long; stop working on it then. */
  timeoutMs: z.int(),
});

/** Server -> implementer: stop working on `callId` (cancelled, or timed out). */
export const ToolAbortSchema = z.object({
  type: z.literal('tool.abort'),
  callId: IdSchema,
  reason: z.enum(['cancelled', 'timeout', 'denied']),
});

// ---- REST -------------------------------------------------------------------------------

/** PATCH /parties/:party/:room/tools/:name */
export const ToolPatchBodySchema = z.object({ enabled: z.boolean() });

/** POST /parties/:party/:room/tools/:name/invoke (header Idempotency-Key: the call id). */
export const ToolInvokeBodySchema = z.object({ args: z.unknown() });
