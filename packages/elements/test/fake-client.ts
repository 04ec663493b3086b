import { atom } from 'nanostores';
import type {
  ClientEvent,
  ClientMessage,
  ClientStatus,
  InvokeAck,
  McpServer,
  RealstreamClient,
  RoomMetrics,
  RoomSettings,
  SendAck,
  TapBatch,
  TapFilter,
  Tool,
  ToolCall,
  User,
} from '@realstream/client';

/**
 * A client whose stores a test sets directly: for states a real server shows only rarely or
 * slowly (viewer role, refused token, reconnect attempt 3, a stalled stream, a failed send).
 */
export class FakeClient implements RealstreamClient {
  readonly host = 'fake.test';
  readonly party = 'main';
  readonly room = 'fake-room';
  readonly $status = atom<ClientStatus>({
    state: 'live',
    attempt: 0,
    lastSeq: 0,
    resumes: 0,
    snapshots: 1,
    devMode: false,
    user: { id: 'u-me', name: 'Me', role: 'member' },
    limits: { maxFrameBytes: 65536, maxMessageChars: 100 },
  });
  readonly $messages = atom<readonly ClientMessage[]>([]);
  readonly $presence = atom<readonly User[]>([]);
  readonly $typing = atom<readonly User[]>([]);
  readonly $watchers = atom<ReadonlyMap<string, readonly User[]>>(new Map());
  readonly $settings = atom<RoomSettings | null>({
    responder: 'demo',
    systemPrompt: null,
    reasoning: 'everyone',
  });
  readonly $tools = atom<readonly Tool[]>([]);
  readonly $calls = atom<readonly ToolCall[]>([]);
  readonly $mcpServers = atom<readonly McpServer[]>([]);
  readonly $metrics = atom<RoomMetrics | null>(null);
  readonly $events = atom<ClientEvent | null>(null);
  readonly calls: { method: string; args: unknown[] }[] = [];
  /** loadOlder() answers from this queue of pages (each prepended), then false. */
  olderPages: ClientMessage[][] = [];
  /** invokeTool() rejects with this (an Error with `code`) when set, else acknowledges. */
  invokeError: { code: string; message: string } | null = null;
  private callIds = 0;

  get stats() {
    return {
      connects: 1,
      resumes: 0,
      snapshots: 1,
      gaps: 0,
      deadLinks: 0,
      resent: 0,
      invalidFrames: 0,
    };
  }

  status(patch: Partial<ClientStatus>): void {
    this.$status.set({ ...this.$status.get(), ...patch });
  }

  emit(event: ClientEvent): void {
    this.$events.set(event);
  }

