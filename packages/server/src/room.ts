import {
  CLOSE_CODES,
  PROTOCOL_VERSION,
  protocolMismatchReason,
  roleAtLeast,
  TOKEN_PROBLEMS,
  type ClientFrame,
  type EventFrame,
  type Message,
  type RoomSettings,
  type ServerFrame,
  type Snapshot,
  type User,
  type Welcome,
} from '@realstream/protocol';
import { admit, type Conn, type Gate, type SavedConn, type Socket } from './admission.js';
import type { Identity } from './auth.js';
import { ChatCommands, loadSettings, type SendResult } from './chat-commands.js';
import { canonicalJson, CommandLedger, type Outcome } from './command-ledger.js';
import type { Config } from './config.js';
import { ChunkedStorage } from './chunked-storage.js';
import { EventLog, type StorageFailure } from './event-log.js';
import type { Logger } from './log.js';
import { MessageStore } from './messages.js';
import { Operations } from './metrics/operations.js';
import type { Connected } from './metrics/recorder.js';
import { TokenBucket } from './rate-limit.js';
import { Door } from './door.js';
import { Replies } from './replies.js';
import { hideReasoning, hideReasoningIn, seesReasoning } from './reasoning-view.js';
import type { Responder } from './responders/types.js';
import { RoomTools } from './room-tools.js';
import type { RoomStorage } from './storage.js';
import { assistantTools } from './tools/assistant.js';
import { ToolCalls } from './tools/calls.js';
import {
  CLIENT_TOOL_PREFIX,
  TOOLS_KEY,
  ToolRegistry,
  type StoredClientTool,
  type StoredTools,
} from './tools/registry.js';
import type { RoomView, ServerTool } from './tools/types.js';
import { Watchers } from './watchers.js';
import { KEEPALIVE_FRAME, StreamKeepAlive } from './stream-keepalive.js';

export type { SavedConn, SendResult, Socket };

/** Longest a timer may be set for in workerd and node (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Anyone receiving the room's events: WebSockets that said hello, SSE streams. */
export interface Subscriber {
  deliver(frames: EventFrame[], encoded: string): void;
  /** The room is going away (its storage failed): say why and end. */
  end(code: 'storage_failed', message: string): void;
}

/** What a room is opened with; kept, so a room broken by its storage can be opened again. */
export interface RoomOptions {
  name: string;
  storage: RoomStorage;
  config: Config;
  logger: Logger;
  /** Every responder this room may use, by name; the config says which is the default. */
  responders: ReadonlyMap<string, Responder>;
  /** Built-in and webhook tools of the deployment. */
  serverTools: ServerTool[];
  /**
   * Asks to be woken at a time (null: not at all), then to have `wake()` called: the Durable
   * Object's alarm, which survives hibernation. Without it the room sets its own timer.
   */
  wakeAt?: (at: number | null) => void;
}

/** WebSocket close code "service restart": the client reconnects at once and resumes. */
const SERVICE_RESTART = 1012;

/**
 * One room: connections, frames, resume and presence over the event log. Frames are checked in
 * `admission.ts`; chat and tool commands run in ChatCommands and RoomTools. Knows nothing of
 * either engine; `room-host.ts` and the adapters in `adapters/` run it, and tests drive it directly.
 */
export class Room implements Gate {
  readonly conns = new Map<string, Conn>();
  private readonly door: Door;
  readonly subscribers = new Set<Subscriber>();
  private readonly presence = new Map<string, { user: User; count: number }>();
  /** Recently applied command ids -> the seq they produced (messages are also indexed in storage). */
  private readonly commands: CommandLedger;
  private readonly chat: ChatCommands;
  private readonly toolCommands: RoomTools;
  private readonly watchers = new Watchers();
  /**
   * Set when a storage write failed (see EventLog): the room has closed every socket and ended
   * every event stream, and the adapter opens it again from storage (reopen) before going on.
   */
  failure: StorageFailure | null = null;
  /** Replies that were streaming when the storage failed: they end `failed` after the reopen. */
  private readonly lostReplies = new Map<string, Message>();
  /** Sockets refused at connect, until their first frame (see refuse). */
  private readonly refusing = new Map<string, { socket: Socket; conn: Conn; close: () => void }>();
  /** When the room last asked to be woken (see scheduleWake). */
  private wakeAt: number | null = null;
  private wakeTimer: ReturnType<typeof setTimeout> | null = null;
  /** Speaks for a silent model while a reply streams, so clients can tell it from a dead link. */
  private readonly keepAlive = new StreamKeepAlive(
    () => this.replies.active > 0,
    () => this.sendKeepAlive(),
  );

