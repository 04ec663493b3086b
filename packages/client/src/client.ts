import { atom, type ReadableAtom } from 'nanostores';
import type {
  ClientFrame,
  Author,
  McpApproval,
  McpServer,
  McpServerSpec,
  Message,
  RoomMetrics,
  RoomSettings,
  Tool,
  ToolCall,
  ToolSpec,
  User,
} from '@realstream/protocol';
import { Commands, quiet } from './commands.js';
import { RealstreamError } from './errors.js';
import { History } from './history.js';
import { makeId } from './ids.js';
import { withDefaults, type Options } from './options.js';
import { RoomState } from './room-state.js';
import { Session } from './session.js';
import { CLIENT_CLOSED } from './status-reason.js';
import { Stores } from './stores.js';
import type {
  ClientEvent,
  ClientMessage,
  ClientStats,
  ClientStatus,
  ConnectOptions,
  InvokeAck,
  RealstreamClient,
  SendAck,
  ToolHandler,
} from './types.js';
import type { Operations, TapBatch, TapFilter } from './operations.js';
import type { ToolHost } from './tool-host.js';
import { Lazy } from './lazy.js';
import { TypingTracker } from './typing.js';
import { parseEndpoint, roomHttpUrl } from './url.js';

/**
 * One room's client: a link that resumes exactly where it left off (Session), an outbox that
 * survives reconnects (Commands), history paging (History), and the nanostores UIs render
 * (Stores). Made by `connect()`, which shares one per identity.
 */
export class Client implements RealstreamClient {
  readonly host: string;
  readonly party: string;
  readonly room: string;
  readonly $status: ReadableAtom<ClientStatus>;
  readonly $messages: ReadableAtom<readonly ClientMessage[]>;
  readonly $presence: ReadableAtom<readonly User[]>;
  readonly $typing: ReadableAtom<readonly User[]>;
  readonly $watchers: ReadableAtom<ReadonlyMap<string, readonly User[]>>;
  readonly $settings: ReadableAtom<RoomSettings | null>;
  readonly $tools: ReadableAtom<readonly Tool[]>;
  readonly $calls: ReadableAtom<readonly ToolCall[]>;
  readonly $mcpServers: ReadableAtom<readonly McpServer[]>;
  readonly $events: ReadableAtom<ClientEvent | null>;

  private readonly opts: Options;
  private readonly state: RoomState;
  private readonly stores: Stores;
  private readonly commands: Commands;
  private readonly history: History;
  private readonly session: Session;
  /** The tools this client implements, imported on the first registerTool(). */
  private readonly toolHost: Lazy<ToolHost>;
  /** The operators' views, imported on the first subscribe: only dashboards use them. */
  private readonly operations: Lazy<Operations>;
  private readonly metrics = atom<RoomMetrics | null>(null);
  readonly $metrics: ReadableAtom<RoomMetrics | null> = this.metrics;
  private readonly uid: string | undefined;
  private closed = false;
  private typingSentAt = 0;
  /** The watch last put on the wire, and on which connection. */
  private watchSent: { connectionId: string; messageId: string | null } | null = null;

