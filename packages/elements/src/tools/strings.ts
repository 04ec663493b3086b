import type { Role, ToolKind } from './tool-rules.js';
import { defaultSchemaFormStrings } from './schema-strings.js';
import { defaultToolCardStrings } from './tool-card-strings.js';

const ROLE_NAMES: Record<Role, string> = {
  viewer: 'viewer',
  member: 'member',
  operator: 'operator',
};

/**
 * Every word `<realstream-tools>` shows or announces, in one place: its own, its call cards'
 * and its schema form's. Set `strings` to a partial object to translate or reword any of them.
 */
export const defaultToolsStrings = {
  ...defaultSchemaFormStrings,
  ...defaultToolCardStrings,
  // header and list
  title: 'Tools',
  offlineBadge: 'Not connected',
  searchLabel: 'Search tools',
  searchPlaceholder: 'Search tools…',
  listLabel: 'Tools',
  noTools: 'This room has no tools.',
  noMatches: (query: string) => `No tool matches “${query}”.`,
  kind: (kind: ToolKind) =>
    ({ builtin: 'Built-in', webhook: 'Webhook', client: 'Browser', mcp: 'MCP' })[kind] ?? kind,
  kindHint: (kind: ToolKind) =>
    ({
      builtin: 'Runs on the server',
      webhook: 'Calls your service over HTTP',
      client: 'Runs in a connected browser',
      mcp: 'Runs on an MCP server',
    })[kind] ?? kind,
  serverHint: (server: string) => `From the MCP server “${server}”`,
  enabled: 'Enabled',
  disabled: 'Disabled',
  unavailable: 'Unavailable',
  unavailableHint: 'No connected browser implements this tool right now',
  minRole: (role: Role) =>
    ({ viewer: 'Everyone', member: 'Members', operator: 'Operators' })[role] ?? role,
  minRoleHint: (role: Role) => `Needs the ${ROLE_NAMES[role] ?? role} role or higher`,
  needsApproval: 'Needs approval',
  needsApprovalHint: "An operator approves each of the assistant's calls",
  // A switch is named by what it controls; its state (on / off) is aria-checked, read after the name.
  toggleLabel: (name: string) => `${name} enabled`,
  // The tooltip says what a press does now.
  toggleAction: (name: string, enabled: boolean) =>
    enabled ? `Switch ${name} off` : `Switch ${name} on`,
  toggleReason: 'Only operators can switch tools on or off',
  // detail
  selectHint: 'Choose a tool to run it.',
  detailLabel: (title: string) => `Run ${title}`,
  starting: 'Starting…',
  blockedDisabled: 'This tool is switched off.',
  blockedUnavailable: 'No connected browser implements this tool right now.',
  blockedRole: (role: Role) => `Only ${ROLE_NAMES[role] ?? role}s and above can run this tool.`,
  blockedOffline: 'Not connected. Tools run once the link is back.',
  blockedNoClient: 'Not connected to a room.',
  invokeError: (code: string, message: string) =>
    ({
      invalid_arguments: `Invalid arguments: ${message}`,
      tool_disabled: `Switched off: ${message}`,
      tool_unavailable: `Unavailable: ${message}`,
      too_many_calls: `Too many calls: ${message}`,
      forbidden: `Not allowed: ${message}`,
      not_found: `No such tool: ${message}`,
    })[code] ?? `${message || code} (${code})`,
  // history
  historyLabel: 'History',
  historyEmpty: 'No calls yet. Runs by anyone in the room, and the assistant, show here.',
  rerun: 'Re-run',
  rerunHint: 'Put these arguments in the form',
  copyCurl: 'Copy as curl',
  copied: 'Copied',
  copyFailed: 'Could not copy',
  // announcements (screen readers)
  announceDone: (name: string) => `${name} finished`,
  announceFailed: (name: string, status: string, message: string) =>
    `${name} ${status === 'timeout' ? 'timed out' : status === 'error' ? 'failed' : status}${message ? `: ${message}` : ''}`,
};

export type ToolsStrings = typeof defaultToolsStrings;