  private constructor(
    private readonly options: RoomOptions,
    readonly name: string,
    readonly config: Config,
    readonly logger: Logger,
    readonly log: EventLog,
    readonly messages: MessageStore,
    readonly replies: Replies,
    readonly tools: ToolRegistry,
    readonly calls: ToolCalls,
    readonly ops: Operations,
    responders: ReadonlyMap<string, Responder>,
    settings: RoomSettings,
    private readonly wakeAtTime: ((at: number | null) => void) | undefined,
  ) {
    this.commands = new CommandLedger(logger);
    this.door = new Door(config, name);
    const ledger = this.commands;
    const parts = { config, logger, log, messages, replies, calls, ops, ledger, responders };
    this.chat = new ChatCommands(parts, settings);
    this.toolCommands = new RoomTools(log, tools, calls, logger);
  }

  static async open(
    opts: RoomOptions,
    /** Replies whose storage failed under the room this one replaces (see reopen). */
    lostReplies: ReadonlyMap<string, Message> = new Map(),
  ): Promise<Room> {
    const { name, config, logger, responders } = opts;
    // Values of any size (long replies, tool results) are stored whole on every backend.
    const storage = new ChunkedStorage(opts.storage, ['txt:']);
    let room: Room | null = null;
    const log = await EventLog.open(
      storage,
      logger,
      (frames) => room?.deliver(frames),
      config.ringSize,
      config.ringBytes,
      (failure, lost) => room?.breakDown(failure, lost),
    );
    const messages = await MessageStore.load(
      storage,
      config.snapshotMessages,
      config.retention.messages,
      logger,
    );
    const settings = await loadSettings(storage, config, responders, logger);
    const current = () => {
      const chosen = room?.settings ?? settings;
      const responder = responders.get(chosen.responder) ?? responders.get(config.responder)!;
      return { responder, systemPrompt: chosen.systemPrompt };
    };
    const ops = new Operations(
      name,
      {
        people: () => room?.people() ?? [],
        connections: () => room?.conns.size ?? 0,
        streaming: () => room?.replies.active ?? 0,
        toolsRunning: () => room?.calls.running ?? 0,
        storageWrites: () => log.storageWrites,
        responders: () =>
          [...responders.values()].map((r) => ({
            name: r.name,
            toolsRefused: r.quirks?.toolsRefused ?? null,
          })),
      },
      config.metrics,
    );
    const storedTools = await storage.get<StoredTools>(TOOLS_KEY);
    const clientTools = await storage.list<StoredClientTool>({ prefix: CLIENT_TOOL_PREFIX });
    const tools = new ToolRegistry(opts.serverTools, storedTools, clientTools.values());
    if (storedTools?.client) {
      // Moves client tools stored the old way, in one value, to a key each.
      const moved: Record<string, unknown> = { [TOOLS_KEY]: tools.stored() };
      for (const spec of Object.values(storedTools.client))
        moved[CLIENT_TOOL_PREFIX + spec.name] = { spec, owner: { id: '', role: 'operator' } };
      await storage.put(moved);
    }
    const calls = await ToolCalls.open({
      log,
      storage,
      registry: tools,
      logger,
      maxConcurrent: config.tools.maxConcurrentCalls,
      approvalMs: config.tools.approvalMs,
      retention: config.retention.calls,
      sendTo: (connId, frame) => room?.sendTo(connId, frame) ?? false,
      roomView: () => room!.view(),
      ended: (tool, status, ms) => ops.toolEnded(tool, status, ms),
    });
    const replies = new Replies(
      name,
      log,
      messages,
      storage,
      config,
      current,
      logger,
      assistantTools(tools, calls),
      {
        started: () => ops.count('messagesOut'),
        tokens: (n) => ops.count('tokens', n),
        firstToken: (ms) => ops.ttft(ms),
        ended: (ms, responder, errorCode) => ops.replyEnded(ms, responder, errorCode),
      },
    );
    room = new Room(
      opts,
      name,
      config,
      logger,
      log,
      messages,
      replies,
      tools,
      calls,
      ops,
      responders,
      settings,
      opts.wakeAt,
    );
    await replies.recoverInterrupted(lostReplies);
    logger.info('room started', { seq: log.seq, messages: messages.recent.length });
    return room;
  }

