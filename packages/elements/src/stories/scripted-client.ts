import { atom } from 'nanostores';
import type {
  ClientEvent,
  InvokeAck,
  ClientMessage,
  McpApproval,
  McpServer,
  McpServerSpec,
  ClientStats,
  ClientStatus,
  Message,
  RealstreamClient,
  RoomMetrics,
  RoomSettings,
  SendAck,
  Tool,
  ToolCall,
  ToolHandler,
  ToolSpec,
  User,
} from '@realstream/client';
import { demoTools } from './demo-tools.js';
import { ScriptedTools } from './scripted-tools.js';
import { ScriptedOps } from './scripted-ops.js';
import type { TapBatch, TapFilter } from '@realstream/client';

export { demoTools, storyCall } from './demo-tools.js';

/**
 * An in-memory `RealstreamClient` for stories (and anyone demoing the elements without a server):
 * nanostores atoms set directly, plus scripted timers that stream replies, acknowledge or refuse
 * sends, and walk the link through reconnects. Nothing here opens a socket.
 */

export const me: User = { id: 'u-me', name: 'Sam Rivera', role: 'member' };
export const ada: User = { id: 'u-ada', name: 'Ada Lovelace', role: 'operator' };
export const lin: User = { id: 'u-lin', name: 'Lin Wei', role: 'member' };

/** A fixed clock, so every story shows the same times. */
const T0 = Date.UTC(2026, 10, 24, 9, 30);

