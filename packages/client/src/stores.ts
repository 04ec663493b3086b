import { atom, batch } from 'nanostores';
import type { McpServer, RoomSettings, Tool, ToolCall, User } from '@realstream/protocol';
import type { RoomState } from './room-state.js';
import type { ClientEvent, ClientMessage, ClientStatus } from './types.js';

/**
 * The client's nanostores, and when they change. Streaming changes the room many times a second,
 * so room state is published at most once per tick: one array copy for all the deltas of a frame
 * or batch, one notification per listener (nanostores `batch`), however many stores changed.
 * Status and events are published at once: they are rare, and each event must be seen.
 */
export class Stores {
  readonly $status = atom<ClientStatus>({
    state: 'connecting',
    attempt: 0,
    lastSeq: 0,
    resumes: 0,
    snapshots: 0,
    devMode: false,
  });
  readonly $messages = atom<readonly ClientMessage[]>([]);
  readonly $presence = atom<readonly User[]>([]);
  readonly $typing = atom<readonly User[]>([]);
  readonly $watchers = atom<ReadonlyMap<string, readonly User[]>>(new Map());
  readonly $settings = atom<RoomSettings | null>(null);
  readonly $tools = atom<readonly Tool[]>([]);
  readonly $calls = atom<readonly ToolCall[]>([]);
  readonly $mcpServers = atom<readonly McpServer[]>([]);
  readonly $events = atom<ClientEvent | null>(null);
  private queued = false;

  constructor(private readonly state: RoomState) {}

  get status(): ClientStatus {
    return this.$status.get();
  }

  setStatus(patch: Partial<ClientStatus>): void {
    this.$status.set({ ...this.$status.get(), ...patch });
  }

  emit(event: ClientEvent): void {
    this.$events.set(event);
  }

  /** Room state changed: publish it at the end of this tick. */
  schedule(): void {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => this.flush());
  }

  /** Publishes room state now. */
  flush(): void {
    this.queued = false;
    const { state } = this;
    batch(() => {
      if (state.messagesChanged) {
        state.messagesChanged = false;
        this.$messages.set(state.messages());
      }
      if (state.presenceChanged) {
        state.presenceChanged = false;
        this.$presence.set(state.presence);
      }
      if (state.watchersChanged) {
        state.watchersChanged = false;
        this.$watchers.set(new Map(state.watchers));
      }
      if (state.settingsChanged) {
        state.settingsChanged = false;
        this.$settings.set(state.settings);
      }
      const { tools } = state;
      if (tools.toolsChanged) {
        tools.toolsChanged = false;
        this.$tools.set(tools.tools());
      }
      if (tools.callsChanged) {
        tools.callsChanged = false;
        this.$calls.set(tools.callList());
      }
      if (tools.serversChanged) {
        tools.serversChanged = false;
        this.$mcpServers.set(tools.mcpServers());
      }
      if (this.status.lastSeq !== state.lastSeq) this.setStatus({ lastSeq: state.lastSeq });
    });
  }
}
