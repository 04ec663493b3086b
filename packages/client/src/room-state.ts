import type { EventFrame, Message, RoomSettings, Snapshot, User } from '@realstream/protocol';
import { ToolState } from './tool-state.js';
import type { ClientMessage } from './types.js';

/**
 * Applies a delta that starts at `offset` to `text`. Idempotent: only the part beyond what we have
 * is appended, so a replayed delta changes nothing. Returns null when the delta starts past the end
 * of our text: we missed something, and must not guess.
 */
export function applyDelta(text: string, offset: number, piece: string): string | null {
  if (offset > text.length) return null;
  const end = offset + piece.length;
  if (end <= text.length) return text;
  return text + piece.slice(text.length - offset);
}

export type Gap = { kind: 'seq' | 'offset' | 'unknown-message'; detail: string };
export type ApplyResult = 'applied' | 'duplicate' | Gap;

/**
 * The room as this client knows it: messages in seq order, presence, and the last applied seq.
 * Plain data and no I/O, so the exactly-once rules are tested without a server.
 *
 * Message objects are replaced, never mutated, so renderers can skip unchanged ones by identity.
 * The lists themselves are mutated in place; `messages()` hands out a copy once per publish.
 */
export class RoomState {
  lastSeq = 0;
  /** Older history exists (from the snapshot, then from each page). */
  hasMore = false;
  /**
   * The history cursor: `before` for the next older page. Not simply our oldest message: a
   * snapshot also carries replies still streaming, which may be older than its page.
   */
  cursor: number | null = null;
  /** Bumped on every snapshot, so a history page fetched before one can be discarded. */
  generation = 0;
  messagesChanged = false;
  presenceChanged = false;
  watchersChanged = false;
  settingsChanged = false;
  /** The room's settings, from the snapshot and then `room.configured`; null before any. */
  settings: RoomSettings | null = null;
  /** Who watches each streaming reply (ephemeral: from `watchers` frames, never replayed). */
  readonly watchers = new Map<string, User[]>();
  readonly tools = new ToolState();
  /** Server messages, ordered by seq. */
  private confirmed: ClientMessage[] = [];
  /** Local messages (sending or failed), in send order, shown after the server's. */
  private local: ClientMessage[] = [];
  private readonly users = new Map<string, User>();
  private readonly streamingIds = new Set<string>();

  /**
   * `keep`: at most this many settled server messages stay in memory, the latest; older ones stay
   * on the server and `loadOlder()` pages them back in. Streaming replies are always kept, so their
   * deltas still apply.
   */
  constructor(private readonly keep = Infinity) {}

  /** Replaces everything the snapshot covers; local messages it does not know stay. */
  applySnapshot(snapshot: Snapshot): void {
    this.confirmed = snapshot.messages.map((m) => ({ ...m }));
    const ids = new Set(this.confirmed.map((m) => m.id));
    this.local = this.local.filter((m) => !ids.has(m.id));
    this.users.clear();
    for (const u of snapshot.presence) this.users.set(u.id, u);
    this.lastSeq = snapshot.seq;
    this.hasMore = snapshot.hasMore;
    this.cursor = snapshot.before;
    this.generation++;
    this.recountStreaming();
    this.settings = { ...snapshot.settings };
    this.tools.applySnapshot(snapshot);
    this.trim();
    for (const id of this.watchers.keys()) if (!this.streamingIds.has(id)) this.watchers.delete(id);
    this.messagesChanged =
      this.presenceChanged =
      this.settingsChanged =
      this.watchersChanged =
        true;
  }

  /** A `watchers` notice: who watches reply `messageId` now. */
  setWatchers(messageId: string, users: User[]): void {
    if (users.length && this.streamingIds.has(messageId)) this.watchers.set(messageId, users);
    else if (!this.watchers.delete(messageId)) return;
    this.watchersChanged = true;
  }

  /** Applies one event exactly once and in order, or reports the gap that stops it. */
  apply(frame: EventFrame): ApplyResult {
    if (frame.seq <= this.lastSeq) return 'duplicate';
    if (frame.seq !== this.lastSeq + 1) {
      return { kind: 'seq', detail: `expected seq ${this.lastSeq + 1}, got ${frame.seq}` };
    }
    const gap = this.applyEvent(frame);
    if (gap) return gap;
    this.lastSeq = frame.seq;
    if (this.confirmed.length > this.keep) this.trim();
    return 'applied';
  }

