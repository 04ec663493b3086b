import type { ReadableAtom } from 'nanostores';
import type {
  Caller,
  Limits,
  McpApproval,
  McpServer,
  McpServerSpec,
  Message,
  RoomMetrics,
  RoomSettings,
  Tool,
  ToolCall,
  ToolProgress,
  ToolSpec,
  User,
} from '@realstream/protocol';
import type { ClientErrorCode, RealstreamError } from './errors.js';
import type { StatusReason } from './status-reason.js';
import type { TapBatch, TapFilter } from './operations.js';

/** Anything constructible like the DOM WebSocket: the browser's, or `ws` in node. */
export type WebSocketLike = new (url: string, protocols?: string | string[]) => object;

export interface ConnectOptions {
  /** 'localhost:1999', 'chat.example.com', or a full http(s):// / ws(s):// origin. */
  host: string;
  room: string;
  /** PartyKit party name; default 'main'. */
  party?: string;
  /** A JWT from the host's backend. Sent as `?token=` (WebSockets cannot carry headers). */
  token?: string;
  /** Called on every (re)connect and history request, so a fresh token replaces an expiring one. */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /** Dev mode (no secret on the server): the guest name shown to others. */
  name?: string;
  /**
   * Dev mode: the guest's stable id, so a reconnect keeps one presence entry. Generated per
   * client when neither this nor a token is given.
   */
  uid?: string;
  /** WebSocket implementation; required in node (`import WebSocket from 'ws'`). */
  WebSocket?: WebSocketLike;
  /** fetch implementation for history; default globalThis.fetch. */
  fetch?: typeof fetch;
  /**
   * An idle link is pinged once it has been silent this long; default 10 000. A dead idle link is
   * found within pingIntervalMs + pongTimeoutMs (see docs/client.md for the choice).
   */
  pingIntervalMs?: number;
  /** A ping with no frame at all after it for this long means the link is dead; default 5 000. */
  pongTimeoutMs?: number;
  /**
   * A reply is streaming but nothing arrived for this long: status `stalled`, and a probe;
   * default 1 500. The server sends a frame at least every second while a reply streams.
   */
  stallTimeoutMs?: number;
  /** How long the stall probe waits for any frame before declaring the link dead; default 2 500. */
  stallProbeMs?: number;
  /** From socket open to being caught up (welcome + snapshot/replay); default 10 000. */
  helloTimeoutMs?: number;
  /** Reconnect backoff after a dropped link: first delay and cap; default 500 and 10 000. */
  reconnectDelayMs?: { min?: number; max?: number };
  /** WebSocket handshake timeout; default 8 000. */
  connectionTimeoutMs?: number;
  /** How long a typing notice shows without a refresh; default 6 000. */
  typingTtlMs?: number;
  /** Messages per history page for loadOlder(); default 50. */
  pageSize?: number;
  /**
   * At most this many of the room's settled messages are held in memory: the latest. Older ones
   * stay on the server and loadOlder() pages them back in; streaming replies are always held.
   * Default: no limit. A view that shows no transcript (the dashboard) passes 0, so a long watch
   * of a busy room holds nothing that grows.
   */
  maxMessages?: number;
}

/**
 * - `live`: caught up on a socket the server answered (welcome, then snapshot or replay).
 * - `stalled`: still connected, but a reply is streaming and nothing arrived for the stall window;
 *   a probe decides within seconds whether it goes back to `live` or the link is dropped.
 * - `device-offline`: the browser says there is no network; the socket is dropped (not trusted),
 *   and the client reconnects at once when the browser says it is back.
 * - `connecting` / `reconnecting`: before the first live / after having been live.
 * - `offline`, `unauthorised`, `forbidden`: the link is down for good until `reconnect()`.
 */
export type ConnectionState =
  | 'connecting'
  | 'live'
  | 'stalled'
  | 'reconnecting'
  | 'device-offline'
  | 'offline'
  | 'unauthorised'
  | 'forbidden';

export interface ClientStatus {
  state: ConnectionState;
  /** Connection attempts since the link was last live (0 while live). */
  attempt: number;
  /** Last event seq applied. */
  lastSeq: number;
  /** Reconnects that caught up with the room (by replay, snapshot or nothing missed). */
  resumes: number;
  /** Snapshots received. */
  snapshots: number;
  /**
   * Why the link is not live, typed: `code` says which problem, `message` says it for the page
   * (what happens next, or what to do), and fields such as `attempts`, `url`, `retryInMs` or
   * `serverReason` give the facts. Unset while live and while (re)connecting before any close.
   */
  reason?: StatusReason;
  /** The server has no secret: anyone can join with any name. Show it. */
  devMode: boolean;
  /** Who the server says we are. */
  user?: User;
  connectionId?: string;
  limits?: Limits;
  /** Operators: the responders they may choose for the room (`configure({ responder })`). */
  responders?: string[];
}

