/**
 * Tools as providers want them. Room tool names are dotted (`time.now`) but OpenAI and Anthropic
 * accept only ^[a-zA-Z0-9_-]{1,64}$, so each request maps names one way for the request and back
 * for the calls the model makes. The mapping lives in the request, not in the encoding: `a.b` and a
 * tool really named `a_b` cannot both become `a_b`, the second gets a numbered suffix instead.
 */
import type { ContextMessage, ToolOffer } from './types.js';

const PROVIDER_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_NAME = 64;

export class ToolNames {
  private readonly toProvider = new Map<string, string>();
  private readonly toRoom = new Map<string, string>();

  /**
   * `names` are allocated in a fixed order (names already valid first, keeping themselves, then the
   * rest sorted) so every round of one reply maps them alike whatever order the room lists them in.
   */
  constructor(names: Iterable<string> = []) {
    const unique = [...new Set(names)].sort();
    for (const name of unique) if (PROVIDER_NAME.test(name)) this.provider(name);
    for (const name of unique) this.provider(name);
  }

  /** The tools and every tool named in the history of `messages`, offered tools first. */
  static for(tools: readonly ToolOffer[] | undefined, messages: readonly ContextMessage[]) {
    const names = new ToolNames(tools?.map((t) => t.name));
    // History may name tools no longer offered; they still need a name that is unique.
    for (const m of messages) {
      if (m.role === 'tool') names.provider(m.name);
      else for (const call of m.toolCalls ?? []) names.provider(call.name);
    }
    return names;
  }

  /** The provider's name for room tool `name`, allocated on first use. */
  provider(name: string): string {
    const known = this.toProvider.get(name);
    if (known) return known;
    const base = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, MAX_NAME) || 'tool';
    let candidate = base;
    for (let n = 2; this.toRoom.has(candidate); n++) {
      const suffix = `_${n}`;
      candidate = base.slice(0, MAX_NAME - suffix.length) + suffix;
    }
    this.toProvider.set(name, candidate);
    this.toRoom.set(candidate, name);
    return candidate;
  }

  /** The room name for a provider name; an unknown one passes through for the room to refuse. */
  room(providerName: string): string {
    return this.toRoom.get(providerName) ?? providerName;
  }
}

/**
 * A tool's JSON Schema as a provider's parameters: `$schema` dropped (the providers read their own
 * subset of JSON Schema, with no dialects), and `type: 'object'` supplied when missing since both
 * APIs require the arguments to be an object.
 */
export function providerSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...schema };
  delete out.$schema;
  return 'type' in out ? out : { type: 'object', ...out };
}