  private applyEvent({ event, at }: EventFrame): Gap | null {
    switch (event.type) {
      case 'message.created':
        this.upsert({ ...event.message });
        return null;
      case 'message.delta': {
        const i = this.indexOf(event.messageId);
        if (i < 0)
          return { kind: 'unknown-message', detail: `delta for unknown ${event.messageId}` };
        const m = this.confirmed[i];
        // A final text is final: a stray delta after completion must not change it.
        if (m.status !== 'streaming') return null;
        if (event.part === 'reasoning') return this.applyReasoning(i, m, event, at);
        const text = applyDelta(m.text, event.offset, event.text);
        if (text === null) {
          return {
            kind: 'offset',
            detail: `delta of ${m.id} at ${event.offset}, text has ${m.text.length}`,
          };
        }
        if (text === m.text) return null;
        const next: ClientMessage = { ...m, text, updatedAt: at };
        // The answer began: the reasoning before it took this long (the completion says exactly).
        if (m.reasoning && m.reasoning.ms === undefined) {
          next.reasoning = { ...m.reasoning, ms: Math.max(0, at - m.reasoning.startedAt) };
        }
        this.replaceAt(i, next);
        return null;
      }
      case 'message.completed': {
        const i = this.indexOf(event.messageId);
        // Not in our window (older than the latest page): nothing shown changes.
        if (i < 0) return null;
        const next: ClientMessage = {
          ...this.confirmed[i],
          text: event.text,
          status: event.status,
          updatedAt: at,
        };
        if (event.usage) next.usage = event.usage;
        if (event.reasoning) next.reasoning = event.reasoning;
        this.replaceAt(i, next);
        return null;
      }
      case 'message.failed': {
        const i = this.indexOf(event.messageId);
        if (i < 0) return null;
        const m = this.confirmed[i];
        const next: ClientMessage = {
          ...m,
          text: event.text,
          status: 'failed',
          error: event.error,
          updatedAt: at,
        };
        if (event.reasoning) next.reasoning = event.reasoning;
        this.replaceAt(i, next);
        return null;
      }
      case 'presence.joined':
        this.users.set(event.user.id, event.user);
        this.presenceChanged = true;
        return null;
      case 'presence.left':
        if (this.users.delete(event.userId)) this.presenceChanged = true;
        return null;
      case 'room.cleared':
        this.confirmed = [];
        this.streamingIds.clear();
        this.hasMore = false;
        this.cursor = null;
        // A history page requested before the clear must not bring cleared messages back.
        this.generation++;
        this.messagesChanged = true;
        if (this.watchers.size) {
          this.watchers.clear();
          this.watchersChanged = true;
        }
        this.tools.clearCalls();
        return null;
      case 'room.configured':
        this.settings = { ...event.settings };
        this.settingsChanged = true;
        return null;
      case 'tool.updated':
      case 'tool.removed':
      case 'mcp.server.updated':
      case 'mcp.server.removed':
      case 'tool.call.started':
      case 'tool.call.approved':
      case 'tool.call.progress':
      case 'tool.call.ended':
        this.tools.apply(event, at);
        return null;
    }
  }

  /**
   * A reasoning delta: appended to the reply's reasoning like text to its text (idempotent, a hole
   * is a gap). A withheld one only says the model is reasoning. While the model reasons `ms` is
   * unset; the next text delta sets it.
   */
  private applyReasoning(
    i: number,
    m: ClientMessage,
    event: Extract<EventFrame['event'], { type: 'message.delta' }>,
    at: number,
  ): Gap | null {
    const before = m.reasoning;
    const { ms: _spell, ...reasoning } = before ?? { text: '', startedAt: at };
    if (event.withheld) {
      if (before?.withheld && before.ms === undefined) return null;
      this.replaceAt(i, { ...m, reasoning: { ...reasoning, withheld: true }, updatedAt: at });
      return null;
    }
    const text = applyDelta(reasoning.text, event.offset, event.text);
    if (text === null) {
      return {
        kind: 'offset',
        detail: `reasoning delta of ${m.id} at ${event.offset}, reasoning has ${reasoning.text.length}`,
      };
    }
    if (text === before?.text && before.ms === undefined) return null;
    this.replaceAt(i, { ...m, reasoning: { ...reasoning, text }, updatedAt: at });
    return null;
  }

