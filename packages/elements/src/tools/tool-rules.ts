import type { ClientStatus, Tool, User } from '@realstream/client';
import type { ToolsStrings } from './strings.js';

export type Role = User['role'];
export type ToolKind = Tool['kind'];

const ROLES: readonly Role[] = ['viewer', 'member', 'operator'];

/** viewer < member < operator, as the server ranks them. */
export function roleAtLeast(role: Role | undefined, needed: Role): boolean {
  return !!role && ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** Does the tool match the search? Every word must appear in its name, title or description. */
export function matches(tool: Tool, query: string): boolean {
  const hay = `${tool.name} ${tool.title} ${tool.description}`.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => hay.includes(word));
}

/**
 * Why the reader cannot run `tool` right now, or null when they can. The server decides in the
 * end; this only saves a round trip and says why the button is off.
 */
export function runBlocked(
  tool: Tool,
  status: ClientStatus,
  hasClient: boolean,
  s: ToolsStrings,
): string | null {
  if (!hasClient) return s.blockedNoClient;
  if (!tool.enabled) return s.blockedDisabled;
  if (!tool.available) return s.blockedUnavailable;
  if (status.user && !roleAtLeast(status.user.role, tool.minRole))
    return s.blockedRole(tool.minRole);
  if (status.state !== 'live') return s.blockedOffline;
  return null;
}
