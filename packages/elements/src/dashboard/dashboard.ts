import { html, nothing, type PropertyValues } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { property, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import type {
  ConnectionState,
  StatusReason,
  ConnectOptions,
  DeploymentWatch,
  RealstreamClient,
  RoomMetrics,
} from '@realstream/client';
import { RealstreamDashboardScopeEvent } from '../events/dashboard-scope.js';
import { RealstreamErrorEvent, type ErrorDetail } from '../events/error.js';
import { RealstreamElement } from '../internal/base.js';
import { ClientController } from '../internal/client-controller.js';
import { clientContext } from '../internal/context.js';
import { OwnClient } from '../internal/own-client.js';
import { waitingReason } from '../internal/reason.js';
import { sharedStyles } from '../styles/shared.js';
import { DashboardAlerts } from './alerts.js';
import { dashboardStyles } from './dashboard.styles.js';
import { feedStyles } from './feed.styles.js';
import { FeedPanel } from './feed-panel.js';
import { DeploymentFigures, RoomFigures, STALE_MS } from './figures.js';
import {
  renderHeader,
  renderTabs,
  SECTIONS,
  type DashboardScope,
  type DashboardSection,
} from './header-view.js';
import { clock, isQuiet, roomRows } from './model.js';
import { SettingsForm } from './settings-view.js';
import { defaultDashboardStrings, type DashboardStrings } from './strings.js';
import { localeOf } from '../internal/numbers.js';
import { renderPeople, renderResponders, renderRooms, renderTools } from './tables-view.js';
import { chartModels, renderCharts, renderTiles, tileModels } from './tiles-view.js';

export type { DashboardScope, DashboardSection } from './header-view.js';

/**
 * @summary Live operations for a room, or every room: key figures with trends, 15-minute charts
 * (each also as a table), who is connected, per-tool figures, the room's frames as they pass, and
 * the room's settings (responder, system prompt, who sees the reasoning). Operators only: others
 * are told so, and nothing is asked of the server.
 *
 * The event tap runs only while the Events section is shown (it costs the room work per frame).
 *
 * @csspart base - The whole dashboard.
 * @csspart header - Title, scope switch and badges; `scope`, `scope-room`, `scope-deployment`.
 * @csspart link-status - The connection badge, with the client's `$status.reason.message` when the link fails.
 * @csspart stale - "Stale: as of HH:MM:SS" while the figures are not live.
 * @csspart dev-mode - The warning badge of a server with auth off.
 * @csspart tabs - The section tabs; each `tab` (the current one also `tab-selected`).
 * @csspart panel - Each section's panel (also `panel-<section>`).
 * @csspart note - A state in words: waiting, quiet room, not an operator, not authorised.
 * @csspart tiles - The key figures; each `tile` and `tile-<id>`, with a `sparkline`.
 * @csspart charts - The charts; each `chart` and `chart-<id>`, `chart-toggle`, `chart-table`.
 * @csspart people-table - Who is connected.
 * @csspart tools-table - Per-tool figures.
 * @csspart rooms-table - Every active room (all-rooms scope).
 * @csspart feed - The event feed: `feed-filter`, `feed-apply`, `feed-pause`, `feed-clear`,
 * `feed-export`, `feed-status`, `feed-paused`, `feed-sampled`, `feed-list`, `feed-row`
 * (`feed-row-in|out`), `feed-empty`.
 * @csspart frame - The chosen frame's JSON (`frame-json`, `frame-close`).
 * @csspart settings - The room's settings form: `settings-responder`, `settings-prompt`,
 * `settings-reasoning`, `settings-save`, `settings-undo`, `settings-result`.
 *
 * @cssproperty --height - Height of the element (default auto).
 * @cssproperty --tile-min-width - Narrowest a tile gets before the grid wraps.
 * @cssproperty --chart-height - Height of a chart's plot.
 * @cssproperty --chart-color-1 - First series (messages in, p50).
 * @cssproperty --chart-color-2 - Second series (messages out, p95).
 * @cssproperty --chart-color-3 - Third series (tokens, p99).
 * @cssproperty --chart-error-color - Errors.
 * @cssproperty --feed-height - Height of the event feed's list.
 *
 * @event realstream-dashboard-scope - The user switched between this room and all rooms: `{scope}`.
 * @event realstream-error - The link was refused or lost for good, an export failed, settings were not
 * saved (`source: 'connection' | 'metrics' | 'settings'`).
 */
export class RealstreamDashboard extends RealstreamElement {
  static override styles = [sharedStyles, dashboardStyles, feedStyles];

  // It shows no transcript: holding none keeps a long watch of a busy room flat in memory.
  private readonly own = new OwnClient({ maxMessages: 0 });
  private readonly store = new ClientController(this);
  private readonly figures = new RoomFigures(this, (prev, next) =>
    this.alerts.figures(prev, next, this.merged),
  );
  private readonly rooms = new DeploymentFigures(this, (code, message) =>
    this.fail('connection', { code, message }),
  );
  private readonly panel = new FeedPanel(
    this,
    () => this.store.client?.room,
    (message) => this.fail('metrics', { code: 'export_failed', message }),
  );
  private readonly alerts = new DashboardAlerts();
  private readonly settings = new SettingsForm(this, (code, message) => {
    this.alerts.say(message);
    this.fail('settings', { code, message });
  });
  private merged: DashboardStrings = defaultDashboardStrings;
  private seenState = '';

  @query('.dash__announcer') private liveRegion!: HTMLElement | null;

  /** Charts shown as tables, by id. */
  @state() private tables = new Set<string>();

  @consume({ context: clientContext, subscribe: true })
  @state()
  private inherited?: RealstreamClient;

  /** Server origin (`localhost:1999`); with `room`, the dashboard connects itself. */
  @property() host?: string;
  /** Room name. Without host and room, the dashboard uses the client of an enclosing realstream-room. */
  @property() room?: string;
  /** PartyKit party; default `main`. */
  @property() party?: string;
  /** An operator's room token (JWT). Prefer `getToken` for tokens that expire. */
  @property() token?: string;
  /** Dev mode only (server without a secret): the guest name others see. */
  @property() name?: string;
  /** What to show: this room, or every room of the deployment. Reflected as a styling hook. */
  @property({ reflect: true }) scope: DashboardScope = 'room';
  /** The room section shown. */
  @property({ reflect: true }) section: DashboardSection = 'overview';
  /** Most frames the event feed keeps (the oldest go first). */
  @property({ type: Number, attribute: 'feed-limit' }) feedLimit = 5000;
  /** Called on every (re)connect for a fresh token. Property only. */
  @property({ attribute: false }) getToken?: ConnectOptions['getToken'];
  /** The all-rooms figures from elsewhere (an app's own `watchDeployment()`, a story). Property only. */
  @property({ attribute: false }) deployment?: DeploymentWatch;
  /** Any of the words the dashboard shows, to translate or reword them. Property only. */
  @property({ attribute: false }) strings: Partial<DashboardStrings> = {};

  override connectedCallback(): void {
    super.connectedCallback();
    // Back on the page (moved): subscriptions dropped on disconnect are taken again in willUpdate.
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.own.releaseSoon(() => this.useClient(undefined));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('strings')) this.merged = { ...defaultDashboardStrings, ...this.strings };
    if (changed.has('feedLimit')) this.panel.resize(Math.max(100, this.feedLimit));
    if (this.isConnected) {
      const { host, room, party, token, name, getToken } = this;
      this.useClient(
        this.own.update({ host, room, party, token, name, getToken }) ?? this.inherited,
      );
    }
    const status = this.store.status;
    const access = this.access;
    this.figures.want(access === 'ok');
    const feedShown = this.scope === 'room' && this.section === 'feed';
    this.panel.update(this.store.client, access === 'ok' && status.state === 'live' && feedShown);
    const { token, name, getToken } = this;
    const host = this.host ?? this.store.client?.host;
    const wantRooms = this.scope === 'deployment' && this.isConnected;
    this.rooms.update(this.deployment, wantRooms ? { host, token, name, getToken } : null);
    if (status.state !== this.seenState) this.onStateChange(this.seenState, status.state);
  }

  protected override firstUpdated(): void {
    this.alerts.connect(this.liveRegion);
  }

  /** Whether the figures may be asked for: an operator on a link that was not refused. */
  private get access(): 'none' | 'connecting' | 'denied' | 'not-operator' | 'ok' {
    const { client, status } = this.store;
    if (!client) return 'none';
    if (status.state === 'unauthorised' || status.state === 'forbidden') return 'denied';
    if (!status.user) return 'connecting';
    return status.user.role === 'operator' ? 'ok' : 'not-operator';
  }

  private useClient(client: RealstreamClient | undefined): void {
    if (client === this.store.client) return;
    this.panel.reset();
    this.settings.reset();
    this.store.attach(client);
    this.figures.attach(client);
  }

  private onStateChange(from: string, to: string): void {
    this.seenState = to;
    this.alerts.link(from, to, !!this.figures.metrics, this.merged);
    const reason = this.store.status.reason;
    if (
      from &&
      ['unauthorised', 'forbidden', 'offline'].includes(to) &&
      reason?.code !== 'closed'
    ) {
      this.fail('connection', { code: to, message: reason?.message ?? to });
    }
  }

  private fail(source: ErrorDetail['source'], err: { code?: string; message?: string }): void {
    const detail = { source, code: err.code ?? 'internal', message: err.message ?? String(err) };
    this.dispatchEvent(new RealstreamErrorEvent(detail));
  }

  private setScope(scope: DashboardScope): void {
    this.scope = scope;
    this.dispatchEvent(new RealstreamDashboardScopeEvent({ scope }));
  }

  private select(section: DashboardSection, focus: boolean): void {
    this.section = section;
    if (focus)
      void this.updateComplete.then(() =>
        this.shadowRoot?.getElementById(`tab-${section}`)?.focus(),
      );
  }

  /** The client in use: the dashboard's own, or the enclosing room's. */
  get client(): RealstreamClient | undefined {
    return this.store.client;
  }

  /** The event feed's kept frames as NDJSON, oldest first (what Export downloads). */
  feedNdjson(): string {
    return this.panel.ndjson();
  }

  /** Downloads the event feed's kept frames as an NDJSON file (a Blob URL: CSP-safe). */
  exportFeed(): void {
    this.panel.export();
  }

  protected override render() {
    const s = this.merged;
    const { client, status } = this.store;
    const deployment = this.scope === 'deployment';
    const m = this.figures.metrics;
    const linkState = deployment ? this.rooms.status.state : client ? status.state : 'none';
    const staleFor = deployment
      ? this.rooms.metrics &&
        (linkState !== 'live' || Date.now() - this.rooms.receivedAt > STALE_MS)
        ? this.rooms.metrics.at
        : null
      : m && (status.state !== 'live' || this.figures.stale())
        ? m.at
        : null;
    return html`<div class="dash ${staleFor ? 'dash--stale' : ''}" part="base">
      ${renderHeader(
        {
          title: deployment ? s.deploymentTitle : s.title(client?.room ?? this.room ?? ''),
          scope: this.scope,
          link: linkState,
          reason: headerReason(deployment ? this.rooms.status : status),
          devMode: status.devMode,
          staleAt: staleFor ? clock(staleFor) : null,
        },
        s,
        (scope) => this.setScope(scope),
      )}
      ${deployment ? this.renderDeployment() : this.renderRoom()}
      <div class="dash__announcer rs-sr-only" role="alert" aria-atomic="true"></div>
    </div>`;
  }

  private renderDeployment() {
    const s = this.merged;
    const open = this.host
      ? (room: string) => ((this.room = room), this.setScope('room'))
      : undefined;
    if (!this.rooms.active) return html`<p class="dash__note" part="note">${s.noDeployment}</p>`;
    if (!this.rooms.metrics) return html`<p class="dash__note" part="note">${s.waiting}</p>`;
    return html`<div class="dash__panel" part="panel panel-rooms">
      ${renderRooms(roomRows(this.rooms.metrics), s, open, localeOf(this))}
    </div>`;
  }

  private renderRoom() {
    const s = this.merged;
    const { status } = this.store;
    const access = this.access;
    if (access === 'none') return html`<p class="dash__note" part="note">${s.noRoom}</p>`;
    if (access === 'denied') {
      const reason = status.reason?.message ?? '';
      const text = status.state === 'forbidden' ? s.forbidden(reason) : s.unauthorised(reason);
      return html`<p class="dash__note dash__note--bad" part="note">${text}</p>`;
    }
    if (access === 'not-operator') {
      return html`<p class="dash__note dash__note--bad" part="note">
        ${s.notOperator(status.user!.role)}
      </p>`;
    }
    const m = this.figures.metrics;
    if (!m)
      return html`<p class="dash__note" part="note">${s.waiting}</p>
        ${renderTiles(null, s)}`;
    return html`${isQuiet(m) ? html`<p class="dash__note" part="note">${s.quiet}</p>` : nothing}
    ${renderTabs(this.section, s, (section, focus) => this.select(section, focus))}
    ${SECTIONS.map(
      (section) =>
        html`<div
          class="dash__panel"
          part="panel panel-${section}"
          role="tabpanel"
          id="panel-${section}"
          aria-labelledby="tab-${section}"
          ?hidden=${section !== this.section}
        >
          ${section === this.section ? this.renderSection(section, m) : nothing}
        </div>`,
    )}`;
  }

  private renderSection(section: DashboardSection, m: RoomMetrics) {
    const s = this.merged;
    const locale = localeOf(this);
    if (section === 'feed') return this.panel.render(m, s, locale);
    if (section === 'settings') {
      const { client, settings, status } = this.store;
      return this.settings.render(client, settings, status.responders, s);
    }
    // The store re-renders on every message of a busy room: redraw the figures only when they move.
    return guard([section, m, s, this.tables, locale], () => {
      if (section === 'people') return renderPeople(m, s, locale);
      if (section === 'tools') return renderTools(m, s, locale);
      return html`${renderTiles(tileModels(m, this.figures.history, s, locale), s)}
      ${renderCharts(chartModels(m, s, this.tables, locale), s, (id) => this.toggleTable(id))}
      ${renderResponders(m, s, locale)}`;
    });
  }

  private toggleTable(id: string): void {
    const next = new Set(this.tables);
    if (!next.delete(id)) next.add(id);
    this.tables = next;
  }
}

/** What the header's link badge adds to its state: why it waits, or why it stopped. */
function headerReason({
  state,
  reason,
}: {
  state: ConnectionState;
  reason?: StatusReason;
}): string {
  return state === 'connecting' || state === 'reconnecting'
    ? waitingReason(reason)
    : (reason?.message ?? '');
}