  /** Adds a server message, or replaces the one with its id (a created event is idempotent). */
  private upsert(message: ClientMessage): void {
    const li = this.local.findIndex((m) => m.id === message.id);
    if (li >= 0) this.local.splice(li, 1);
    const i = this.indexOf(message.id);
    if (i >= 0) {
      this.replaceAt(i, message);
      return;
    }
    // New messages have the highest seq; the search only matters for out-of-order history.
    let at = this.confirmed.length;
    while (at > 0 && this.confirmed[at - 1].seq > message.seq) at--;
    this.confirmed.splice(at, 0, message);
    if (message.status === 'streaming') this.streamingIds.add(message.id);
    this.messagesChanged = true;
  }

  /** Drops the oldest settled messages beyond `keep`, and points the history cursor past them. */
  private trim(): void {
    let excess = this.confirmed.length - this.keep;
    if (excess <= 0) return;
    let lastDropped = -1;
    this.confirmed = this.confirmed.filter((m) => {
      if (excess <= 0 || m.status === 'streaming') return true;
      excess--;
      lastDropped = m.seq;
      return false;
    });
    if (lastDropped < 0) return;
    // The next older page starts with the newest message dropped; any kept older streaming reply
    // it also brings is skipped by prepend().
    this.cursor = lastDropped + 1;
    this.hasMore = true;
    this.messagesChanged = true;
  }

  private replaceAt(i: number, message: ClientMessage): void {
    this.confirmed[i] = message;
    if (message.status === 'streaming') this.streamingIds.add(message.id);
    else {
      this.streamingIds.delete(message.id);
      if (this.watchers.delete(message.id)) this.watchersChanged = true;
    }
    this.messagesChanged = true;
  }

  /** Streaming messages are near the end, so search from there. */
  private indexOf(id: string): number {
    for (let i = this.confirmed.length - 1; i >= 0; i--) if (this.confirmed[i].id === id) return i;
    return -1;
  }

  private recountStreaming(): void {
    this.streamingIds.clear();
    for (const m of this.confirmed) if (m.status === 'streaming') this.streamingIds.add(m.id);
  }

  /**
   * Merges an older page of history in seq order, skipping messages we already have (ours are
   * fresher: a streaming reply older than the snapshot page is live here). `nextBefore` is the
   * page's cursor for the one before it, null at the beginning of the room.
   */
  prepend(page: Message[], nextBefore: number | null): number {
    const known = new Set(this.confirmed.map((m) => m.id));
    const older = page.filter((m) => !known.has(m.id)).map((m) => ({ ...m }));
    if (older.length) {
      // Stable sort of two seq-ordered runs: cheap, and pages are rare.
      this.confirmed = older.concat(this.confirmed).sort((a, b) => a.seq - b.seq);
      this.recountStreaming();
      this.messagesChanged = true;
    }
    this.cursor = nextBefore;
    this.hasMore = nextBefore !== null;
    return older.length;
  }

  get streaming(): boolean {
    return this.streamingIds.size > 0;
  }

  get presence(): User[] {
    return [...this.users.values()];
  }

  /** Shows a message that is not (yet) the server's. */
  addLocal(message: ClientMessage): void {
    this.local.push(message);
    this.messagesChanged = true;
  }

  getLocal(id: string): ClientMessage | undefined {
    return this.local.find((m) => m.id === id);
  }

  updateLocal(id: string, patch: Partial<ClientMessage>): void {
    const i = this.local.findIndex((m) => m.id === id);
    if (i < 0) return;
    const next = { ...this.local[i], ...patch };
    if (patch.error === undefined && 'error' in patch) delete next.error;
    this.local[i] = next;
    this.messagesChanged = true;
  }

  removeLocal(id: string): void {
    const i = this.local.findIndex((m) => m.id === id);
    if (i < 0) return;
    this.local.splice(i, 1);
    this.messagesChanged = true;
  }

  hasMessage(id: string): boolean {
    return this.indexOf(id) >= 0;
  }

  /** A fresh array for the store: the one copy per publish. */
  messages(): ClientMessage[] {
    return this.local.length ? this.confirmed.concat(this.local) : this.confirmed.slice();
  }

  /** The server's messages without local state. */
  transcript(): Message[] {
    return this.confirmed.map(({ local: _local, ...m }) => m);
  }
}
