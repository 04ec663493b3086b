import { Validator, type OutputUnit } from '@cfworker/json-schema';
import type { Tool, ToolSpec } from '@realstream/protocol';
import type { ServerTool } from './types.js';
import { checkSchema } from './webhook-schema.js';

/** Storage key of the registry: operators' switches and the client tools seen so far. */
export const TOOLS_KEY = 'tools';

export interface StoredTools {
  enabled: Record<string, boolean>;
  /** Client tools, remembered so the console lists them (unavailable) after a restart. */
  client: Record<string, ToolSpec>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

interface Entry {
  tool: Tool;
  /** How a builtin or webhook tool runs; absent for client tools. */
  server?: ServerTool;
  /** Connections implementing a client tool, in registration order. */
  implementers: string[];
  input: Validator;
  output?: Validator;
}

export type Registration =
  | { ok: true; changed: Tool | null }
  | { ok: false; code: 'conflict' | 'invalid_frame'; message: string };

/**
 * The room's tools: built-in and webhook tools from the deployment, client tools registered by
 * live connections, and which are switched on. Every change returns the tool's new state, for
 * the caller to log as `tool.updated`.
 */
export class ToolRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(serverTools: ServerTool[], stored: StoredTools | undefined) {
    for (const t of serverTools) {
      this.entries.set(t.name, {
        tool: {
          name: t.name,
          title: t.title,
          description: t.description,
          inputSchema: t.inputSchema,
          ...(t.outputSchema ? { outputSchema: t.outputSchema } : {}),
          kind: t.kind ?? 'builtin',
          enabled: stored?.enabled[t.name] ?? t.enabledByDefault,
          available: true,
          timeoutMs: t.timeoutMs,
          requiresApproval: t.requiresApproval,
          minRole: t.minRole,
        },
        server: t,
        implementers: [],
        input: new Validator(t.inputSchema, '2020-12'),
      });
    }
    for (const spec of Object.values(stored?.client ?? {})) {
      if (this.entries.has(spec.name)) continue;
      const entry = clientEntry(spec, stored?.enabled[spec.name] ?? true);
      entry.tool.available = false;
      this.entries.set(spec.name, entry);
    }
  }

  list(): Tool[] {
    return [...this.entries.values()]
      .map((e) => ({ ...e.tool }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): Entry | undefined {
    return this.entries.get(name);
  }

  /** What to store after a change. */
  stored(): StoredTools {
    const enabled: Record<string, boolean> = {};
    const client: Record<string, ToolSpec> = {};
    for (const [name, e] of this.entries) {
      enabled[name] = e.tool.enabled;
      if (e.tool.kind === 'client') client[name] = specOf(e.tool);
    }
    return { enabled, client };
  }

  setEnabled(name: string, enabled: boolean): Tool | null {
    const e = this.entries.get(name);
    if (!e || e.tool.enabled === enabled) return null;
    e.tool = { ...e.tool, enabled };
    return { ...e.tool };
  }

  /** Connection `connId` implements `spec`. A server tool's name cannot be taken over. */
  register(connId: string, spec: ToolSpec): Registration {
    const e = this.entries.get(spec.name);
    if (e?.server) {
      return {
        ok: false,
        code: 'conflict',
        message: `${spec.name} is a ${e.tool.kind} tool of this server; choose another name`,
      };
    }
    for (const [field, schema] of [
      ['inputSchema', spec.inputSchema],
      ['outputSchema', spec.outputSchema],
    ] as const) {
      if (schema === undefined) continue;
      const checked = checkSchema(schema);
      if (typeof checked === 'string')
        return { ok: false, code: 'invalid_frame', message: `tool.${field}: ${checked}` };
    }
    if (!e) {
      const entry = clientEntry(spec, true);
      entry.implementers.push(connId);
      this.entries.set(spec.name, entry);
      return { ok: true, changed: { ...entry.tool } };
    }
    if (!e.implementers.includes(connId)) e.implementers.push(connId);
    const fresh = clientEntry(spec, e.tool.enabled);
    const before = JSON.stringify(e.tool);
    // The latest registration describes the tool: implementers of one name agree, or the newest wins.
    Object.assign(e, { tool: fresh.tool, input: fresh.input, output: fresh.output });
    return { ok: true, changed: JSON.stringify(e.tool) === before ? null : { ...e.tool } };
  }

  /** `connId` no longer implements `name` (or anything, when `name` is omitted). */
  unregister(connId: string, name?: string): Tool[] {
    const changed: Tool[] = [];
    for (const e of name ? [this.entries.get(name)].filter(Boolean) : this.entries.values()) {
      const entry = e as Entry;
      const i = entry.implementers.indexOf(connId);
      if (i < 0) continue;
      entry.implementers.splice(i, 1);
      if (entry.implementers.length === 0 && entry.tool.available) {
        entry.tool = { ...entry.tool, available: false };
        changed.push({ ...entry.tool });
      }
    }
    return changed;
  }

  /** The first problem with `args` for tool `name`, as "field: message", or null when valid. */
  argsProblem(name: string, args: unknown): string | null {
    const e = this.entries.get(name);
    return e ? problem(e.input, args) : `no tool ${name}`;
  }

  /** The first problem with a client tool's result against its output schema, or null. */
  resultProblem(name: string, result: unknown): string | null {
    const output = this.entries.get(name)?.output;
    return output ? problem(output, result) : null;
  }
}

function clientEntry(spec: ToolSpec, enabled: boolean): Entry {
  return {
    tool: {
      name: spec.name,
      title: spec.title ?? spec.name,
      description: spec.description,
      inputSchema: spec.inputSchema,
      ...(spec.outputSchema ? { outputSchema: spec.outputSchema } : {}),
      kind: 'client',
      enabled,
      available: true,
      timeoutMs: spec.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      requiresApproval: spec.requiresApproval ?? false,
      minRole: spec.minRole ?? 'member',
    },
    implementers: [],
    input: new Validator(spec.inputSchema, '2020-12'),
    output: spec.outputSchema ? new Validator(spec.outputSchema, '2020-12') : undefined,
  };
}

function specOf(tool: Tool): ToolSpec {
  const { name, title, description, inputSchema, outputSchema, timeoutMs, requiresApproval } = tool;
  return {
    name,
    title,
    description,
    inputSchema,
    ...(outputSchema ? { outputSchema } : {}),
    timeoutMs,
    requiresApproval,
    minRole: tool.minRole,
  };
}

/**
 * The most specific validation error, as "path: message" with a JSON-pointer-ish path a person can
 * read (`items/0/name`), or null when `value` is valid.
 */
function problem(validator: Validator, value: unknown): string | null {
  const result = validator.validate(value);
  if (result.valid) return null;
  const errors = result.errors.filter((e) => e.keyword !== 'properties' && e.keyword !== 'items');
  const first = deepest(errors.length ? errors : result.errors);
  const at = first.instanceLocation.replace(/^#\/?/, '') || '(arguments)';
  return `${at}: ${first.error}`;
}

function deepest(errors: OutputUnit[]): OutputUnit {
  return errors.reduce((best, e) =>
    e.instanceLocation.length > best.instanceLocation.length ? e : best,
  );
}
