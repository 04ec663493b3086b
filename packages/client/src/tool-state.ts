import type { McpServer, RoomEvent, Snapshot, Tool, ToolCall } from '@realstream/protocol';

/** Calls kept for the stores: the latest few hundred, plus every call still running. */
const MAX_CALLS = 300;
/** Progress text kept per call (the tail), like the server. */
const PROGRESS_CHARS = 8000;

type ToolEvent = Extract<RoomEvent, { type: `tool.${string}` | `mcp.${string}` }>;

/**
 * The room's tools, tool calls and MCP servers as this client knows them, from the snapshot and
 * then the `tool.*` and `mcp.*` events. Like messages, objects are replaced, never mutated, so
 * views compare by identity.
 */
export class ToolState {
  toolsChanged = false;
  callsChanged = false;
  serversChanged = false;
  private readonly byName = new Map<string, Tool>();
  private readonly servers = new Map<string, McpServer>();
  private calls: ToolCall[] = [];

  applySnapshot(snapshot: Snapshot): void {
    this.byName.clear();
    for (const t of snapshot.tools) this.byName.set(t.name, t);
    this.servers.clear();
    for (const s of snapshot.mcpServers) this.servers.set(s.name, s);
    this.calls = snapshot.calls.map((c) => ({ ...c }));
    this.toolsChanged = this.callsChanged = this.serversChanged = true;
  }

  /** Forgets the calls (the room was cleared); tools stay. */
  clearCalls(): void {
    if (!this.calls.length) return;
    this.calls = [];
    this.callsChanged = true;
  }

  apply(event: ToolEvent, at: number): void {
    switch (event.type) {
      case 'tool.updated':
        this.byName.set(event.tool.name, event.tool);
        this.toolsChanged = true;
        return;
      case 'tool.removed':
        if (this.byName.delete(event.name)) this.toolsChanged = true;
        return;
      case 'mcp.server.updated':
        this.servers.set(event.server.name, event.server);
        this.serversChanged = true;
        return;
      case 'mcp.server.removed':
        if (this.servers.delete(event.name)) this.serversChanged = true;
        return;
      case 'tool.call.started': {
        if (this.calls.some((c) => c.callId === event.call.callId)) return;
        this.calls.push({ ...event.call });
        if (this.calls.length > MAX_CALLS) {
          const i = this.calls.findIndex(
            (c) => c.status !== 'running' && c.status !== 'awaiting_approval',
          );
          this.calls.splice(i < 0 ? 0 : i, 1);
        }
        this.callsChanged = true;
        return;
      }
      case 'tool.call.approved':
        return this.update(event.callId, (c) => ({
          ...c,
          status: 'running',
          startedAt: at,
          decidedBy: event.by.name || event.by.id,
        }));
      case 'tool.call.progress':
        return this.update(event.callId, (c) =>
          c.status !== 'running'
            ? c
            : {
                ...c,
                progressText: (c.progressText + (event.text ?? '')).slice(-PROGRESS_CHARS),
                ...(event.percent !== undefined ? { percent: event.percent } : {}),
              },
        );
      case 'tool.call.ended':
        return this.update(event.callId, (c) => {
          const next: ToolCall = { ...c, status: event.status, endedAt: at };
          if (event.result !== undefined) next.result = event.result;
          if (event.error) next.error = event.error;
          if (event.status === 'denied' && event.by) next.decidedBy = event.by.name || event.by.id;
          return next;
        });
    }
  }

  tools(): Tool[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  mcpServers(): McpServer[] {
    return [...this.servers.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  callList(): ToolCall[] {
    return this.calls.slice();
  }

  call(callId: string): ToolCall | undefined {
    return this.calls.find((c) => c.callId === callId);
  }

  private update(callId: string, change: (c: ToolCall) => ToolCall): void {
    for (let i = this.calls.length - 1; i >= 0; i--) {
      if (this.calls[i].callId !== callId) continue;
      const next = change(this.calls[i]);
      if (next !== this.calls[i]) {
        this.calls[i] = next;
        this.callsChanged = true;
      }
      return;
    }
  }
}