  /**
   * A failed write broke the event log: what it had not delivered never will be. As Cloudflare
   * resets a Durable Object whose write failed, the room lets everyone go (they reconnect at once
   * and resume from what was stored) and stops its replies; the adapter then opens a fresh room
   * over the same storage, which ends those replies `failed` with the text that was stored.
   */
  private breakDown(failure: StorageFailure, lost: EventFrame[]): void {
    if (this.failure) return;
    this.failure = failure;
    for (const m of this.replies.streamingMessages()) this.lostReplies.set(m.id, m);
    for (const f of lost)
      if (f.event.type === 'message.created' && f.event.message.author.kind === 'assistant')
        this.lostReplies.set(f.event.message.id, f.event.message);
    this.replies.abortAll();
    this.keepAlive.stop();
    for (const conn of [...this.conns.values()])
      this.close(conn, SERVICE_RESTART, 'storage failed; reconnect');
    for (const sub of [...this.subscribers]) {
      this.subscribers.delete(sub);
      sub.end('storage_failed', 'the room could not store an event and restarted; resume');
    }
  }

  /** A fresh room over the same storage, for one that broke (see breakDown). */
  reopen(): Promise<Room> {
    return Room.open(this.options, this.lostReplies);
  }

  // ---- connections ----------------------------------------------------------------------

  /**
   * A socket opened. The room has room for it unless it is full, or its user or its address already
   * holds its share: one client cannot fill a room for everyone else. It must say hello within
   * HELLO_TIMEOUT_MS, and it is closed when its token expires, whether or not it sends anything.
   */
  connect(socket: Socket, identity: Identity, address: string | null = null): void {
    if (this.failure) {
      closeQuietly(socket, SERVICE_RESTART, 'storage failed; reconnect');
      return;
    }
    const refusal = this.door.refusal(this.conns, identity, address);
    if (refusal) return this.refuse(socket, identity, address, refusal);
    // A client may reconnect with the same connection id before its old socket's close reaches us:
    // the old one is gone for good, so let it leave first.
    const stale = this.conns.get(socket.id);
    if (stale) this.disconnect(stale.socket);
    const now = Date.now();
    const conn: Conn = {
      socket,
      identity,
      address,
      bucket: new TokenBucket(this.config.rateBurst, this.config.rateRefillPerSecond, now),
      refused: { count: 0, since: now },
      ready: false,
      lastTypingAt: 0,
      connectedAt: now,
    };
    this.conns.set(socket.id, conn);
    this.watchDeadlines(conn);
    this.remember(conn);
  }

  /**
   * A socket the room held before it was evicted (or hibernated) and woken again: it is back as it
   * was, deadlines included, without a word to anyone. Presence is rebuilt, not announced, and
   * what it saw of the log stays valid (the log continues where it was; see EventLog.settle).
   * Lost with the evicted room: its rate allowance (full again), a watch of a reply (none runs in
   * a room that could be evicted), metric and tap subscriptions (they keep a room awake).
   */
  restore(socket: Socket, saved: SavedConn): void {
    const now = Date.now();
    const conn: Conn = {
      socket,
      identity: saved.identity,
      address: saved.address,
      bucket: new TokenBucket(this.config.rateBurst, this.config.rateRefillPerSecond, now),
      refused: { count: 0, since: now },
      ready: saved.ready,
      lastTypingAt: 0,
      connectedAt: saved.connectedAt,
    };
    this.conns.set(socket.id, conn);
    this.watchDeadlines(conn);
    if (conn.ready) {
      const entry = this.presence.get(conn.identity.id);
      if (entry) entry.count++;
      else this.presence.set(conn.identity.id, { user: userOf(conn.identity), count: 1 });
    }
    for (const name of saved.tools) this.tools.implement(socket.id, name);
  }