  constructor(options: ConnectOptions) {
    const opts = (this.opts = withDefaults(options));
    const keep = options.maxMessages ?? Infinity;
    if (!(keep === Infinity || (Number.isInteger(keep) && keep >= 0)))
      throw new TypeError(`maxMessages ${keep}: expected a whole number >= 0`);
    this.state = new RoomState(keep);
    const endpoint = parseEndpoint(options.host);
    this.host = endpoint.host;
    this.party = options.party ?? 'main';
    this.room = options.room;
    // A guest without a stable id would join presence as someone new on every reconnect.
    this.uid = options.uid ?? (options.token || options.getToken ? undefined : makeId('guest'));

    const stores = (this.stores = new Stores(this.state));
    this.$status = stores.$status;
    this.$messages = stores.$messages;
    this.$presence = stores.$presence;
    this.$typing = stores.$typing;
    this.$watchers = stores.$watchers;
    this.$settings = stores.$settings;
    this.$tools = stores.$tools;
    this.$calls = stores.$calls;
    this.$mcpServers = stores.$mcpServers;
    this.$events = stores.$events;

    const typers = new TypingTracker(opts.typingTtlMs, (users) => stores.$typing.set(users));
    const commands = (this.commands = new Commands({
      state: this.state,
      live: () => this.session.live,
      wire: (frame) => this.session.wire(frame),
      emit: (event) => stores.emit(event),
      changed: () => stores.schedule(),
      author: () => this.author(),
      maxChars: () => stores.status.limits?.maxMessageChars,
      refusal: () => this.session.refusal,
      tooLarge: (frame) => this.session.tooLarge(frame),
    }));
    const roomUrl = roomHttpUrl(endpoint, this.party, this.room);
    const token = () => this.token();
    this.history = new History(
      this.state,
      async (before) => {
        const { fetchPage } = await import('./fetch-page.js');
        return fetchPage({
          roomUrl,
          before,
          limit: opts.pageSize,
          token: await token(),
          fetch: opts.fetch,
        });
      },
      () => stores.schedule(),
    );
    const { party, room, uid, state } = this;
    // Either part may arrive while the link is live: the session told it nothing then.
    const wire = (frame: ClientFrame) => this.session.wire(frame);
    const toolHost = (this.toolHost = new Lazy(async () => {
      const { ToolHost } = await import('./tool-host.js');
      const host = new ToolHost(wire, (frame) => this.session.tooLarge(frame));
      if (this.session.live) host.connected();
      return host;
    }));
    const operations = (this.operations = new Lazy(async () => {
      const { Operations } = await import('./operations.js');
      const ops = new Operations(wire, this.metrics);
      if (this.session.live) ops.connected();
      return ops;
    }));
    this.session = new Session({
      options: opts,
      endpoint,
      party,
      room,
      uid,
      token,
      state,
      stores,
      commands,
      typers,
      // Metrics and tap frames come only after a subscribe, calls only after a registration, so
      // only once the part is in; a stray call still gets its answer (tool_unavailable).
      toolHost: {
        connected: () => toolHost.now?.connected(),
        disconnected: () => toolHost.now?.disconnected(),
        run: (frame) => toolHost.get().then((host) => host.run(frame)),
        abort: (frame) => toolHost.now?.abort(frame),
      },
      operations: {
        connected: () => operations.now?.connected(),
        disconnected: () => operations.now?.disconnected(),
        handle: (frame) => operations.now?.handle(frame),
      },
    });
  }

  get stats(): ClientStats {
    return { ...this.session.counters, resent: this.commands.resent };
  }

  send(text: string, opts: { reply?: boolean } = {}): Promise<SendAck> {
    if (this.closed) return closedError();
    // Sending ends typing; the next keystroke should announce itself at once.
    this.typingSentAt = 0;
    return this.commands.send(text, opts);
  }

  stop(messageId: string): Promise<{ seq: number }> {
    return this.closed ? closedError() : this.commands.stop(messageId);
  }

  retry(messageId: string): Promise<SendAck> {
    return this.closed ? closedError() : this.commands.retry(messageId);
  }

  retryReply(messageId: string): Promise<{ seq: number }> {
    return this.closed ? closedError() : this.commands.retryReply(messageId);
  }

  clearRoom(): Promise<{ seq: number }> {
    return this.closed ? closedError() : this.commands.clearRoom();
  }

  configure(settings: Partial<RoomSettings>): Promise<{ seq: number }> {
    return this.closed ? closedError() : this.commands.configure(settings);
  }

  invokeTool(name: string, args: unknown): Promise<InvokeAck> {
    return this.closed ? closedError() : this.commands.invokeTool(name, args);
  }

