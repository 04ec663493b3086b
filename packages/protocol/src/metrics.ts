import * as z from 'zod/mini';
import { McpServerStateSchema } from './mcp.js';
import { IdSchema, RoleSchema } from './model.js';

/**
 * Live operations: a room's figures over sliding windows, the deployment-wide view from the ops
 * party, and the event tap. Operators only; durations are milliseconds.
 */

/** Percentiles of a latency, from an HdrHistogram; all 0 when `count` is 0. */
export const LatencySchema = z.object({
  count: z.int(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
});
export type Latency = z.infer<typeof LatencySchema>;

/** Counters and latencies over one window (the last minute, the last 15, or since the room started). */
export const WindowFiguresSchema = z.object({
  /** Length of the window in seconds (for totals: how long the room has been up). */
  seconds: z.number(),
  joins: z.int(),
  leaves: z.int(),
  messagesIn: z.int(),
  messagesOut: z.int(),
  tokens: z.int(),
  replies: z.int(),
  replyErrors: z.int(),
  resumes: z.int(),
  snapshots: z.int(),
  replayedEvents: z.int(),
  rateLimited: z.int(),
  badFrames: z.int(),
  framesOut: z.int(),
  bytesOut: z.int(),
  storageWrites: z.int(),
  toolCalls: z.int(),
  toolErrors: z.int(),
  /** Time from a question to the first token of its reply. */
  ttft: LatencySchema,
  /** Time from a reply's start to its end. */
  replyDuration: LatencySchema,
});
export type WindowFigures = z.infer<typeof WindowFiguresSchema>;

export const ToolFiguresSchema = z.object({
  name: z.string(),
  calls: z.int(),
  errors: z.int(),
  timeouts: z.int(),
  latency: LatencySchema,
});
export type ToolFigures = z.infer<typeof ToolFiguresSchema>;

/** One MCP server over the last 15 minutes: its state, how its calls went, its last failure. */
export const McpFiguresSchema = z.object({
  name: z.string(),
  state: McpServerStateSchema,
  /** Tool calls and other requests (listing, initialising) sent to it. */
  requests: z.int(),
  errors: z.int(),
  timeouts: z.int(),
  /** Round trips of its requests. */
  latency: LatencySchema,
  lastError: z.optional(z.object({ code: z.string(), message: z.string(), at: z.number() })),
});
export type McpFigures = z.infer<typeof McpFiguresSchema>;

/** One source of replies since the room started: how its replies ended, and what it learned. */
export const ResponderFiguresSchema = z.object({
  /** `demo`, `openai`, `anthropic`. */
  name: z.string(),
  replies: z.int(),
  /** Failed replies by error code (`timeout`, `provider_unavailable`, ...), most first. */
  errors: z.array(z.object({ code: z.string(), count: z.int() })),
  /** The provider's words when the model refused tools: replies then go on without them. */
  toolsRefused: z.nullable(z.string()),
});
export type ResponderFigures = z.infer<typeof ResponderFiguresSchema>;

/** One point of the time series: figures of one bucket (`seconds` long, ending at `t`). */
export const SeriesPointSchema = z.object({
  t: z.number(),
  messagesIn: z.int(),
  messagesOut: z.int(),
  tokens: z.int(),
  errors: z.int(),
  ttftP50: z.number(),
  ttftP95: z.number(),
  ttftP99: z.number(),
});
export type SeriesPoint = z.infer<typeof SeriesPointSchema>;

export const RoomMetricsSchema = z.object({
  room: z.string(),
  /** Server time of these figures. */
  at: z.number(),
  startedAt: z.number(),
  connections: z.object({
    total: z.int(),
    viewer: z.int(),
    member: z.int(),
    operator: z.int(),
  }),
  streaming: z.int(),
  toolsRunning: z.int(),
  lastMinute: WindowFiguresSchema,
  last15Minutes: WindowFiguresSchema,
  total: WindowFiguresSchema,
  /** Per tool over the last 15 minutes. */
  tools: z.array(ToolFiguresSchema),
  /** Every MCP server of the room. */
  mcp: z.array(McpFiguresSchema),
  /** Every responder the room may use, since the room started. */
  responders: z.array(ResponderFiguresSchema),
  /** The last 15 minutes in buckets of `bucketSeconds`, oldest first. */
  series: z.array(SeriesPointSchema),
  bucketSeconds: z.number(),
  /** Who is connected now. */
  people: z.array(
    z.object({
      connectionId: z.string(),
      userId: z.string(),
      name: z.string(),
      role: RoleSchema,
      connectedAt: z.number(),
    }),
  ),
});
export type RoomMetrics = z.infer<typeof RoomMetricsSchema>;

/** What a room reports to the ops party, and what the deployment view lists per room. */
export const RoomSummarySchema = z.object({
  room: z.string(),
  party: z.string(),
  at: z.number(),
  connections: z.int(),
  streaming: z.int(),
  toolsRunning: z.int(),
  lastMinute: WindowFiguresSchema,
  last15Minutes: WindowFiguresSchema,
});
export type RoomSummary = z.infer<typeof RoomSummarySchema>;

export const DeploymentMetricsSchema = z.object({
  at: z.number(),
  /** Rooms that reported recently (idle rooms drop out). */
  rooms: z.array(RoomSummarySchema),
});
export type DeploymentMetrics = z.infer<typeof DeploymentMetricsSchema>;

/** One frame seen by the room, for the event tap. */
export const TapEntrySchema = z.object({
  at: z.number(),
  dir: z.enum(['in', 'out']),
  /** Frame type (`message.send`, `event:message.delta`, `batch`...). */
  type: z.string(),
  seq: z.optional(z.int()),
  bytes: z.int(),
  /** The connection (`*` for a frame sent to everyone). */
  connection: z.string(),
  /** For an event out: how long after the event was made it left. */
  latencyMs: z.optional(z.number()),
  /** The frame itself, cut to a few KB. */
  frame: z.string(),
});
export type TapEntry = z.infer<typeof TapEntrySchema>;

// ---- client -> server -------------------------------------------------------------------

/** Operator: send me `metrics` frames about once a second (and now). */
export const MetricsSubscribeSchema = z.object({
  type: z.literal('metrics.subscribe'),
  id: IdSchema,
});

export const MetricsUnsubscribeSchema = z.object({
  type: z.literal('metrics.unsubscribe'),
  id: IdSchema,
});

/** Operator: send me the room's frames as `tap` batches, filtered here on the server. */
export const TapSubscribeSchema = z.object({
  type: z.literal('tap.subscribe'),
  id: IdSchema,
  /** Only these frame types (prefix match: `event:tool` matches every tool event). */
  types: z.optional(z.array(z.string().check(z.maxLength(64))).check(z.maxLength(32))),
  /** Only frames in from or out to this connection. */
  connection: z.optional(z.string().check(z.maxLength(128))),
});

export const TapUnsubscribeSchema = z.object({
  type: z.literal('tap.unsubscribe'),
  id: IdSchema,
});

// ---- server -> client -------------------------------------------------------------------

export const MetricsFrameSchema = z.object({
  type: z.literal('metrics'),
  metrics: RoomMetricsSchema,
});

/** A batch of tapped frames. Under load the tap samples: `dropped` frames were not sent. */
export const TapFrameSchema = z.object({
  type: z.literal('tap'),
  entries: z.array(TapEntrySchema),
  sampled: z.boolean(),
  dropped: z.int(),
});

/** From the ops party: every active room of the deployment. */
export const DeploymentFrameSchema = z.object({
  type: z.literal('deployment'),
  metrics: DeploymentMetricsSchema,
});