let next = 0;
/** A message as the server would have it; `by` is a user or 'assistant'. */
export function msg(
  by: User | 'assistant',
  text: string,
  extra: Partial<ClientMessage> = {},
): ClientMessage {
  next++;
  const at = T0 + next * 47_000;
  return {
    id: `story-${next}`,
    seq: next,
    author:
      by === 'assistant'
        ? { kind: 'assistant', id: 'assistant', name: 'Assistant' }
        : { kind: 'user', id: by.id, name: by.name, role: by.role },
    text,
    status: 'complete',
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
}

export interface ScriptedOptions {
  status?: Partial<ClientStatus>;
  messages?: ClientMessage[];
  presence?: User[];
  typing?: User[];
  /** What a send does: acknowledged and answered (default), refused, or never acknowledged. */
  sends?: 'answer' | 'refuse' | 'hang';
  /** The assistant's answer to a sent text. */
  reply?: (text: string) => string;
  /** Characters streamed per tick (every 40 ms). */
  charsPerTick?: number;
  /** Pages loadOlder() prepends, oldest page last. */
  olderPages?: ClientMessage[][];
  /** The room's tools; default the demo catalogue (time.now, math.evaluate, ...). */
  tools?: Tool[];
  /** Calls already in the room, oldest first. */
  calls?: ToolCall[];
  /** invokeTool() refuses with this typed error instead of running. */
  refuseInvoke?: { code: string; message: string };
  /** The room's MCP servers (their tools go in `tools`). */
  mcpServers?: McpServer[];
}

const TICK_MS = 40;

export class ScriptedClient implements RealstreamClient {
  readonly host = 'storybook.local';
  readonly party = 'main';
  readonly room: string;
  readonly $status = atom<ClientStatus>({
    state: 'live',
    attempt: 0,
    lastSeq: 0,
    resumes: 0,
    snapshots: 1,
    devMode: false,
    user: me,
    limits: { maxFrameBytes: 65_536, maxMessageChars: 4_000 },
  });
  readonly $messages = atom<readonly ClientMessage[]>([]);
  readonly $presence = atom<readonly User[]>([me]);
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
  /** Runs the tools: calls start, report progress and end on timers. */
  readonly tools = new ScriptedTools(this);
  /** Generates the operators' views: `$metrics` about once a second and tapped frames. */
  readonly ops = new ScriptedOps(this);
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly streams = new Map<string, ReturnType<typeof setInterval>>();
  private readonly opts: ScriptedOptions;
  private seq = 0;
  private ids = 0;

  constructor(room: string, opts: ScriptedOptions = {}) {
    this.room = room;
    this.opts = opts;
    const messages = opts.messages ?? [];
    this.seq = Math.max(0, ...messages.map((m) => m.seq));
    this.$messages.set(messages);
    this.status({ lastSeq: this.seq, ...opts.status });
    if (opts.presence) this.$presence.set(opts.presence);
    if (opts.typing) this.$typing.set(opts.typing);
    this.$tools.set(opts.tools ?? demoTools());
    this.$calls.set(opts.calls ?? []);
    this.$mcpServers.set(opts.mcpServers ?? []);
    this.tools.refuseWith = opts.refuseInvoke ?? null;
  }

  get stats(): ClientStats {
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

  /** Runs `fn` after `ms`, unless the client was closed first. */
  after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Streams `text` into the assistant message `id`, a few characters a tick, then completes it. */
  stream(id: string, text: string, opts: { hold?: boolean } = {}): void {
    const step = this.opts.charsPerTick ?? 6;
    const timer = setInterval(() => {
      const m = this.find(id);
      if (!m || m.status !== 'streaming') return this.endStream(id);
      const done = m.text.length + step >= text.length;
      if (done && opts.hold) return; // leave it streaming for ever (a stalled stream)
      this.patch(id, {
        text: text.slice(0, m.text.length + step),
        status: done ? 'complete' : 'streaming',
        seq: ++this.seq,
      });
      this.status({ lastSeq: this.seq });
      if (done) this.endStream(id);
    }, TICK_MS);
    this.streams.set(id, timer);
  }

  /** Adds an assistant reply to `replyTo` and streams `text` into it. */
  reply(replyTo: string | undefined, text: string, opts: { hold?: boolean } = {}): string {
    const m = msg('assistant', '', { status: 'streaming', replyTo, seq: ++this.seq });
    this.$messages.set([...this.$messages.get(), m]);
    this.stream(m.id, text, opts);
    return m.id;
  }

  /**
   * Adds an assistant reply to `replyTo` that reasons first, as a reasoning model does: `thought`
   * streams into its reasoning, then `text` into the reply. `hold` leaves it reasoning for ever.
   */
  replyAfterThought(
    replyTo: string | undefined,
    thought: string,
    text: string,
    opts: { hold?: boolean } = {},
  ): string {
    const startedAt = Date.now();
    const m = msg('assistant', '', {
      status: 'streaming',
      replyTo,
      seq: ++this.seq,
      reasoning: { text: '', startedAt },
    });
    this.$messages.set([...this.$messages.get(), m]);
    const step = this.opts.charsPerTick ?? 6;
    const timer = setInterval(() => {
      const r = this.find(m.id)?.reasoning;
      if (!r) return this.endStream(m.id);
      if (r.text.length < thought.length) {
        const next = thought.slice(0, r.text.length + step);
        this.patch(m.id, { reasoning: { ...r, text: next }, seq: ++this.seq });
      } else if (!opts.hold) {
        // The answer begins: the reasoning took this long.
        this.endStream(m.id);
        this.patch(m.id, { reasoning: { ...r, ms: Date.now() - startedAt } });
        this.stream(m.id, text);
      }
    }, TICK_MS);
    this.streams.set(m.id, timer);
    return m.id;
  }

  send(text: string): Promise<SendAck> {
    const id = `local-${++this.ids}`;
    const local: ClientMessage = {
      ...msg(me, text, { id, seq: 0, local: 'sending' }),
      createdAt: Date.now(),
      updatedAt: Date.now(),
    };
    this.$messages.set([...this.$messages.get(), local]);
    return this.deliver(id);
  }

  retry(messageId: string): Promise<SendAck> {
    this.patch(messageId, { local: 'sending', error: undefined });
    return this.deliver(messageId, 'answer');
  }

  stop(messageId: string): Promise<{ seq: number }> {
    this.endStream(messageId);
    this.patch(messageId, { status: 'stopped', seq: ++this.seq });
    return Promise.resolve({ seq: this.seq });
  }

  /** Answers the same question again, like the server: the old reply stays. */
  retryReply(messageId: string): Promise<{ seq: number }> {
    const old = this.find(messageId);
    const question = old?.replyTo ? this.find(old.replyTo) : undefined;
    const answer = this.opts.reply?.(question?.text ?? '') ?? defaultReply(question?.text ?? '');
    const id = this.reply(old?.replyTo, answer);
    this.patch(id, { retryOf: messageId });
    return Promise.resolve({ seq: this.seq });
  }

  clearRoom(): Promise<{ seq: number }> {
    for (const id of [...this.streams.keys()]) this.endStream(id);
    this.$messages.set([]);
    return Promise.resolve({ seq: ++this.seq });
  }

  configure(settings: Partial<RoomSettings>): Promise<{ seq: number }> {
    const current = this.$settings.get() ?? {
      responder: 'demo',
      systemPrompt: null,
      reasoning: 'everyone',
    };
    this.$settings.set({ ...current, ...settings } as RoomSettings);
    return Promise.resolve({ seq: ++this.seq });
  }

  watch(_messageId: string | null): void {}

  invokeTool(name: string, args: unknown): Promise<InvokeAck> {
    return this.tools.invoke(name, args);
  }

  waitForCall(callId: string): Promise<ToolCall> {
    return this.tools.waitFor(callId);
  }

  cancelTool(callId: string): Promise<{ seq: number }> {
    return this.tools.cancel(callId);
  }

  toggleTool(name: string, enabled: boolean): Promise<{ seq: number }> {
    return this.tools.toggle(name, enabled);
  }

  decideTool(callId: string, approve: boolean): Promise<{ seq: number }> {
    return this.tools.decide(callId, approve);
  }

  /** Adds the server as connecting; a story sets what it becomes. */
  addMcpServer(spec: McpServerSpec): Promise<{ seq: number }> {
    const server: McpServer = {
      name: spec.name,
      title: spec.title ?? spec.name,
      url: spec.url.split('?')[0],
      state: 'connecting',
      tools: [],
      attempts: 0,
      source: 'room',
      addedBy: this.$status.get().user,
    };
    this.$mcpServers.set([...this.$mcpServers.get(), server]);
    return Promise.resolve({ seq: ++this.seq });
  }

  removeMcpServer(name: string): Promise<{ seq: number }> {
    this.$mcpServers.set(this.$mcpServers.get().filter((s) => s.name !== name));
    this.$tools.set(this.$tools.get().filter((t) => t.server !== name));
    return Promise.resolve({ seq: ++this.seq });
  }

  reconnectMcpServer(name: string): Promise<{ seq: number }> {
    this.$mcpServers.set(
      this.$mcpServers
        .get()
        .map((s) => (s.name === name ? { ...s, state: 'connecting', error: undefined } : s)),
    );
    return Promise.resolve({ seq: ++this.seq });
  }

  approveMcpTools(approvals: McpApproval[]): Promise<{ seq: number }> {
    const ok = new Map(approvals.map((a) => [a.name, a.description]));
    this.$tools.set(
      this.$tools
        .get()
        .map((t) =>
          t.descriptionPending && ok.get(t.name) === t.description
            ? { ...t, descriptionPending: false, approvedDescription: undefined }
            : t,
        ),
    );
    return Promise.resolve({ seq: ++this.seq });
  }

  registerTool(spec: ToolSpec, handler: ToolHandler): () => void {
    return this.tools.register(spec, handler);
  }

  subscribeMetrics(): () => void {
    return this.ops.subscribeMetrics();
  }

  subscribeTap(filter: TapFilter, listener: (batch: TapBatch) => void): () => void {
    return this.ops.subscribeTap(filter, listener);
  }

  discard(messageId: string): void {
    this.$messages.set(this.$messages.get().filter((m) => m.id !== messageId));
  }

  typing(_isTyping: boolean): void {}

  async loadOlder(): Promise<boolean> {
    const pages = this.opts.olderPages ?? [];
    const page = pages.shift();
    if (page) {
      await new Promise((r) => this.after(400, () => r(undefined)));
      this.$messages.set([...page, ...this.$messages.get()]);
    }
    return pages.length > 0;
  }

  reconnect(): void {
    this.status({ state: 'connecting', attempt: 1, reason: undefined });
    this.after(600, () =>
      this.status({ state: 'live', attempt: 0, resumes: this.$status.get().resumes + 1 }),
    );
  }

  transcript(): Message[] {
    return this.$messages.get().filter((m) => !m.local);
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    for (const id of [...this.streams.keys()]) this.endStream(id);
    this.timers.clear();
  }

  private deliver(id: string, mode = this.opts.sends ?? 'answer'): Promise<SendAck> {
    if (mode === 'hang') return new Promise(() => {});
    return new Promise((resolve, reject) => {
      this.after(350, () => {
        if (mode === 'refuse') {
          const error = { code: 'rate_limited', message: 'Too many messages; wait a moment.' };
          this.patch(id, { local: 'failed', error });
          return reject(Object.assign(new Error(error.message), error));
        }
        const m = this.find(id);
        const seq = ++this.seq;
        this.patch(id, { local: undefined, seq });
        this.status({ lastSeq: seq });
        resolve({ seq, messageId: id, duplicate: false });
        const answer = this.opts.reply?.(m?.text ?? '') ?? defaultReply(m?.text ?? '');
        this.after(300, () => this.reply(id, answer));
      });
    });
  }

  private find(id: string): ClientMessage | undefined {
    return this.$messages.get().find((m) => m.id === id);
  }

  private patch(id: string, patch: Partial<ClientMessage>): void {
    this.$messages.set(
      this.$messages
        .get()
        .map((m) => (m.id === id ? { ...m, ...patch, updatedAt: Date.now() } : m)),
    );
  }

  private endStream(id: string): void {
    clearInterval(this.streams.get(id));
    this.streams.delete(id);
  }
}

function defaultReply(text: string): string {
  return (
    `You said: *${text.replace(/[*_`]/g, '')}*.\n\n` +
    'This reply comes from a **scripted client** in the browser: no server, no socket. It streams ' +
    'a few characters every 40 ms, like a model would:\n\n' +
    '1. the message is acknowledged,\n2. a reply starts streaming,\n3. it completes.\n'
  );
}
