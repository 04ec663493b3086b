import type { WritableAtom } from 'nanostores';
import { ENDED, script, type Outcome } from './demo-tools.js';
import type {
  ClientStatus,
  InvokeAck,
  Tool,
  ToolCall,
  ToolHandler,
  ToolSpec,
} from '@realstream/client';

const TICK_MS = 350;

interface Host {
  readonly $tools: WritableAtom<readonly Tool[]>;
  readonly $calls: WritableAtom<readonly ToolCall[]>;
  readonly $status: WritableAtom<ClientStatus>;
  after(ms: number, fn: () => void): void;
}

const ROLES = ['viewer', 'member', 'operator'];
const refuse = (code: string, message: string) =>
  Promise.reject(Object.assign(new Error(message), { code, message }));

/**
 * The tool half of the scripted client: calls start, report a progress line a tick, and end with
 * what demo-tools.ts computes, with the same refusals as the room.
 */
export class ScriptedTools {
  private ids = 0;
  private readonly handlers = new Map<string, ToolHandler>();

  constructor(private readonly host: Host) {}

  /** A typed refusal for the next invokes (a story of an error), or null. */
  refuseWith: { code: string; message: string } | null = null;

  invoke(name: string, args: unknown): Promise<InvokeAck> {
    const tool = this.host.$tools.get().find((t) => t.name === name);
    const user = this.host.$status.get().user;
    if (this.refuseWith) return refuse(this.refuseWith.code, this.refuseWith.message);
    if (!tool) return refuse('not_found', `There is no tool "${name}" in this room.`);
    if (!tool.enabled) return refuse('tool_disabled', `${name} is switched off in this room.`);
    if (!tool.available) {
      return refuse('tool_unavailable', `No browser that implements ${name} is connected.`);
    }
    if (!user || ROLES.indexOf(user.role) < ROLES.indexOf(tool.minRole)) {
      return refuse('forbidden', `${name} needs the ${tool.minRole} role.`);
    }
    const call: ToolCall = {
      callId: `scripted-call-${++this.ids}`,
      name,
      args,
      caller: { kind: 'user', id: user.id, name: user.name },
      status: 'running',
      progressText: '',
      startedAt: Date.now(),
    };
    this.host.$calls.set([...this.host.$calls.get(), call]);
    this.simulate(call.callId);
    return Promise.resolve({ callId: call.callId, seq: this.ids, duplicate: false });
  }

  /** Adds a call (an assistant's, say) and runs it unless it awaits approval or has ended. */
  start(call: ToolCall, opts: { hold?: boolean } = {}): void {
    this.host.$calls.set([...this.host.$calls.get(), call]);
    if (call.status === 'running') this.simulate(call.callId, opts);
  }

  /**
   * Runs call `callId`: a progress line every tick, then its outcome. `hold` leaves it running
   * after the last line (a story that must stay mid-call).
   */
  simulate(callId: string, opts: { hold?: boolean } = {}): void {
    const call = this.find(callId);
    if (!call) return;
    const handler = this.handlers.get(call.name);
    if (handler) return void this.runHandler(call, handler);
    const { steps, end } = script(call.name, (call.args ?? {}) as Record<string, unknown>);
    steps.forEach((step, k) =>
      this.host.after(TICK_MS * (k + 1), () => {
        const now = this.find(callId);
        if (now?.status !== 'running') return;
        this.patch(callId, {
          progressText: now.progressText + step + '…\n',
          percent: Math.round(((k + 1) / (steps.length + 1)) * 100),
        });
      }),
    );
    if (opts.hold) return;
    const took = TICK_MS * (steps.length + 1);
    this.host.after(took, () => this.end(callId, end, undefined, call.startedAt + took));
  }

  waitFor(callId: string): Promise<ToolCall> {
    return new Promise((resolve) => {
      const off = this.host.$calls.subscribe((calls) => {
        const call = calls.find((c) => c.callId === callId);
        if (call && ENDED.includes(call.status)) {
          queueMicrotask(() => off());
          resolve(call);
        }
      });
    });
  }

  cancel(callId: string): Promise<{ seq: number }> {
    const call = this.find(callId);
    if (!call || ENDED.includes(call.status)) return refuse('not_found', 'That call has ended.');
    this.end(callId, { error: { code: 'cancelled', message: 'Cancelled by you.' } }, 'cancelled');
    return Promise.resolve({ seq: ++this.ids });
  }

  toggle(name: string, enabled: boolean): Promise<{ seq: number }> {
    if (this.host.$status.get().user?.role !== 'operator') {
      return refuse('forbidden', 'Only operators can switch tools on or off.');
    }
    this.host.$tools.set(
      this.host.$tools.get().map((t) => (t.name === name ? { ...t, enabled } : t)),
    );
    return Promise.resolve({ seq: ++this.ids });
  }

  decide(callId: string, approve: boolean): Promise<{ seq: number }> {
    const user = this.host.$status.get().user;
    if (user?.role !== 'operator') return refuse('forbidden', 'Only operators decide.');
    if (this.find(callId)?.status !== 'awaiting_approval') {
      return refuse('not_found', 'That call is not waiting for approval.');
    }
    if (approve) {
      this.patch(callId, { status: 'running', decidedBy: user.name });
      this.simulate(callId);
    } else {
      this.patch(callId, { decidedBy: user.name });
      this.end(callId, { error: { code: 'denied', message: `Denied by ${user.name}.` } }, 'denied');
    }
    return Promise.resolve({ seq: ++this.ids });
  }

  register(spec: ToolSpec, handler: ToolHandler): () => void {
    const tool: Tool = {
      title: spec.name,
      timeoutMs: 30_000,
      requiresApproval: false,
      minRole: 'member',
      ...spec,
      kind: 'client',
      enabled: true,
      available: true,
    };
    const others = this.host.$tools.get().filter((t) => t.name !== spec.name);
    this.host.$tools.set([...others, tool].sort((a, b) => a.name.localeCompare(b.name)));
    this.handlers.set(spec.name, handler);
    return () => {
      this.handlers.delete(spec.name);
      this.host.$tools.set(
        this.host.$tools.get().map((t) => (t.name === spec.name ? { ...t, available: false } : t)),
      );
    };
  }

  private async runHandler(call: ToolCall, handler: ToolHandler): Promise<void> {
    const abort = new AbortController();
    try {
      const result = await handler(call.args, {
        callId: call.callId,
        caller: call.caller,
        signal: abort.signal,
        progress: (p) =>
          this.patch(call.callId, {
            progressText: (this.find(call.callId)?.progressText ?? '') + (p.text ?? ''),
            ...(p.percent === undefined ? {} : { percent: p.percent }),
          }),
      });
      this.end(call.callId, { result });
    } catch (e) {
      const err = e as { code?: string; message?: string };
      this.end(call.callId, {
        error: { code: err.code ?? 'tool_failed', message: err.message ?? String(e) },
      });
    }
  }

  private end(callId: string, outcome: Outcome, status?: ToolCall['status'], at?: number): void {
    const call = this.find(callId);
    if (!call || ENDED.includes(call.status)) return;
    this.patch(callId, {
      ...outcome,
      status: status ?? (outcome.error ? 'error' : 'done'),
      endedAt: at ?? Math.max(Date.now(), call.startedAt),
    });
  }

  private find(id: string): ToolCall | undefined {
    return this.host.$calls.get().find((c) => c.callId === id);
  }

  private patch(id: string, patch: Partial<ToolCall>): void {
    this.host.$calls.set(
      this.host.$calls.get().map((c) => (c.callId === id ? { ...c, ...patch } : c)),
    );
  }
}
