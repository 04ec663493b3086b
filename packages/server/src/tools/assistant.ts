import { roleAtLeast, type Role, type User } from '@realstream/protocol';
import type { ToolOffer } from '../responders/types.js';
import type { ToolCalls } from './calls.js';
import type { ToolRegistry } from './registry.js';

/** Most characters of one tool result put back into the model's context. */
const MAX_RESULT_CHARS = 20_000;

export const ASSISTANT_CALLER = { kind: 'assistant', id: 'assistant', name: 'Assistant' } as const;

/** What a reply needs to let the model use the room's tools. */
export interface AssistantTools {
  /** The tools the model may call when answering someone with `role`. */
  offers(role: Role): ToolOffer[];
  /** Runs one call the model made, as a room call everyone sees; resolves with what to feed back. */
  run(req: {
    name: string;
    /** The arguments as the model wrote them (JSON text). */
    argumentsText: string;
    messageId: string;
    role: Role;
    /** The reply's: aborted when it is stopped. */
    signal: AbortSignal;
  }): Promise<{ content: string; isError: boolean }>;
  /** The reply was stopped: its calls are cancelled. */
  cancelFor(messageId: string, by: User): void;
}

export function assistantTools(registry: ToolRegistry, calls: ToolCalls): AssistantTools {
  return {
    offers: (role) =>
      registry
        .list()
        .filter((t) => t.enabled && t.available && roleAtLeast(role, t.minRole))
        .map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })),

    cancelFor: (messageId, by) => calls.cancelFor(messageId, by),

    async run({ name, argumentsText, messageId, role, signal }) {
      let args: unknown;
      try {
        args = JSON.parse(argumentsText.trim() || '{}');
      } catch (err) {
        return failure(
          'invalid_arguments',
          `the arguments are not JSON: ${(err as Error).message}`,
        );
      }
      const callId = `t-${crypto.randomUUID()}`;
      const started = await calls.start({
        callId,
        name,
        args,
        caller: { ...ASSISTANT_CALLER },
        role,
        messageId,
        signal,
      });
      // A refusal (bad arguments, unknown tool...) goes back to the model, which may correct itself.
      if (!started.ok) return failure(started.code, started.message);
      const call = await calls.outcome(callId);
      if (call?.status === 'done')
        return { content: clip(JSON.stringify(call.result ?? null)), isError: false };
      return failure(
        call?.error?.code ?? call?.status ?? 'internal',
        call?.error?.message ?? `the call ended: ${call?.status ?? 'unknown'}`,
      );
    },
  };
}

function failure(code: string, message: string) {
  return { content: JSON.stringify({ error: { code, message } }), isError: true };
}

function clip(text: string): string {
  return text.length <= MAX_RESULT_CHARS
    ? text
    : `${text.slice(0, MAX_RESULT_CHARS)}… [${text.length - MAX_RESULT_CHARS} more characters cut]`;
}
