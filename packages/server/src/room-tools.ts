import type { Tool, ToolSpec, User } from '@realstream/protocol';
import type { Identity } from './auth.js';
import type { Outcome } from './command-ledger.js';
import type { EventLog } from './event-log.js';
import type { Logger } from './log.js';
import type { ToolCalls } from './tools/calls.js';
import { TOOLS_KEY, type Registrant, type ToolRegistry } from './tools/registry.js';

/**
 * The room's tool commands: calls by people, switches, and browsers registering the tools they
 * implement. Every registry change is logged as `tool.updated` and stored.
 */
export class RoomTools {
  constructor(
    private readonly log: EventLog,
    readonly registry: ToolRegistry,
    readonly calls: ToolCalls,
    private readonly logger: Logger,
  ) {}

  /** Starts a call by a person (WebSocket or REST); the command id is the call id. */
  async invoke(by: Identity, callId: string, name: string, args: unknown): Promise<Outcome> {
    const started = await this.calls.start({
      callId,
      name,
      args,
      caller: { kind: 'user', id: by.id, name: by.name },
      role: by.role,
    });
    return started.ok ? { seq: started.seq } : started;
  }

  /** Operator: switches a tool on or off (WebSocket or REST). */
  toggle(by: User, name: string, enabled: boolean): Outcome {
    if (!this.registry.get(name))
      return { code: 'not_found', message: `no tool ${name} in this room` };
    const changed = this.registry.setEnabled(name, enabled);
    if (changed) this.logger.info('tool switched', { tool: name, enabled, by: by.id });
    return { seq: this.changed(changed ? [changed] : [], by) };
  }

  /** A connection implements `spec` (see ToolRegistry.register for who may). */
  register(by: Registrant, spec: ToolSpec): Outcome {
    const registered = this.registry.register(by, spec);
    if (!registered.ok) return registered;
    const seq = this.changed(
      registered.changed ? [registered.changed] : [],
      undefined,
      registered.writes,
    );
    // A call left without its browser (it reconnected) goes to the new registration.
    this.calls.adopt(spec.name);
    return { seq };
  }

  /** `connId` stops implementing `name`, or everything when it left. */
  unregister(connId: string, name?: string): Promise<number> {
    const seq = this.changed(this.registry.unregister(connId, name));
    if (!name) this.calls.connectionGone(connId);
    return seq;
  }

  /**
   * Logs each changed tool as `tool.updated` and stores the registry; resolves with the seq of the
   * last event (or the current seq when nothing changed).
   */
  private changed(
    changed: Tool[],
    by?: User,
    writes: Record<string, unknown> = {},
  ): Promise<number> {
    let last: Promise<number> = Promise.resolve(this.log.seq);
    changed.forEach((tool, i) => {
      const { frame, sent } = this.log.append(() => ({
        event: { type: 'tool.updated', tool, ...(by ? { by } : {}) },
        // The registry is stored once, with the last of the changes.
        writes:
          i === changed.length - 1 ? { ...writes, [TOOLS_KEY]: this.registry.stored() } : undefined,
      }));
      last = sent.then(() => frame.seq);
    });
    return last;
  }
}
