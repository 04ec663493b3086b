import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Tool } from '@realstream/client';
import { badge } from '../internal/badge.js';
import type { ToolsStrings } from './strings.js';
import { matches } from './tool-rules.js';

export interface ToolListModel {
  tools: readonly Tool[];
  query: string;
  selected: string | undefined;
  /** The reader is an operator on a live link: the switches work. */
  canToggle: boolean;
  /** The reader is an operator: the switches are theirs (maybe waiting for the link). */
  operator: boolean;
}

export interface ToolListActions {
  search(query: string): void;
  select(name: string): void;
  toggle(tool: Tool): void;
}

/** Tool names are dotted words: safe in an id once the dots are dashes. */
export const toolId = (name: string) => `tool-${name.replace(/[^a-z0-9_-]/gi, '-')}`;

/**
 * The searchable list: each tool's title and name (a button that opens it), what kind it is,
 * whether it can run, who may run it, and, for operators, its on/off switch. Others see the switch
 * read-only, with the reason in the text it points to.
 */
export function renderToolList(
  m: ToolListModel,
  s: ToolsStrings,
  on: ToolListActions,
): TemplateResult {
  const shown = m.tools.filter((t) => matches(t, m.query));
  return html`<div class="tools__list-pane" part="list-pane">
    <input
      class="tools__search"
      part="search"
      type="search"
      aria-label=${s.searchLabel}
      placeholder=${s.searchPlaceholder}
      autocomplete="off"
      .value=${m.query}
      @input=${(e: Event) => on.search((e.target as HTMLInputElement).value)}
    />
    <p class="tools__reason" id="toggle-reason" part="toggle-reason" ?hidden=${m.operator}>
      ${s.toggleReason}
    </p>
    <ul class="tools__list" part="list" role="list" aria-label=${s.listLabel} @keydown=${arrowKeys}>
      ${repeat(
        shown,
        (t) => t.name,
        (t) => renderTool(t, m, s, on),
      )}
    </ul>
    ${
      shown.length
        ? nothing
        : html`<p class="tools__empty" part="empty">
            ${m.tools.length ? s.noMatches(m.query.trim()) : s.noTools}
          </p>`
    }
  </div>`;
}

function renderTool(
  t: Tool,
  m: ToolListModel,
  s: ToolsStrings,
  on: ToolListActions,
): TemplateResult {
  const id = toolId(t.name);
  const selected = t.name === m.selected;
  return html`<li
    class="tool ${selected ? 'tool--selected' : ''}"
    part="tool ${selected ? 'tool-selected' : ''}"
    data-name=${t.name}
  >
    <button
      type="button"
      class="tool__pick"
      part="tool-button"
      aria-current=${selected ? 'true' : 'false'}
      aria-describedby="${id}-badges"
      @click=${() => on.select(t.name)}
    >
      <span class="tool__title">${t.title || t.name}</span>
      <code class="tool__name">${t.name}</code>
    </button>
    <div class="tool__badges" id="${id}-badges" part="tool-badges">
      ${badge(s.kind(t.kind), { part: 'kind-badge', title: s.kindHint(t.kind) })}
      ${t.server ? badge(t.server, { part: 'server-badge', title: s.serverHint(t.server) }) : nothing}
      ${
        !t.enabled
          ? badge(s.disabled, { part: 'status-badge', dot: true })
          : !t.available
            ? badge(s.unavailable, {
                tone: 'warning',
                dot: true,
                part: 'status-badge',
                title: s.unavailableHint,
              })
            : badge(s.enabled, { tone: 'success', dot: true, part: 'status-badge' })
      }
      ${badge(s.minRole(t.minRole), { part: 'role-badge', title: s.minRoleHint(t.minRole) })}
      ${
        t.requiresApproval
          ? badge(s.needsApproval, {
              tone: 'warning',
              part: 'approval-badge',
              title: s.needsApprovalHint,
            })
          : nothing
      }
    </div>
    <button
      type="button"
      role="switch"
      class="tool__switch"
      part="toggle"
      aria-checked=${t.enabled ? 'true' : 'false'}
      aria-label=${s.toggleLabel(t.name)}
      aria-disabled=${m.canToggle ? 'false' : 'true'}
      aria-describedby=${m.operator ? `${id}-badges` : 'toggle-reason'}
      title=${m.operator ? s.toggleAction(t.name, t.enabled) : s.toggleReason}
      @click=${() => m.canToggle && on.toggle(t)}
    >
      <span class="tool__knob" aria-hidden="true"></span>
    </button>
  </li>`;
}

/** Up and Down move between the tools' buttons, Home and End to the first and last. */
function arrowKeys(e: KeyboardEvent): void {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return;
  const list = e.currentTarget as HTMLElement;
  const picks = [...list.querySelectorAll<HTMLElement>('.tool__pick')];
  const here = picks.findIndex((p) => p === (list.getRootNode() as ShadowRoot).activeElement);
  if (here < 0 || !picks.length) return;
  e.preventDefault();
  const next =
    e.key === 'Home'
      ? 0
      : e.key === 'End'
        ? picks.length - 1
        : Math.min(picks.length - 1, Math.max(0, here + (e.key === 'ArrowDown' ? 1 : -1)));
  picks[next].focus();
}
