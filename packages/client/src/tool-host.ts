import type { ClientFrame, ServerFrame, ToolError, ToolSpec } from '@realstream/protocol';
import { makeId } from './ids.js';
import type { ToolHandler } from './types.js';

type RunFrame = Extract<ServerFrame, { type: 'tool.run' }>;
type AbortFrame = Extract<ServerFrame, { type: 'tool.abort' }>;

/**
 * Tools this client implements: registered with the room on every new connection (a registration
 * belongs to a connection), run when the room routes a call here, answered over the same socket.
 */
export class ToolHost {
  private readonly handlers = new Map<string, { spec: ToolSpec; handler: ToolHandler }>();
  private readonly running = new Map<string, AbortController>();

  /**
   * `wire` puts a frame on the socket when live (false otherwise); `tooLarge` says why a frame
   * would be too large for the room.
   */
  constructor(
    private readonly wire: (frame: ClientFrame) => boolean,
    private readonly tooLarge: (frame: ClientFrame) => string | null = () => null,
  ) {}

  register(spec: ToolSpec, handler: ToolHandler, live: boolean): () => void {
    this.handlers.set(spec.name, { spec, handler });
    if (live) this.announce(spec);
    return () => {
      if (this.handlers.get(spec.name)?.handler !== handler) return;
      this.handlers.delete(spec.name);
      this.wire({ type: 'tool.unregister', id: makeId('u'), name: spec.name });
    };
  }

  /** A new connection is live: it implements nothing until told again. */
  connected(): void {
    for (const { spec } of this.handlers.values()) this.announce(spec);
  }

  /** The link dropped: calls in progress cannot be answered any more; the room reroutes them. */
  disconnected(): void {
    for (const abort of this.running.values()) abort.abort(new Error('the link dropped'));
    this.running.clear();
  }

  async run(frame: RunFrame): Promise<void> {
    const { callId } = frame;
    const entry = this.handlers.get(frame.name);
    if (!entry) {
      this.wire({
        type: 'tool.result',
        callId,
        error: {
          code: 'tool_unavailable',
          message: `this client no longer implements ${frame.name}`,
        },
      });
      return;
    }
    const abort = new AbortController();
    this.running.set(callId, abort);
    try {
      const result = await entry.handler(frame.args, {
        callId,
        caller: frame.caller,
        signal: abort.signal,
        progress: (update) => {
          if (!abort.signal.aborted) this.wire({ type: 'tool.progress', callId, ...update });
        },
      });
      if (!abort.signal.aborted)
        this.answer({ type: 'tool.result', callId, result: result ?? null });
    } catch (err) {
      if (!abort.signal.aborted) this.wire({ type: 'tool.result', callId, error: toolError(err) });
    } finally {
      // A re-run of the same call (routed here again after a reconnect) may own the entry by now.
      if (this.running.get(callId) === abort) this.running.delete(callId);
    }
  }

  /** Sends a result, or, when it is too large for the room, an error that says so. */
  private answer(frame: Extract<ClientFrame, { type: 'tool.result' }>): void {
    const problem = this.tooLarge(frame);
    if (!problem) this.wire(frame);
    else
      this.wire({
        type: 'tool.result',
        callId: frame.callId,
        error: { code: 'too_large', message: `the result is too large: ${problem}` },
      });
  }

  abort(frame: AbortFrame): void {
    this.running.get(frame.callId)?.abort(new Error(`the call was ${frame.reason}`));
    this.running.delete(frame.callId);
  }

  private announce(spec: ToolSpec): void {
    this.wire({ type: 'tool.register', id: makeId('g'), tool: spec });
  }
}

function toolError(err: unknown): ToolError {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code =
    typeof e?.code === 'string' && /^[a-z_]{1,40}$/.test(e.code) ? e.code : 'tool_failed';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return { code, message: message.slice(0, 2000) };
}