  waitForCall(callId: string): Promise<ToolCall> {
    if (this.closed) return closedError();
    return new Promise((resolve, reject) => {
      const stop = () => {
        queueMicrotask(() => {
          offCalls();
          offStatus();
        });
      };
      const offCalls = this.stores.$calls.subscribe((calls) => {
        const call = calls.find((c) => c.callId === callId);
        if (!call || call.status === 'running' || call.status === 'awaiting_approval') return;
        stop();
        resolve(call);
      });
      // A closed client, or a link down for good, will never see the call end.
      const offStatus = this.stores.$status.subscribe((s) => {
        if (s.state === 'live' || s.state === 'connecting' || s.state === 'reconnecting') return;
        stop();
        reject(
          new RealstreamError(
            this.closed ? 'closed' : 'internal',
            `the link is ${s.state}: the call's end cannot arrive`,
          ),
        );
      });
    });
  }

  cancelTool(callId: string): Promise<{ seq: number }> {
    return this.closed ? closedError() : this.commands.cancelTool(callId);
  }

  toggleTool(name: string, enabled: boolean): Promise<{ seq: number }> {
    return this.closed ? closedError() : this.commands.toggleTool(name, enabled);
  }

  decideTool(callId: string, approve: boolean): Promise<{ seq: number }> {
    return this.closed ? closedError() : this.commands.decideTool(callId, approve);
  }

  addMcpServer(server: McpServerSpec): Promise<{ seq: number }> {
    return this.closed ? closedError() : this.commands.addMcpServer(server);
  }

  removeMcpServer(name: string): Promise<{ seq: number }> {
    return this.closed ? closedError() : this.commands.removeMcpServer(name);
  }

  reconnectMcpServer(name: string): Promise<{ seq: number }> {
    return this.closed ? closedError() : this.commands.reconnectMcpServer(name);
  }

  approveMcpTools(tools: McpApproval[]): Promise<{ seq: number }> {
    return this.closed ? closedError() : this.commands.approveMcpTools(tools);
  }

  registerTool(spec: ToolSpec, handler: ToolHandler): () => void {
    return this.toolHost.start((host) => host.register(spec, handler, this.session.live));
  }

  subscribeMetrics(): () => void {
    return this.operations.start((ops) => ops.subscribeMetrics());
  }

  subscribeTap(filter: TapFilter, listener: (batch: TapBatch) => void): () => void {
    return this.operations.start((ops) => ops.subscribeTap(filter, listener));
  }

  watch(messageId: string | null): void {
    const connectionId = this.stores.status.connectionId;
    if (!this.session.live || !connectionId) return;
    const sent = this.watchSent;
    // A new connection starts watching nothing, so only a non-null watch needs saying again.
    if (sent?.connectionId === connectionId ? sent.messageId === messageId : messageId === null)
      return;
    if (this.session.wire({ type: 'watch', messageId }))
      this.watchSent = { connectionId, messageId };
  }

  discard(messageId: string): void {
    this.commands.discard(messageId);
  }

  typing(isTyping: boolean): void {
    if (!this.session.live) {
      this.typingSentAt = 0;
      return;
    }
    const now = Date.now();
    if (isTyping) {
      // Refresh well within the others' expiry; the server drops starts closer than 1 s anyway.
      if (now - this.typingSentAt < this.opts.typingTtlMs / 2) return;
      this.typingSentAt = now;
    } else {
      if (!this.typingSentAt) return;
      this.typingSentAt = 0;
    }
    this.session.wire({ type: 'typing', typing: isTyping });
  }

  loadOlder(): Promise<boolean> {
    return this.history.loadOlder();
  }

  reconnect(): void {
    if (!this.closed) this.session.reconnect();
  }

  transcript(): Message[] {
    return this.state.transcript();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.session.close();
    this.commands.failAll(new RealstreamError('closed', 'the client was closed'));
    this.stores.setStatus({ state: 'offline', reason: CLIENT_CLOSED });
    this.stores.flush();
  }

  private token(): Promise<string | null | undefined> {
    const { getToken, token } = this.opts;
    return Promise.resolve(getToken ? getToken() : token);
  }

  private author(): Author {
    const user = this.stores.status.user;
    if (user) return { kind: 'user', id: user.id, name: user.name, role: user.role };
    return { kind: 'user', id: this.uid ?? '', name: this.opts.name ?? '' };
  }
}

function closedError(): Promise<never> {
  return quiet(Promise.reject(new RealstreamError('closed', 'the client is closed')));
}
