import { ToolNameSchema } from '@realstream/protocol';

/**
 * Room names of one server's tools: `<server>.<tool>`, the MCP name lower-cased with every other
 * character as `_`, so it fits ToolNameSchema; names that come out the same get `_2`, `_3`, ...
 * in listing order. Calls use the original name, kept beside the room name.
 */
export function roomToolNames(server: string, mcpNames: readonly string[]): Map<string, string> {
  const byRoomName = new Map<string, string>();
  for (const original of mcpNames) {
    let word = original.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
    if (!/^[a-z]/.test(word)) word = `t_${word}`;
    // Room names are at most 64 characters; the suffix needs room too.
    const base = `${server}.${word}`.slice(0, 58);
    let name = base;
    for (let n = 2; byRoomName.has(name) || !ToolNameSchema.safeParse(name).success; n++) {
      name = `${base}_${n}`;
      if (n > 999) break;
    }
    byRoomName.set(name, original);
  }
  return byRoomName;
}

/**
 * Why an MCP server may not be called `name` in a room whose other tools are `taken` (built-in,
 * webhook and client tools, and other servers' names), or null. A server's namespace must be its
 * own: `time` would put its tools among the built-ins' `time.*`.
 */
export function serverNameConflict(
  name: string,
  toolNames: Iterable<string>,
  servers: Iterable<string>,
): string | null {
  for (const s of servers) if (s === name) return `an MCP server named ${name} is already added`;
  for (const t of toolNames) {
    if (t === name || t.startsWith(`${name}.`)) {
      return `${name} is the namespace of the room's tool ${t}; choose another server name`;
    }
  }
  return null;
}
