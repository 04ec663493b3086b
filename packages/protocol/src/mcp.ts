import * as z from 'zod/mini';
import { IdSchema, RoleSchema, UserSchema } from './model.js';
import { ToolErrorSchema, ToolNameSchema } from './tools.js';

/**
 * MCP servers as room tools: a room connects to Model Context Protocol servers (Streamable HTTP),
 * lists their tools and offers them like any other, as kind `mcp`, named `<server>.<tool>`.
 * Headers and tokens a server needs stay on the room server: no frame ever carries them.
 */

/** One lower-case word: the namespace of the server's tools (`docs` -> `docs.search`). */
export const McpServerNameSchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(32),
    z.regex(/^[a-z][a-z0-9_-]*$/, 'use one lower-case word of a-z 0-9 _ -, e.g. "docs"'),
  );

/**
 * connecting: the first connection is being made; ready: connected and listed; reconnecting: the
 * server went away or failed, and the room tries again with back-off (`nextAttemptAt`); failed:
 * the server refused the room for a reason retrying cannot fix (auth, protocol, a URL no longer
 * allowed), until an operator asks it to reconnect.
 */
export const McpServerStateSchema = z.enum(['connecting', 'ready', 'reconnecting', 'failed']);
export type McpServerState = z.infer<typeof McpServerStateSchema>;

/**
 * An MCP server as the room lists it. Names the room sends were checked when the server was added,
 * so the listing takes any string: every page checks these frames, and bytes count there.
 */
export const McpServerSchema = z.object({
  name: z.string(),
  title: z.string(),
  /**
   * The endpoint without its query string (which may hold a key). Operators only: everyone else
   * gets the same event without it.
   */
  url: z.optional(z.string()),
  state: McpServerStateSchema,
  /** Why it is not ready, or the last failure while it is. */
  error: z.optional(ToolErrorSchema),
  /** What the server said of itself when it was initialised. */
  serverInfo: z.optional(z.object({ name: z.string(), version: z.string() })),
  /** The MCP protocol version agreed with the server. */
  protocolVersion: z.optional(z.string()),
  /** Its tools' room names. */
  tools: z.array(ToolNameSchema),
  /** Failed attempts since it was last ready. */
  attempts: z.int(),
  /** While reconnecting: when the next attempt starts (server time, ms). */
  nextAttemptAt: z.optional(z.number()),
  /** When it was last ready (server time, ms). */
  connectedAt: z.optional(z.number()),
  /** `config`: from REALSTREAM_MCP_SERVERS (cannot be removed in the room); `room`: added by an operator. */
  source: z.enum(['config', 'room']),
  addedBy: z.optional(UserSchema),
});
export type McpServer = z.infer<typeof McpServerSchema>;

/** What an operator gives to add a server (`mcp.add`, POST /mcp). */
export const McpServerSpecSchema = z.object({
  name: McpServerNameSchema,
  title: z.optional(z.string().check(z.maxLength(120))),
  /** http(s) URL of the server's Streamable HTTP endpoint; checked against the host allow-list. */
  url: z.string().check(z.maxLength(2048)),
  /**
   * Sent with every request to the server (`Authorization: Bearer ...`, an API key header). Kept on
   * the room server, never sent to a client.
   */
  headers: z.optional(z.record(z.string(), z.string().check(z.maxLength(8192)))),
  /** Per call, unless a tool's own is shorter. */
  timeoutMs: z.optional(z.int().check(z.gte(100), z.lte(600_000))),
  /** Every call the assistant makes to this server's tools needs an operator's approval. */
  requiresApproval: z.optional(z.boolean()),
  /** Lowest role that may invoke its tools. */
  minRole: z.optional(RoleSchema),
  /** Its tools are switched on when they first appear (default true). */
  enabled: z.optional(z.boolean()),
});
export type McpServerSpec = z.infer<typeof McpServerSpecSchema>;

/** A tool whose description an operator has read and lets the assistant see. */
export const McpApprovalSchema = z.object({
  name: ToolNameSchema,
  /**
   * The description as the operator read it: the approval holds only if the tool still says
   * exactly this, so a change made while the operator read is not approved unseen.
   */
  description: z.string(),
});
export type McpApproval = z.infer<typeof McpApprovalSchema>;

// ---- content of a result ----------------------------------------------------------------

/**
 * What an MCP tool's call ends with: the server's content parts, and its structured content (checked
 * against the tool's outputSchema when it has one). An `isError` result ends the call as `error`.
 */
export const McpContentPartSchema = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('image'), data: z.string(), mimeType: z.string() }),
  z.object({ type: z.literal('audio'), data: z.string(), mimeType: z.string() }),
  z.object({
    type: z.literal('resource_link'),
    uri: z.string(),
    name: z.string(),
    title: z.optional(z.string()),
    description: z.optional(z.string()),
    mimeType: z.optional(z.string()),
  }),
  z.object({
    type: z.literal('resource'),
    resource: z.object({
      uri: z.string(),
      mimeType: z.optional(z.string()),
      text: z.optional(z.string()),
      blob: z.optional(z.string()),
    }),
  }),
]);
export type McpContentPart = z.infer<typeof McpContentPartSchema>;

export const McpToolResultSchema = z.object({
  content: z.array(McpContentPartSchema),
  structuredContent: z.optional(z.record(z.string(), z.unknown())),
});
export type McpToolResult = z.infer<typeof McpToolResultSchema>;

// ---- events (sequenced, replayed) -------------------------------------------------------

/** A server was added, or its state changed; `server` is its new state. */
export const McpServerUpdatedSchema = z.object({
  type: z.literal('mcp.server.updated'),
  server: McpServerSchema,
  /** The operator who added it or asked it to reconnect. */
  by: z.optional(UserSchema),
});

/** An operator removed a server; its tools are removed with it (`tool.removed`). */
export const McpServerRemovedSchema = z.object({
  type: z.literal('mcp.server.removed'),
  name: z.string(),
  by: UserSchema,
});

// ---- client -> server (operators) -------------------------------------------------------

/** Connects the room to an MCP server and lists its tools. */
export const McpAddSchema = z.object({
  type: z.literal('mcp.add'),
  id: IdSchema,
  server: McpServerSpecSchema,
});

export const McpRemoveSchema = z.object({
  type: z.literal('mcp.remove'),
  id: IdSchema,
  name: McpServerNameSchema,
});

/** Tries again now, whatever the back-off says, and lists the tools again. */
export const McpReconnectSchema = z.object({
  type: z.literal('mcp.reconnect'),
  id: IdSchema,
  name: McpServerNameSchema,
});

/** Lets the assistant use tools whose new or changed descriptions the operator has read. */
export const McpApproveSchema = z.object({
  type: z.literal('mcp.approve'),
  id: IdSchema,
  tools: z.array(McpApprovalSchema).check(z.minLength(1), z.maxLength(200)),
});

// ---- REST -------------------------------------------------------------------------------

/**
 * GET /parties/:party/:room/mcp -> {servers}; POST /mcp (body McpServerSpec, Idempotency-Key);
 * DELETE /mcp/:name; POST /mcp/:name/reconnect; POST /mcp/approve (body McpApproveBody).
 */
export const McpListBodySchema = z.object({ servers: z.array(McpServerSchema) });
export const McpApproveBodySchema = z.object({
  tools: z.array(McpApprovalSchema).check(z.minLength(1), z.maxLength(200)),
});