/** A message as the client shows it: the server's, or a local one not yet (or never) accepted. */
export interface ClientMessage extends Message {
  /** sending: not acknowledged yet (seq is 0); failed: the server refused it (see `error`). */
  local?: 'sending' | 'failed';
}

/** Counters for tests, dashboards and the chaos run. */
export interface ClientStats {
  /** WebSocket connection attempts. */
  connects: number;
  resumes: number;
  snapshots: number;
  /** Gaps in the event stream (missing seq, delta past the end, unknown message). */
  gaps: number;
  /** Links declared dead by the heartbeat or stall watchdog. */
  deadLinks: number;
  /** Commands sent again after a reconnect. */
  resent: number;
  /** Inbound frames dropped because they failed validation. */
  invalidFrames: number;
}

/** Things worth knowing that are not state: shown as toasts, logged, counted by tests. */
export type ClientEvent =
  | { type: 'invalid-frame'; code: ClientErrorCode; message: string }
  | { type: 'server-error'; code: ClientErrorCode; message: string }
  | { type: 'command-failed'; id: string; error: RealstreamError }
  | { type: 'gap'; kind: 'seq' | 'offset' | 'unknown-message'; detail: string }
  /** `during`: what the link was doing; `stream` means a reply stalled, `idle` a missed heartbeat. */
  | { type: 'dead-link'; reason: string; during: 'idle' | 'stream' }
  /** getToken() threw or rejected; the link retries with backoff. */
  | { type: 'token-error'; message: string }
  /**
   * Caught up after a reconnect: `missed` events were replayed (mode `replay`; 0 with `none`), or
   * the latest messages were reloaded (mode `snapshot`, when the room no longer had them all).
   */
  | { type: 'resumed'; mode: 'none' | 'replay' | 'snapshot'; missed: number }
  | { type: 'closed'; code: number; reason: string };

/** What a browser tool's handler gets besides its (already validated) arguments. */
export interface ToolContext {
  callId: string;
  caller: Caller;
  /** Aborted when the call is cancelled or times out: stop working then. */
  signal: AbortSignal;
  /** Reports progress to everyone in the room. */
  progress(update: ToolProgress): void;
}

/**
 * Implements a client tool: returns (or resolves with) the JSON result, or throws. A thrown
 * `RealstreamError`-like `{code, message}` keeps its code; anything else is `tool_failed`.
 */
export type ToolHandler = (args: unknown, ctx: ToolContext) => unknown;

export interface InvokeAck {
  callId: string;
  /** seq of the tool.call.started event. */
  seq: number;
  duplicate: boolean;
}

export interface SendAck {
  /** seq of the message.created event. */
  seq: number;
  /** The new message's id (the command id). */
  messageId: string;
  /** The server had already applied this send (a resend after a lost ack). */
  duplicate: boolean;
}

