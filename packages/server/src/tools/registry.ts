import { Validator, type OutputUnit } from '@cfworker/json-schema';
import {
  depthProblem,
  roleAtLeast,
  type Role,
  type Tool,
  type ToolSpec,
} from '@realstream/protocol';
import type { ServerTool } from './types.js';
import { checkSchema } from './webhook-schema.js';

/** Storage key of the operators' switches; each client tool is stored under its own key. */
export const TOOLS_KEY = 'tools';
/** Prefix of a client tool's key: `tool:crm.lookup`. One small value per tool, never one big one. */
export const CLIENT_TOOL_PREFIX = 'tool:';

export interface StoredTools {
  enabled: Record<string, boolean>;
  /** Before each client tool had its own key, they were stored here; read once, then moved. */
  client?: Record<string, ToolSpec>;
}

/** Who registered a client tool first, and so owns its name and its trust fields. */
export interface ToolOwner {
  id: string;
  role: Role;
}

/** A client tool as stored, so the console lists it (unavailable) after a restart. */
export interface StoredClientTool {
  spec: ToolSpec;
  owner: ToolOwner;
}

/**
 * Bounds on what browsers may register, so that a registration is refused before it is
 * acknowledged rather than stored and lost (a storage value holds at most 128 KiB), and a late
 * joiner's snapshot stays small. Documented in the README's threat model.
 */
export const CLIENT_TOOL_LIMITS = {
  /** One tool's definition, as JSON. */
  specBytes: 16 * 1024,
  /** Client tools a room keeps, live or remembered. */
  tools: 64,
  /** All client tool definitions of a room together, as JSON. */
  totalBytes: 256 * 1024,
  /** Tools one connection may implement. */
  perConnection: 32,
};

const DEFAULT_TIMEOUT_MS = 30_000;

interface Entry {
  tool: Tool;
  /** How a builtin or webhook tool runs; absent for client tools. */
  server?: ServerTool;
  /** Connections implementing a client tool, in registration order. */
  implementers: string[];
  /** Client tools: who owns the name. */
  owner?: ToolOwner;
  /** Client tools: the size of the definition as JSON. */
  bytes?: number;
  /** Client tools: values in the input and output schemas (see VALIDATION_BUDGET). */
  schemaValues?: { input: number; output: number };
  input: Validator;
  output?: Validator;
}

/**
 * What validating a client tool's value may cost, in (values of the value) x (values of the
 * schema): the validator's work grows with both (an `anyOf` of 30 constants over the items of a
 * 60 KB array took 164 ms here, about 0.26 µs per unit), and the rate limits count frames, not
 * their cost. 100,000 units is about 26 ms; a 30-value schema still takes 3,000-value arguments.
 * Deployment tools (built-in, webhook) are trusted and have no budget.
 */
export const VALIDATION_BUDGET = 100_000;

export type Registration =
  | {
      ok: true;
      changed: Tool | null;
      /** Storage writes the change needs: this tool's value, and null for forgotten ones. */
      writes: Record<string, StoredClientTool | null>;
    }
  | { ok: false; code: 'conflict' | 'invalid_frame' | 'too_large'; message: string };

/** Who is registering a tool. */
export interface Registrant {
  connId: string;
  user: ToolOwner & { name: string };
}

/**
 * The room's tools: built-in and webhook tools from the deployment, client tools registered by
 * live connections, and which are switched on. Every change returns the tool's new state, for
 * the caller to log as `tool.updated`.
 */