  /** What the engine keeps of a connection across hibernation (its socket's attachment). */
  private remember(conn: Conn): void {
    conn.socket.remember?.({
      v: 1,
      identity: conn.identity,
      address: conn.address,
      connectedAt: conn.connectedAt,
      ready: conn.ready,
      tools: this.tools.implementedBy(conn.socket.id),
    });
  }

  private watchDeadlines(conn: Conn): void {
    this.door.watch(
      conn,
      () => this.close(conn, CLOSE_CODES.too_many_connections, 'say hello sooner'),
      () => {
        this.reply(conn, { type: 'error', code: 'unauthorised', message: TOKEN_PROBLEMS.expired });
        this.close(conn, CLOSE_CODES.unauthorised, TOKEN_PROBLEMS.expired);
      },
    );
    this.scheduleWake();
  }

  /** Runs the deadlines that have fallen (the engine's alarm, or the room's own timer). */
  wake(now = Date.now()): void {
    this.wakeAt = null;
    this.door.due(now);
    this.scheduleWake();
  }

  /** Asks to be woken at the next deadline, when that changed. */
  private scheduleWake(): void {
    const at = this.door.next();
    if (at === this.wakeAt) return;
    this.wakeAt = at;
    if (this.wakeAtTime) return this.wakeAtTime(at);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    if (at === null) return;
    const ms = Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now()));
    this.wakeTimer = setTimeout(() => this.wake(), ms);
  }

  /**
   * Closes a socket the room will not take, at its first frame (every client says hello at once)
   * or at the hello deadline. Not at once: a hibernatable socket closed before the room has read a
   * frame from it gets its close frame, but workerd (wrangler dev always, partykit dev often) then
   * holds its TCP connection until the client gives up on the close (30 s in `ws`), so a client told
   * "room full" would hear it 30 s late. Closed in its own first frame's event, it closes at once.
   * It holds no place meanwhile: it is not in `conns`, and its frames are not read.
   */
  private refuse(
    socket: Socket,
    identity: Identity,
    address: string | null,
    refusal: { code: number; reason: string },
  ): void {
    const close = () => {
      if (this.refusing.get(socket.id)?.socket !== socket) return;
      this.refusing.delete(socket.id);
      this.door.forget(conn);
      closeQuietly(socket, refusal.code, refusal.reason);
    };
    const now = Date.now();
    const conn: Conn = {
      socket,
      identity,
      address,
      bucket: new TokenBucket(1, 1, now),
      refused: { count: 0, since: now },
      ready: false,
      lastTypingAt: 0,
      connectedAt: now,
    };
    // Its id taken by a socket in the room, its frames could not be told apart: close it now.
    if (this.conns.has(socket.id) || this.refusing.has(socket.id)) {
      closeQuietly(socket, refusal.code, refusal.reason);
      return;
    }
    this.refusing.set(socket.id, { socket, conn, close });
    this.door.watch(conn, close, close);
    this.scheduleWake();
  }

  /** The socket closed. A late close of a socket already replaced under the same id changes nothing. */
  disconnect(socket: Socket): void {
    const refused = this.refusing.get(socket.id);
    if (refused?.socket === socket) {
      this.refusing.delete(socket.id);
      this.door.forget(refused.conn);
      return;
    }
    const conn = this.conns.get(socket.id);
    if (!conn || conn.socket !== socket) return;
    this.conns.delete(socket.id);
    this.door.forget(conn);
    if (this.conns.size === 0) this.scheduleWake(); // nothing left to wait for
    this.ops.connectionGone(socket.id);
    const watched = this.watchers.remove(socket.id);
    if (watched) this.announceWatchers(watched);
    void this.toolCommands.unregister(socket.id);
    if (conn.ready) this.leave(conn.identity);
  }

  /**
   * Closes a connection the room is done with. It leaves the room first: a closing socket may take
   * as long as it likes to finish the close handshake (or never do), and nothing waits on it or
   * is sent to it meanwhile; frames it still sends are dropped unread.
   */
  close(conn: Conn, code: number, reason: string): void {
    this.disconnect(conn.socket);
    closeQuietly(conn.socket, code, reason);
  }

  get rates(): Gate['rates'] {
    return this.door.rates;
  }

  cooldown(conn: Conn): void {
    this.door.cooldown(conn);
  }

  /**
   * Sends to one connection. A socket that can no longer take a frame (closed under us, or its
   * send throws for any other reason) leaves the room, so one dead peer never stops delivery to
   * the others. It leaves once the current delivery is done: leaving appends `presence.left`,
   * which must not overtake the event still being sent to the others.
   */
  private transmit(conn: Conn, data: string): boolean {
    try {
      conn.socket.send(data);
      return true;
    } catch (err) {
      this.logger.warnRepeated('send-failed', 'dropped a connection whose send failed', {
        conn: conn.socket.id,
        error: String(err),
      });
      queueMicrotask(() => this.close(conn, 1011, 'send failed'));
      return false;
    }
  }

  get settings(): RoomSettings {
    return this.chat.settings;
  }

  /** Responders an operator may choose for this room. */
  get responderNames(): string[] {
    return this.chat.responderNames;
  }

  get presenceList(): User[] {
    return [...this.presence.values()].map((p) => p.user);
  }

  private join(identity: Identity): void {
    const entry = this.presence.get(identity.id);
    if (entry) {
      entry.count++;
      return;
    }
    const user = userOf(identity);
    this.presence.set(user.id, { user, count: 1 });
    this.ops.count('joins');
    this.log.append(() => ({ event: { type: 'presence.joined', user } }));
  }

  private leave(identity: Identity): void {
    const entry = this.presence.get(identity.id);
    if (!entry) return;
    if (--entry.count > 0) return;
    this.presence.delete(identity.id);
    this.ops.count('leaves');
    this.log.append(() => ({ event: { type: 'presence.left', userId: identity.id } }));
  }

  // ---- frames ---------------------------------------------------------------------------

  async message(socketId: string, raw: string | ArrayBuffer | ArrayBufferView): Promise<void> {
    const conn = this.conns.get(socketId);
    if (!conn) return this.refusing.get(socketId)?.close();
    const frame = admit(this, conn, raw);
    if (frame) return this.dispatch(conn, frame);
  }

  private async dispatch(conn: Conn, frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case 'hello':
        return this.hello(conn, frame.protocol, frame.since);
      case 'ping':
        return this.reply(conn, { type: 'pong', t: frame.t });
      case 'typing':
        return this.typing(conn, frame.typing);
      case 'message.send': {
        const result = await this.send(conn.identity, frame.id, frame.text, frame.reply ?? true);
        if (!result.ok)
          return this.reply(conn, {
            type: 'error',
            id: frame.id,
            code: result.code,
            message: result.message,
          });
        return this.reply(conn, {
          type: 'ack',
          id: frame.id,
          seq: result.seq,
          ...(result.duplicate ? { duplicate: true } : {}),
        });
      }
      case 'message.stop':
        return this.answer(conn, frame, () =>
          this.chat.stop(userOf(conn.identity), frame.messageId),
        );
      case 'message.retry':
        return this.answer(conn, frame, () => this.chat.retry(frame.messageId));
      case 'room.clear':
        return this.answer(conn, frame, () => this.chat.clear(userOf(conn.identity)));
      case 'room.configure':
        return this.answer(conn, frame, () =>
          this.chat.configure(userOf(conn.identity), frame.settings),
        );
      case 'watch':
        return this.watch(conn, frame.messageId);
      case 'tool.invoke':
        return this.answer(conn, frame, () =>
          this.invoke(conn.identity, frame.id, frame.name, frame.args),
        );
      case 'tool.cancel':
        return this.answer(conn, frame, () =>
          this.calls.cancel(frame.callId, userOf(conn.identity)),
        );
      case 'tool.decide':
        return this.answer(conn, frame, () =>
          this.calls.decide(frame.callId, frame.approve, userOf(conn.identity)),
        );
      case 'tool.toggle':
        return this.answer(conn, frame, () =>
          this.toolCommands.toggle(userOf(conn.identity), frame.name, frame.enabled),
        );
      case 'tool.register':
        await this.answer(conn, frame, () =>
          this.toolCommands.register(
            { connId: conn.socket.id, user: userOf(conn.identity) },
            frame.tool,
          ),
        );
        return this.remember(conn);
      case 'tool.unregister':
        await this.answer(conn, frame, () => ({
          seq: this.toolCommands.unregister(conn.socket.id, frame.name),
        }));
        return this.remember(conn);
      case 'tool.progress':
        return this.calls.progress(frame.callId, frame, conn.socket.id);
      case 'tool.result':
        this.calls.clientResult(conn.socket.id, frame.callId, frame.result, frame.error);
        return;
      case 'metrics.subscribe':
        this.ops.subscribe(conn.socket.id, (f) => this.reply(conn, f));
        return this.reply(conn, { type: 'ack', id: frame.id, seq: this.log.seq });
      case 'metrics.unsubscribe':
        this.ops.unsubscribe(conn.socket.id);
        return this.reply(conn, { type: 'ack', id: frame.id, seq: this.log.seq });
      case 'tap.subscribe': {
        const { types, connection } = frame;
        this.ops.watch(conn.socket.id, { types, connection }, (f) => this.reply(conn, f));
        return this.reply(conn, { type: 'ack', id: frame.id, seq: this.log.seq });
      }
      case 'tap.unsubscribe':
        this.ops.tap.remove(conn.socket.id);
        return this.reply(conn, { type: 'ack', id: frame.id, seq: this.log.seq });
      // The wire format has MCP servers (issue 17); this room server does not connect to them
      // yet, and says so rather than leave the command unanswered.
      case 'mcp.add':
      case 'mcp.remove':
      case 'mcp.reconnect':
      case 'mcp.approve':
        return this.reply(conn, {
          type: 'error',
          id: frame.id,
          code: 'unknown_type',
          message: `${frame.type}: this room server does not connect to MCP servers yet`,
        });
    }
  }

  /** Answers one connection. */
  reply(conn: Conn, frame: ServerFrame): void {
    if (this.conns.get(conn.socket.id) !== conn) return; // closed already: nothing more to say
    const encoded = JSON.stringify(frame);
    if (!this.transmit(conn, encoded)) return;
    // Tap frames themselves are not tapped: watching would feed on itself.
    if (frame.type !== 'tap') this.ops.framesOut(encoded, 1, conn.socket.id);
  }

  private async hello(conn: Conn, protocol: number, since: number): Promise<void> {
    if (protocol !== PROTOCOL_VERSION) {
      this.reply(conn, {
        type: 'error',
        code: 'protocol_mismatch',
        message: `server speaks protocol ${PROTOCOL_VERSION}, client spoke ${protocol}: update the client`,
      });
      this.close(
        conn,
        CLOSE_CODES.protocol_mismatch,
        protocolMismatchReason(PROTOCOL_VERSION, protocol),
      );
      return;
    }
    if (conn.ready) {
      return this.reply(conn, {
        type: 'error',
        code: 'conflict',
        message: 'hello was already said on this connection',
      });
    }
    const replay = await this.missedSince(since);
    if (this.conns.get(conn.socket.id) !== conn) return; // closed or replaced meanwhile
    const hide = !seesReasoning(this.settings, conn.identity.role);
    const welcome: Welcome = {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      room: this.name,
      connectionId: conn.socket.id,
      user: userOf(conn.identity),
      seq: this.log.seq,
      resume: replay === null ? 'snapshot' : replay.length ? 'replay' : 'none',
      devMode: this.config.secret === null,
      limits: {
        maxFrameBytes: this.config.maxFrameBytes,
        maxMessageChars: this.config.maxMessageChars,
      },
      ...(roleAtLeast(conn.identity.role, 'operator') ? { responders: this.responderNames } : {}),
    };
    this.reply(conn, welcome);
    if (replay === null) this.reply(conn, this.snapshot(hide));
    else {
      const events = hide ? replay.map(hideReasoningIn) : replay;
      if (events.length === 1) this.reply(conn, events[0]);
      else if (events.length > 1) this.reply(conn, { type: 'batch', events });
    }
    conn.ready = true;
    this.remember(conn);
    this.join(conn.identity);
    for (const messageId of this.watchers.watched()) {
      this.reply(conn, { type: 'watchers', messageId, users: this.watchers.users(messageId) });
    }
  }

  /**
   * What a subscriber that has seen up to `since` (0: nothing) is missing: the events after it from
   * the ring, [] when it is up to date, or null when it needs a snapshot (a first connection, or the
   * ring no longer reaches back). By then the log is idle, so a snapshot shows exactly its seq.
   */
  async missedSince(since: number): Promise<EventFrame[] | null> {
    let replay = since > 0 && since <= this.log.seq ? this.log.ring.since(since) : null;
    if (!replay) {
      while (!this.log.idle) await this.log.drained();
      replay = since === this.log.seq && since > 0 ? [] : null;
    }
    if (since > 0) {
      this.ops.count('resumes');
      if (replay === null) this.ops.count('snapshots');
      else this.ops.count('replayedEvents', replay.length);
    }
    return replay;
  }

  /**
   * The room's state at the last sent seq (call when the log is idle); `withoutReasoning` for
   * someone the room does not show reasoning to.
   */
  snapshot(withoutReasoning = false): Snapshot {
    const byId = new Map(this.messages.recent.map((m) => [m.id, m]));
    for (const m of this.replies.streamingMessages()) byId.set(m.id, m);
    const messages = [...byId.values()]
      .sort((a, b) => a.seq - b.seq)
      .map((m) => (withoutReasoning ? hideReasoning(m) : { ...m }));
    return {
      type: 'snapshot',
      seq: this.log.seq,
      messages,
      hasMore: this.messages.hasOlder,
      before: this.messages.recent[0]?.seq ?? null,
      presence: this.presenceList,
      settings: { ...this.settings },
      tools: this.tools.list(),
      calls: this.calls.list(),
      mcpServers: [],
    };
  }

  private typing(conn: Conn, typing: boolean): void {
    const now = Date.now();
    // Typing is a hint: at most one start notice per second per connection is plenty.
    if (typing && now - conn.lastTypingAt < 1000) return;
    conn.lastTypingAt = typing ? now : 0;
    const data = JSON.stringify({
      type: 'typing',
      user: userOf(conn.identity),
      typing,
    } satisfies ServerFrame);
    for (const other of this.conns.values())
      if (other.ready && other !== conn) this.transmit(other, data);
  }

  private watch(conn: Conn, messageId: string | null): void {
    // Only a live reply can be watched; a late watch of one that just ended is simply dropped.
    const target = messageId !== null && this.replies.isStreaming(messageId) ? messageId : null;
    for (const id of this.watchers.set(conn.socket.id, userOf(conn.identity), target)) {
      this.announceWatchers(id);
    }
  }

  private announceWatchers(messageId: string): void {
    if (!this.replies.isStreaming(messageId)) return;
    const data = JSON.stringify({
      type: 'watchers',
      messageId,
      users: this.watchers.users(messageId),
    } satisfies ServerFrame);
    for (const conn of this.conns.values()) if (conn.ready) this.transmit(conn, data);
  }

  // ---- commands -------------------------------------------------------------------------

  /** Posts a message by `author` (WebSocket or REST); idempotent by `id`. */
  send(author: Identity, id: string, text: string, reply: boolean): Promise<SendResult> {
    return this.chat.send(author, id, text, reply);
  }

  /** Runs `command` once per id (see CommandLedger.answer) and answers its connection. */
  private answer(
    conn: Conn,
    command: { type: string; id: string },
    run: () => Outcome | Promise<Outcome>,
  ): Promise<void> {
    const { id: _id, ...body } = command;
    const claim = { user: conn.identity.id, kind: command.type, body: canonicalJson(body) };
    return this.commands.answer(command.id, claim, run, (frame) => this.reply(conn, frame));
  }

  // ---- tools ----------------------------------------------------------------------------

  /** Starts a call by a person (WebSocket or REST); the command id is the call id. */
  invoke(by: Identity, callId: string, name: string, args: unknown): Promise<Outcome> {
    return this.toolCommands.invoke(by, callId, name, args);
  }

  /** Operator: switches a tool on or off (WebSocket or REST). */
  toggle(by: Identity, name: string, enabled: boolean): Outcome {
    return this.toolCommands.toggle(userOf(by), name, enabled);
  }

  /** What `room.info` and other tools may read of the room. */
  view(): RoomView {
    return {
      name: this.name,
      seq: this.log.seq,
      presence: this.presenceList,
      connections: this.conns.size,
      messages: this.messages.recent.length,
      streaming: this.replies.active,
      tools: this.tools
        .list()
        .map((t) => ({ name: t.name, enabled: t.enabled, available: t.available })),
    };
  }

  /** Sends a frame to one live connection (a client tool's call); false when it is gone. */
  sendTo(connId: string, frame: ServerFrame): boolean {
    const conn = this.conns.get(connId);
    if (!conn?.ready) return false;
    return this.transmit(conn, JSON.stringify(frame));
  }

  // ---- delivery -------------------------------------------------------------------------

  private deliver(frames: EventFrame[]): void {
    for (const { event } of frames) {
      if (event.type === 'message.completed' || event.type === 'message.failed')
        this.watchers.ended(event.messageId);
    }
    const encode = (events: EventFrame[]) =>
      JSON.stringify(events.length === 1 ? events[0] : { type: 'batch', events });
    const encoded = encode(frames);
    // Those the room does not show reasoning to get the same frames without its words.
    let hidden: string | null = null;
    if (this.settings.reasoning !== 'everyone') {
      const seen = frames.map(hideReasoningIn);
      if (seen.some((f, i) => f !== frames[i])) hidden = encode(seen);
    }
    let sent = 0;
    for (const conn of this.conns.values()) {
      if (!conn.ready) continue;
      const data =
        hidden !== null && !seesReasoning(this.settings, conn.identity.role) ? hidden : encoded;
      if (this.transmit(conn, data)) sent++;
    }
    this.keepAlive.sent();
    for (const sub of this.subscribers) {
      try {
        sub.deliver(frames, encoded);
      } catch (err) {
        this.subscribers.delete(sub);
        this.logger.warnRepeated('subscriber-failed', 'dropped an event stream', {
          error: String(err),
        });
      }
    }
    this.ops.framesOut(encoded, sent, '*', frames);
  }

  private sendKeepAlive(): void {
    let sent = 0;
    for (const conn of this.conns.values()) {
      if (conn.ready && this.transmit(conn, KEEPALIVE_FRAME)) sent++;
    }
    this.ops.framesOut(KEEPALIVE_FRAME, sent, '*');
  }

  /** Who is connected, for the metrics. */
  people(): Connected[] {
    return [...this.conns.values()].map((c) => ({
      connectionId: c.socket.id,
      userId: c.identity.id,
      name: c.identity.name,
      role: c.identity.role,
      connectedAt: c.connectedAt,
    }));
  }

  /** Closes everything (tests, shutdown). */
  shutdown(): void {
    this.door.shutdown();
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    this.keepAlive.stop();
    this.replies.abortAll();
    this.ops.stop();
  }
}

/** Closes a socket that may already be closing: a second close throws in workerd, and is harmless. */
function closeQuietly(socket: Socket, code: number, reason: string): void {
  try {
    socket.close(code, reason);
  } catch {
    // Closed already.
  }
}

function userOf(identity: Identity): User {
  return { id: identity.id, name: identity.name, role: identity.role };
}