  send(text: string): Promise<SendAck> {
    this.calls.push({ method: 'send', args: [text] });
    return Promise.resolve({ seq: 1, messageId: 'm-1', duplicate: false });
  }
  stop(messageId: string): Promise<{ seq: number }> {
    this.calls.push({ method: 'stop', args: [messageId] });
    return Promise.resolve({ seq: 2 });
  }
  retry(messageId: string): Promise<SendAck> {
    this.calls.push({ method: 'retry', args: [messageId] });
    return Promise.resolve({ seq: 3, messageId, duplicate: false });
  }
  retryReply(messageId: string): Promise<{ seq: number }> {
    this.calls.push({ method: 'retryReply', args: [messageId] });
    return Promise.resolve({ seq: 4 });
  }
  clearRoom(): Promise<{ seq: number }> {
    this.calls.push({ method: 'clearRoom', args: [] });
    return Promise.resolve({ seq: 5 });
  }
  configure(settings: Partial<RoomSettings>): Promise<{ seq: number }> {
    this.calls.push({ method: 'configure', args: [settings] });
    return Promise.resolve({ seq: 6 });
  }
  watch(messageId: string | null): void {
    this.calls.push({ method: 'watch', args: [messageId] });
  }
  invokeTool(name: string, args: unknown): Promise<InvokeAck> {
    this.calls.push({ method: 'invokeTool', args: [name, args] });
    const e = this.invokeError;
    if (e) return Promise.reject(Object.assign(new Error(e.message), e));
    return Promise.resolve({ callId: `call-${++this.callIds}`, seq: 10, duplicate: false });
  }
  /** Resolves once `$calls` shows the call ended (set it from the test). */
  waitForCall(callId: string): Promise<ToolCall> {
    this.calls.push({ method: 'waitForCall', args: [callId] });
    return new Promise((resolve) => {
      const off = this.$calls.subscribe((calls) => {
        const call = calls.find((c) => c.callId === callId);
        if (call && !['running', 'awaiting_approval'].includes(call.status)) {
          queueMicrotask(() => off());
          resolve(call);
        }
      });
    });
  }
  cancelTool(callId: string): Promise<{ seq: number }> {
    this.calls.push({ method: 'cancelTool', args: [callId] });
    return Promise.resolve({ seq: 11 });
  }
  toggleTool(name: string, enabled: boolean): Promise<{ seq: number }> {
    this.calls.push({ method: 'toggleTool', args: [name, enabled] });
    return Promise.resolve({ seq: 12 });
  }
  decideTool(callId: string, approve: boolean): Promise<{ seq: number }> {
    this.calls.push({ method: 'decideTool', args: [callId, approve] });
    return Promise.resolve({ seq: 13 });
  }
  addMcpServer(server: unknown): Promise<{ seq: number }> {
    this.calls.push({ method: 'addMcpServer', args: [server] });
    return Promise.resolve({ seq: 14 });
  }
  removeMcpServer(name: string): Promise<{ seq: number }> {
    this.calls.push({ method: 'removeMcpServer', args: [name] });
    return Promise.resolve({ seq: 15 });
  }
  reconnectMcpServer(name: string): Promise<{ seq: number }> {
    this.calls.push({ method: 'reconnectMcpServer', args: [name] });
    return Promise.resolve({ seq: 16 });
  }
  approveMcpTools(tools: unknown): Promise<{ seq: number }> {
    this.calls.push({ method: 'approveMcpTools', args: [tools] });
    return Promise.resolve({ seq: 17 });
  }
  registerTool(spec: unknown): () => void {
    this.calls.push({ method: 'registerTool', args: [spec] });
    return () => this.calls.push({ method: 'unregisterTool', args: [spec] });
  }
  subscribeMetrics(): () => void {
    this.calls.push({ method: 'subscribeMetrics', args: [] });
    return () => this.calls.push({ method: 'unsubscribeMetrics', args: [] });
  }
  subscribeTap(filter: TapFilter, listener: (batch: TapBatch) => void): () => void {
    this.calls.push({ method: 'subscribeTap', args: [filter] });
    this.tapListeners.add(listener);
    return () => {
      this.tapListeners.delete(listener);
      this.calls.push({ method: 'unsubscribeTap', args: [] });
    };
  }
  /** Listeners of subscribeTap() still subscribed. */
  readonly tapListeners = new Set<(batch: TapBatch) => void>();
  /** Delivers a tap batch to the current listeners, as the server's would arrive. */
  tap(entries: TapBatch['entries'], extra: Partial<Omit<TapBatch, 'entries'>> = {}): void {
    const batch = { entries, sampled: false, dropped: 0, ...extra };
    for (const listener of [...this.tapListeners]) listener(batch);
  }
  /** The calls made so far to `method`, by their arguments. */
  argsOf(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }
  discard(messageId: string): void {
    this.calls.push({ method: 'discard', args: [messageId] });
  }
  typing(isTyping: boolean): void {
    this.calls.push({ method: 'typing', args: [isTyping] });
  }
  async loadOlder(): Promise<boolean> {
    this.calls.push({ method: 'loadOlder', args: [] });
    const page = this.olderPages.shift();
    if (page) this.$messages.set([...page, ...this.$messages.get()]);
    return this.olderPages.length > 0;
  }
  reconnect(): void {
    this.calls.push({ method: 'reconnect', args: [] });
  }
  transcript() {
    return this.$messages.get().filter((m) => !m.local);
  }
  close(): void {
    this.calls.push({ method: 'close', args: [] });
  }
}

let n = 0;
/** A message as the server would have it. */
export function message(
  text: string,
  extra: Partial<ClientMessage> & { kind?: 'user' | 'assistant'; authorId?: string } = {},
): ClientMessage {
  const { kind = 'user', authorId, ...rest } = extra;
  n++;
  return {
    id: `msg-${n}`,
    seq: n,
    author:
      kind === 'assistant'
        ? { kind, id: 'assistant', name: 'Assistant' }
        : {
            kind,
            id: authorId ?? 'u-other',
            name: authorId === 'u-me' ? 'Me' : 'Ada',
            role: 'member',
          },
    text,
    status: 'complete',
    createdAt: Date.now(),
    updatedAt: Date.now(),
    ...rest,
  };
}

/** A tool as the room lists it: enabled, available, for members, no approval. */
export function tool(name: string, extra: Partial<Tool> = {}): Tool {
  return {
    name,
    title: name,
    description: `The ${name} tool.`,
    inputSchema: { type: 'object', properties: {} },
    kind: 'builtin',
    enabled: true,
    available: true,
    timeoutMs: 10_000,
    requiresApproval: false,
    minRole: 'member',
    ...extra,
  };
}

let calls = 0;
/** A call as the room shows it: running, started by Ada, unless `extra` says otherwise. */
export function toolCall(name: string, extra: Partial<ToolCall> = {}): ToolCall {
  calls++;
  return {
    callId: `c-${calls}`,
    name,
    args: {},
    caller: { kind: 'user', id: 'u-other', name: 'Ada' },
    status: 'running',
    progressText: '',
    startedAt: 1_000_000 + calls * 1000,
    ...extra,
  };
}