export class ToolRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(
    serverTools: ServerTool[],
    stored: StoredTools | undefined,
    storedClients: Iterable<StoredClientTool> = [],
  ) {
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
    // Tools stored the old way had no owner: an operator's, so no one else may take them over.
    const legacy = Object.values(stored?.client ?? {}).map((spec) => ({
      spec,
      owner: { id: '', role: 'operator' as Role },
    }));
    for (const { spec, owner } of [...legacy, ...storedClients]) {
      if (this.entries.has(spec.name)) continue;
      // Stored before today's checks, a schema may be one they refuse: it is not compiled again.
      if (!schemasPass(spec)) continue;
      const entry = clientEntry(spec, stored?.enabled[spec.name] ?? true, owner);
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

  /** The switches, as stored after a change (the client tools have keys of their own). */
  stored(): StoredTools {
    const enabled: Record<string, boolean> = {};
    for (const [name, e] of this.entries) enabled[name] = e.tool.enabled;
    return { enabled };
  }

  setEnabled(name: string, enabled: boolean): Tool | null {
    const e = this.entries.get(name);
    if (!e || e.tool.enabled === enabled) return null;
    e.tool = { ...e.tool, enabled };
    return { ...e.tool };
  }

  /**
   * Connection `connId` implements `spec`. The first registration of a name owns it: the same user
   * may change the tool, another may only implement the very same definition and only with at
   * least the owner's role, so no one can rewrite a tool's trust fields (`minRole`,
   * `requiresApproval`, its schema) or receive its calls with less trust than its owner. A
   * higher role may take over a tool that nobody implements any more. A server tool's name
   * cannot be taken at all.
   */
  register({ connId, user }: Registrant, spec: ToolSpec): Registration {
    const e = this.entries.get(spec.name);
    if (e?.server) {
      return {
        ok: false,
        code: 'conflict',
        message: `${spec.name} is a ${e.tool.kind} tool of this server; choose another name`,
      };
    }
    const bytes = jsonBytes(spec);
    if (bytes > CLIENT_TOOL_LIMITS.specBytes) {
      return {
        ok: false,
        code: 'too_large',
        message: `tool ${spec.name}: its definition is ${bytes} bytes of JSON, over the ${CLIENT_TOOL_LIMITS.specBytes} a room takes`,
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
    if (!e?.implementers.includes(connId)) {
      const held = [...this.entries.values()].filter((x) => x.implementers.includes(connId));
      if (held.length >= CLIENT_TOOL_LIMITS.perConnection) {
        return {
          ok: false,
          code: 'too_large',
          message: `this connection implements ${held.length} tools, the most one may`,
        };
      }
    }
    if (e) return this.reregister(e, connId, user, spec, bytes);
    const writes = this.makeRoom(bytes);
    if (typeof writes === 'string') return { ok: false, code: 'too_large', message: writes };
    const owner = { id: user.id, role: user.role };
    const entry = clientEntry(spec, true, owner);
    entry.implementers.push(connId);
    this.entries.set(spec.name, entry);
    writes[CLIENT_TOOL_PREFIX + spec.name] = { spec, owner };
    return { ok: true, changed: { ...entry.tool }, writes };
  }

  /** A registration of a client tool the room has already (see register). */
  private reregister(
    e: Entry,
    connId: string,
    user: Registrant['user'],
    spec: ToolSpec,
    bytes: number,
  ): Registration {
    const owner = e.owner!;
    const fresh = clientEntry(spec, e.tool.enabled, owner);
    const same = JSON.stringify(fresh.tool) === JSON.stringify({ ...e.tool, available: true });
    const ownersOwn = user.id === owner.id;
    const takeover = !ownersOwn && e.implementers.length === 0 && outranks(user.role, owner.role);
    if (!ownersOwn && !takeover && !(same && roleAtLeast(user.role, owner.role))) {
      return {
        ok: false,
        code: 'conflict',
        message: same
          ? `${spec.name} belongs to a ${owner.role}'s browser; only a ${owner.role} may implement it too`
          : `${spec.name} is another browser's tool: register the same definition, or choose another name`,
      };
    }
    const others = [...this.entries.values()].reduce(
      (sum, x) => (x === e ? sum : sum + (x.bytes ?? 0)),
      0,
    );
    if (others + bytes > CLIENT_TOOL_LIMITS.totalBytes) {
      return { ok: false, code: 'too_large', message: this.fullMessage() };
    }
    if (!e.implementers.includes(connId)) e.implementers.push(connId);
    const newOwner = takeover ? { id: user.id, role: user.role } : owner;
    const before = JSON.stringify(e.tool);
    Object.assign(e, {
      tool: fresh.tool,
      input: fresh.input,
      output: fresh.output,
      owner: newOwner,
      bytes,
    });
    const changed = JSON.stringify(e.tool) === before ? null : { ...e.tool };
    const writes: Record<string, StoredClientTool | null> =
      changed || takeover ? { [CLIENT_TOOL_PREFIX + spec.name]: { spec, owner: newOwner } } : {};
    return { ok: true, changed, writes };
  }

  /**
   * Makes room for a new client tool of `bytes`: forgets the oldest tools nobody implements while
   * the room is at its limits. Returns the deletions to store, or why there is no room.
   */
  private makeRoom(bytes: number): Record<string, StoredClientTool | null> | string {
    const clients = [...this.entries.values()].filter((e) => e.tool.kind === 'client');
    let count = clients.length;
    let total = clients.reduce((sum, e) => sum + (e.bytes ?? 0), 0);
    const writes: Record<string, StoredClientTool | null> = {};
    const forget: Entry[] = [];
    for (const e of clients) {
      if (count < CLIENT_TOOL_LIMITS.tools && total + bytes <= CLIENT_TOOL_LIMITS.totalBytes) break;
      if (e.implementers.length) continue;
      forget.push(e);
      count--;
      total -= e.bytes ?? 0;
    }
    if (count >= CLIENT_TOOL_LIMITS.tools || total + bytes > CLIENT_TOOL_LIMITS.totalBytes)
      return this.fullMessage();
    for (const e of forget) {
      this.entries.delete(e.tool.name);
      writes[CLIENT_TOOL_PREFIX + e.tool.name] = null;
    }
    return writes;
  }

  private fullMessage(): string {
    const { tools, totalBytes } = CLIENT_TOOL_LIMITS;
    return `this room holds as many browser tools as it keeps (${tools}, ${totalBytes / 1024} KiB of definitions in all)`;
  }

  /** The client tools `connId` implements. */
  implementedBy(connId: string): string[] {
    const names: string[] = [];
    for (const [name, e] of this.entries) if (e.implementers.includes(connId)) names.push(name);
    return names;
  }

  /**
   * `connId` implements `name` again, as it did before its room was evicted: the registration was
   * checked then and the tool is in storage. False when the tool is gone (cleared meanwhile).
   */
  implement(connId: string, name: string): boolean {
    const e = this.entries.get(name);
    if (!e?.owner) return false;
    if (!e.implementers.includes(connId)) e.implementers.push(connId);
    if (!e.tool.available) e.tool = { ...e.tool, available: true };
    return true;
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
    if (!e) return `no tool ${name}`;
    return overBudget(args, e.schemaValues?.input, 'arguments') ?? problem(e.input, args);
  }

  /** The first problem with a client tool's result against its output schema, or null. */
  resultProblem(name: string, result: unknown): string | null {
    const e = this.entries.get(name);
    if (!e?.output) return null;
    return overBudget(result, e.schemaValues?.output, 'result') ?? problem(e.output, result);
  }
}

/**
 * Values in `value` (objects, arrays and scalars alike), counted without recursion and only up to
 * `limit`: past it the count stops at limit + 1.
 */
export function countValues(value: unknown, limit = Infinity): number {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length && n <= limit) {
    const v = stack.pop();
    n++;
    if (typeof v === 'object' && v !== null)
      for (const child of Object.values(v)) stack.push(child);
  }
  return n;
}

/** Why validating `value` against a schema of `schemaValues` would cost too much, or null. */
function overBudget(value: unknown, schemaValues: number | undefined, what: string): string | null {
  if (schemaValues === undefined) return null;
  const most = Math.floor(VALIDATION_BUDGET / schemaValues);
  const n = countValues(value, most);
  if (n <= most) return null;
  return `(${what}): more than ${most} values, the most this tool's schema (${schemaValues} values) is checked against`;
}

/** The size of a definition as stored: UTF-8 bytes of its JSON. */
function jsonBytes(spec: ToolSpec): number {
  return new TextEncoder().encode(JSON.stringify(spec)).length;
}

/** The tool's schemas pass the checks a registration passes today. */
function schemasPass(spec: ToolSpec): boolean {
  return [spec.inputSchema, spec.outputSchema].every(
    (schema) => schema === undefined || typeof checkSchema(schema) !== 'string',
  );
}

/** A strictly higher role than `than`. */
function outranks(role: Role, than: Role): boolean {
  return roleAtLeast(role, than) && role !== than;
}

function clientEntry(spec: ToolSpec, enabled: boolean, owner: ToolOwner): Entry {
  return {
    owner,
    bytes: jsonBytes(spec),
    schemaValues: {
      input: countValues(spec.inputSchema),
      output: spec.outputSchema ? countValues(spec.outputSchema) : 0,
    },
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

/**
 * The most specific validation error, as "path: message" with a JSON-pointer-ish path a person can
 * read (`items/0/name`), or null when `value` is valid.
 */
function problem(validator: Validator, value: unknown): string | null {
  // The validator recurses per level: arguments from a model, or results, nested past what a
  // frame may be would overflow its stack.
  const deep = depthProblem(value, 'value');
  if (deep) return `(arguments): ${deep}`;
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
