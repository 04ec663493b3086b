import { html, nothing, type TemplateResult } from 'lit';
import type { ConnectionState } from '@realstream/client';
import { badge, type BadgeTone } from '../internal/badge.js';
import type { DashboardStrings } from './strings.js';

export type DashboardScope = 'room' | 'deployment';
export type DashboardSection = 'overview' | 'people' | 'tools' | 'feed' | 'settings';
export const SECTIONS: readonly DashboardSection[] = [
  'overview',
  'people',
  'tools',
  'feed',
  'settings',
];

export interface HeaderModel {
  title: string;
  scope: DashboardScope;
  link: ConnectionState | 'none';
  /** The client's reason message, '' when there is none worth showing (see shownReason). */
  reason: string;
  devMode: boolean;
  /** "as of HH:MM:SS" when the figures shown are not live. */
  staleAt: string | null;
}

function linkBadge(state: HeaderModel['link'], reason: string, s: DashboardStrings) {
  const view: Record<HeaderModel['link'], [string, BadgeTone, boolean]> = {
    none: [s.noRoom, 'neutral', false],
    connecting: [reason ? s.notConnected(reason) : s.connecting, 'neutral', true],
    live: [s.live, 'success', false],
    stalled: [s.stalled, 'warning', true],
    'device-offline': [s.deviceOffline, 'danger', false],
    reconnecting: [reason ? s.notConnected(reason) : s.reconnecting, 'warning', true],
    offline: [reason ? `${s.offline}: ${reason}` : s.offline, 'danger', false],
    unauthorised: [s.unauthorised(reason), 'danger', false],
    forbidden: [s.forbidden(reason), 'danger', false],
  };
  const [label, tone, busy] = view[state];
  return badge(label, { tone, dot: !busy, spinner: busy });
}

/** Title, scope switch, and the state of the link and of the figures. */
export function renderHeader(
  m: HeaderModel,
  s: DashboardStrings,
  setScope: (scope: DashboardScope) => void,
): TemplateResult {
  const scopeButton = (scope: DashboardScope, label: string) =>
    html`<button
      type="button"
      class="rs-button rs-button--small ${m.scope === scope ? 'rs-button--primary' : ''}"
      part="scope-${scope}"
      aria-pressed=${m.scope === scope ? 'true' : 'false'}
      @click=${() => m.scope !== scope && setScope(scope)}
    >
      ${label}
    </button>`;
  return html`<div class="dash__header" part="header">
    <h2 class="dash__title">${m.title}</h2>
    <div class="dash__scope" part="scope" role="group" aria-label=${s.scopeLabel}>
      ${scopeButton('room', s.scopeRoom)} ${scopeButton('deployment', s.scopeDeployment)}
    </div>
    <div class="dash__badges">
      ${m.devMode ? badge(s.devMode, { tone: 'warning', title: s.devModeHint, part: 'dev-mode' }) : nothing}
      ${
        m.staleAt
          ? html`<span part="stale" title=${s.staleHint}
              >${badge(s.stale(m.staleAt), { tone: 'warning' })}</span
            >`
          : nothing
      }
      <span class="dash__link" part="link-status" role="status" aria-label=${s.linkLabel}
        >${linkBadge(m.link, m.reason, s)}</span
      >
    </div>
  </div>`;
}

const label = (section: DashboardSection, s: DashboardStrings) =>
  ({
    overview: s.sectionOverview,
    people: s.sectionPeople,
    tools: s.sectionTools,
    feed: s.sectionFeed,
    settings: s.sectionSettings,
  })[section];

/** The sections as tabs: arrow keys move between them (roving tabindex), as the ARIA pattern asks. */
export function renderTabs(
  current: DashboardSection,
  s: DashboardStrings,
  select: (section: DashboardSection, focus: boolean) => void,
): TemplateResult {
  const keydown = (e: KeyboardEvent) => {
    const i = SECTIONS.indexOf(current);
    const rtl = getComputedStyle(e.currentTarget as Element).direction === 'rtl';
    const next = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[e.key];
    let to: number | undefined;
    if (next !== undefined) to = (i + next + SECTIONS.length) % SECTIONS.length;
    else if (e.key === 'Home') to = 0;
    else if (e.key === 'End') to = SECTIONS.length - 1;
    if (to === undefined) return;
    e.preventDefault();
    select(SECTIONS[to], true);
  };
  return html`<div
    class="dash__tabs"
    part="tabs"
    role="tablist"
    aria-label=${s.sectionsLabel}
    @keydown=${keydown}
  >
    ${SECTIONS.map(
      (section) =>
        html`<button
          type="button"
          role="tab"
          class="dash__tab"
          part="tab ${section === current ? 'tab-selected' : ''}"
          id="tab-${section}"
          aria-selected=${section === current ? 'true' : 'false'}
          aria-controls="panel-${section}"
          tabindex=${section === current ? 0 : -1}
          @click=${() => select(section, false)}
        >
          ${label(section, s)}
        </button>`,
    )}
  </div>`;
}