/** The headless client of one room. Elements render its stores and call its methods. */
export interface RealstreamClient {
  readonly host: string;
  readonly party: string;
  readonly room: string;
  readonly $status: ReadableAtom<ClientStatus>;
  /** Ordered by seq; local (unsent or refused) messages last. Updated at most once per tick. */
  readonly $messages: ReadableAtom<readonly ClientMessage[]>;
  readonly $presence: ReadableAtom<readonly User[]>;
  /** Other users typing right now. */
  readonly $typing: ReadableAtom<readonly User[]>;
  /** Who is watching each streaming reply, by message id (people watching right now). */
  readonly $watchers: ReadableAtom<ReadonlyMap<string, readonly User[]>>;
  /** The room's settings (responder, system prompt); null until the first snapshot. */
  readonly $settings: ReadableAtom<RoomSettings | null>;
  /** Every tool of the room (enabled or not), sorted by name. */
  readonly $tools: ReadableAtom<readonly Tool[]>;
  /** The room's tool calls, everyone's and the assistant's, oldest first (the latest few hundred). */
  readonly $calls: ReadableAtom<readonly ToolCall[]>;
  /** The room's MCP servers and their state, sorted by name (their tools are in `$tools`). */
  readonly $mcpServers: ReadableAtom<readonly McpServer[]>;
  /**
   * The room's live figures while `subscribeMetrics()` holds (operators only), about once a
   * second; null before the first.
   */
  readonly $metrics: ReadableAtom<RoomMetrics | null>;
  /** The latest client event; listen() to see each one. */
  readonly $events: ReadableAtom<ClientEvent | null>;
  /** A copy of the counters. */
  readonly stats: ClientStats;
  /** Posts a message; it shows at once as `sending`. Rejects with RealstreamError. */
  send(text: string, opts?: { reply?: boolean }): Promise<SendAck>;
  /** Stops a streaming assistant reply. */
  stop(messageId: string): Promise<{ seq: number }>;
  /** Sends a failed message again, with the same id (so it can never be applied twice). */
  retry(messageId: string): Promise<SendAck>;
  /** Asks for a new answer in place of the room's latest assistant reply (which stays). */
  retryReply(messageId: string): Promise<{ seq: number }>;
  /** Operator: removes every message of the room, for everyone. */
  clearRoom(): Promise<{ seq: number }>;
  /** Operator: changes the room's settings; fields left out keep their value. */
  configure(settings: Partial<RoomSettings>): Promise<{ seq: number }>;
  /**
   * Says which streaming reply this user is watching (on screen, page visible), or null. Cheap to
   * call on every render: only changes go on the wire, and the current one again after a reconnect.
   */
  watch(messageId: string | null): void;
  /**
   * Runs a tool; resolves once the room has started the call (its progress and outcome then show in
   * `$calls`). Rejects with a typed error (invalid_arguments, not_found, tool_disabled,
   * tool_unavailable, too_many_calls, forbidden) when nothing was run.
   */
  invokeTool(name: string, args: unknown): Promise<InvokeAck>;
  /** Resolves with the call once it has ended (done, error, timeout, cancelled or denied). */
  waitForCall(callId: string): Promise<ToolCall>;
  /** Cancels a running call (or one awaiting approval). */
  cancelTool(callId: string): Promise<{ seq: number }>;
  /** Operator: switches a tool on or off for the room. */
  toggleTool(name: string, enabled: boolean): Promise<{ seq: number }>;
  /** Operator: approves or denies an assistant's call that awaits approval. */
  decideTool(callId: string, approve: boolean): Promise<{ seq: number }>;
  /**
   * Operator: connects the room to an MCP server (Streamable HTTP) and lists its tools as
   * `<name>.<tool>`. Its headers stay on the room server. Rejects with url_not_allowed for a host
   * outside the allow-list or a private address, conflict for a name in use.
   */
  addMcpServer(server: McpServerSpec): Promise<{ seq: number }>;
  /** Operator: disconnects an MCP server added in the room and removes its tools. */
  removeMcpServer(name: string): Promise<{ seq: number }>;
  /** Operator: tries an MCP server again now and lists its tools again. */
  reconnectMcpServer(name: string): Promise<{ seq: number }>;
  /**
   * Operator: lets the assistant use MCP tools whose new or changed descriptions were read; each
   * approval holds only if the tool's description is still exactly the one given.
   */
  approveMcpTools(tools: McpApproval[]): Promise<{ seq: number }>;
  /**
   * Implements a tool in this browser (or node process): the room routes calls of it here while
   * this client is connected, re-registering after every reconnect. Returns the unregister function.
   */
  registerTool(spec: ToolSpec, handler: ToolHandler): () => void;
  /** Operator: asks for `$metrics` (again after every reconnect) until the returned function is called. */
  subscribeMetrics(): () => void;
  /**
   * Operator: the room's frames in and out, filtered on the server, in batches (sampled over
   * 200 frames a second). One filter per client: the latest call's wins.
   */
  subscribeTap(filter: TapFilter, listener: (batch: TapBatch) => void): () => void;
  /** Forgets a failed message. */
  discard(messageId: string): void;
  /** Call on input and on blur/send; throttled for the wire. */
  typing(isTyping: boolean): void;
  /** Prepends the previous page of history; resolves whether still older messages exist. */
  loadOlder(): Promise<boolean>;
  /** Drops the link and resumes at once (also after a final close, e.g. with a new token). */
  reconnect(): void;
  /** The server's messages as they stand, without local ones: what a transcript export shows. */
  transcript(): Message[];
  /** Releases this handle; the socket closes when the last handle of the shared client does. */
  close(): void;
}
