import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { localeOf } from '../internal/numbers.js';
import { consume } from '@lit/context';
import type { ConnectOptions, RealstreamClient, Tool, ToolCall } from '@realstream/client';
import { RealstreamErrorEvent } from '../events/error.js';
import { RealstreamToolInvokeEvent } from '../events/tool-invoke.js';
import { RealstreamToolResultEvent } from '../events/tool-result.js';
import { RealstreamToolToggleEvent } from '../events/tool-toggle.js';
import { Announcer } from '../internal/announcer.js';
import { badge } from '../internal/badge.js';
import { RealstreamElement } from '../internal/base.js';
import { ClientController } from '../internal/client-controller.js';
import { clientContext } from '../internal/context.js';
import { OwnClient } from '../internal/own-client.js';
import { sharedStyles } from '../styles/shared.js';
import { CopyCurlController } from './copy-curl.js';
import { renderHistory } from './history-view.js';
import type { RealstreamSchemaForm } from './schema-form.js';
import type { RealstreamSchemaFormSubmitEvent } from './schema-form-submit.js';
import { defaultToolsStrings, type ToolsStrings } from './strings.js';
import type { ToolCardContext } from './tool-card-view.js';
import { toolCardStyles } from './tool-card.styles.js';
import { renderToolDetail } from './tool-detail-view.js';
import { renderToolList } from './tool-list-view.js';
import { runBlocked } from './tool-rules.js';
import { toolsStyles } from './tools.styles.js';

/**
 * @summary The room's tools: find one, read what it does, fill in its form and run it, switch it on
 * or off (operators), and follow every call in the room live, the assistant's included.
 *
 * Uses `<realstream-schema-form>` for the arguments: import `tools/define` (or `define`), which
 * registers both, or define that tag yourself.
 *
 * @csspart base - The whole panel.
 * @csspart header - Title and, when the link is down, its state.
 * @csspart link-status - "Not connected", while the link is down.
 * @csspart list-pane - Search, the operators-only note and the list.
 * @csspart search - The search field.
 * @csspart toggle-reason - "Only operators can switch tools on or off" (non-operators).
 * @csspart list - The list of tools.
 * @csspart tool - Each tool (the chosen one also `tool-selected`).
 * @csspart tool-button - A tool's title and name: opens it.
 * @csspart tool-badges - Its badges: `kind-badge`, `status-badge`, `role-badge`, `approval-badge`.
 * @csspart toggle - A tool's on/off switch (role=switch).
 * @csspart empty - "No tool matches" / "This room has no tools".
 * @csspart detail - The chosen tool: `description`, `form`, `run`, `run-button`, `run-reason`, `run-error`.
 * @csspart form - The `<realstream-schema-form>` (its own parts are its own).
 * @csspart history - The calls, newest first (`calls`, `history-empty`).
 * @csspart tool-card - Each call (also `tool-card-<status>`), with `call-status`, `call-caller`,
 * `call-args`, `call-progress`, `call-result`, `call-error`, `call-duration`, `call-actions`,
 * `call-waiting`, `cancel-button`, `approve-button`, `deny-button`, `rerun-button`, `curl-button`.
 *
 * @cssproperty --height - Height of the element (default auto).
 * @cssproperty --list-width - Width of the tool list beside the form on wide layouts.
 * @cssproperty --pane-padding - Space inside each pane.
 *
 * @event realstream-tool-invoke - The user runs a tool (cancelable): `{name, args}`.
 * @event realstream-tool-toggle - An operator switched a tool: `{name, enabled}`.
 * @event realstream-tool-result - A call this element started ended: `{call}`.
 * @event realstream-error - Running, cancelling, deciding or switching failed (`source: 'tool'`).
 */
export class RealstreamTools extends RealstreamElement {
  static override styles = [sharedStyles, toolCardStyles, toolsStyles];

  private readonly own = new OwnClient();
  private readonly store = new ClientController(this);
  private readonly announcer = new Announcer();
  private merged: ToolsStrings = defaultToolsStrings;
  /** The form's value for each tool, kept while the user switches between tools. */
  private readonly drafts = new Map<string, Record<string, unknown>>();
  private readonly curl = new CopyCurlController(this);

  @query('realstream-schema-form') private form!: RealstreamSchemaForm | null;
  @query('.tools__announcer') private liveRegion!: HTMLElement | null;

  @state() private search = '';
  @state() private starting = false;
  @state() private invokeError: { name: string; code: string; message: string } | null = null;

  @consume({ context: clientContext, subscribe: true })
  @state()
  private inherited?: RealstreamClient;

  /** Server origin (`localhost:1999`, `chat.example.com`); with `room`, the panel connects itself. */
  @property() host?: string;
  /** Room name. Without host and room, the panel uses the client of an enclosing realstream-room. */
  @property() room?: string;
  /** PartyKit party; default `main`. */
  @property() party?: string;
  /** A room token (JWT) from your backend. Prefer `getToken` for tokens that expire. */
  @property() token?: string;
  /** Dev mode only (server without a secret): the guest name others see. */
  @property() name?: string;
  /** Called on every (re)connect for a fresh token. Property only. */
  @property({ attribute: false }) getToken?: ConnectOptions['getToken'];
  /** The name of the tool whose form is shown; the user changes it by picking one. */
  @property({ reflect: true }) selected?: string;
  /** Hides the call history (e.g. when a `<realstream-chat>` beside it shows the calls). */
  @property({ type: Boolean, reflect: true, attribute: 'no-history' }) noHistory = false;
  /** Any of the words the panel shows, to translate or reword them. Property only. */
  @property({ attribute: false }) strings: Partial<ToolsStrings> = {};

  override connectedCallback(): void {
    super.connectedCallback();
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.own.releaseSoon(() => this.store.attach(undefined));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('strings')) this.merged = { ...defaultToolsStrings, ...this.strings };
    if (!this.isConnected) return;
    const { host, room, party, token, name, getToken } = this;
    const client = this.own.update({ host, room, party, token, name, getToken }) ?? this.inherited;
    if (client !== this.store.client) {
      this.drafts.clear();
      this.invokeError = null;
      this.store.attach(client);
    }
  }

  protected override firstUpdated(): void {
    this.announcer.connect(this.liveRegion);
  }

  private get tool(): Tool | undefined {
    return this.store.tools.find((t) => t.name === this.selected);
  }

  private draft(name: string): Record<string, unknown> {
    let value = this.drafts.get(name);
    if (!value) this.drafts.set(name, (value = {}));
    return value;
  }

  private fail(err: { code?: string; message?: string }): void {
    const detail = {
      source: 'tool' as const,
      code: err.code ?? 'internal',
      message: err.message ?? String(err),
    };
    this.dispatchEvent(new RealstreamErrorEvent(detail));
  }

  private pick(name: string): void {
    if (name === this.selected) return;
    this.selected = name;
    this.invokeError = null;
  }

  private toggle(tool: Tool): void {
    const client = this.store.client;
    if (!client) return;
    const enabled = !tool.enabled;
    this.dispatchEvent(new RealstreamToolToggleEvent({ name: tool.name, enabled }));
    client.toggleTool(tool.name, enabled).catch((e) => this.fail(e));
  }

  /** The form is valid and submitted (Run, or Enter in a field): run the tool with its args. */
  private async invoke(name: string, args: Record<string, unknown>): Promise<void> {
    const client = this.store.client;
    const tool = this.store.tools.find((t) => t.name === name);
    if (!client || !tool || this.starting) return;
    if (runBlocked(tool, this.store.status, true, this.merged)) return;
    const event = new RealstreamToolInvokeEvent({ name, args });
    this.dispatchEvent(event);
    if (event.defaultPrevented) return;
    this.starting = true;
    this.invokeError = null;
    try {
      const ack = await client.invokeTool(name, args);
      void client.waitForCall(ack.callId).then((call) => this.ended(client, call));
    } catch (e) {
      const err = e as { code?: string; message?: string };
      this.invokeError = { name, code: err.code ?? 'internal', message: err.message ?? '' };
      this.fail(err);
    } finally {
      this.starting = false;
    }
  }

  /** A call this element started has ended: tell the page, and screen readers. */
  private ended(client: RealstreamClient, call: ToolCall): void {
    if (client !== this.store.client || !this.isConnected) return;
    this.dispatchEvent(new RealstreamToolResultEvent({ call }));
    const s = this.merged;
    this.announcer.say(
      call.status === 'done'
        ? s.announceDone(call.name)
        : s.announceFailed(call.name, call.status, call.error?.message ?? ''),
    );
  }

  private rerun(call: ToolCall): void {
    const args =
      call.args && typeof call.args === 'object' && !Array.isArray(call.args) ? call.args : {};
    this.drafts.set(call.name, { ...(args as Record<string, unknown>) });
    this.pick(call.name);
    this.requestUpdate();
    // The user most likely wants to change an argument: put them in the form.
    void this.updateComplete.then(async () => {
      const form = this.form;
      await form?.updateComplete;
      const root = form?.shadowRoot;
      (
        root?.querySelector<HTMLElement>('input, select, textarea') ?? root?.querySelector('button')
      )?.focus();
    });
  }

  private cardContext(): ToolCardContext {
    const client = this.store.client;
    return {
      strings: this.merged,
      locale: localeOf(this),
      user: this.store.status.user,
      live: !!client && this.store.status.state === 'live',
      decide: (id, approve) => client?.decideTool(id, approve).catch((e) => this.fail(e)),
      cancel: (id) => client?.cancelTool(id).catch((e) => this.fail(e)),
    };
  }

  /** The client in use: the panel's own, or the enclosing room's. */
  get client(): RealstreamClient | undefined {
    return this.store.client;
  }

  /** Opens tool `name`, optionally with `args` in its form. */
  select(name: string, args?: Record<string, unknown>): void {
    if (args) this.drafts.set(name, { ...args });
    this.pick(name);
    this.requestUpdate();
  }

  /** Runs the open tool with the form's arguments, as Run does (or the form shows what is wrong). */
  run(): void {
    this.form?.submit();
  }

  protected override render() {
    const s = this.merged;
    const { status, tools, calls, client } = this.store;
    const tool = this.tool;
    const operator = status.user?.role === 'operator';
    const live = !!client && status.state === 'live';
    return html`<div class="tools" part="base">
      <div class="tools__header" part="header">
        <span class="tools__title">${s.title}</span>
        ${live ? nothing : badge(s.offlineBadge, { tone: 'warning', dot: true, part: 'link-status' })}
      </div>
      <div class="tools__body">
        ${renderToolList(
          {
            tools,
            query: this.search,
            selected: tool?.name,
            canToggle: operator && live,
            operator,
          },
          s,
          {
            search: (q) => (this.search = q),
            select: (name) => this.pick(name),
            toggle: (t) => this.toggle(t),
          },
        )}
        <div class="tools__main">
          ${renderToolDetail(
            {
              tool,
              value: tool ? this.draft(tool.name) : {},
              blocked: tool ? runBlocked(tool, status, !!client, s) : null,
              starting: this.starting,
              error: tool && this.invokeError?.name === tool.name ? this.invokeError : null,
              theme: this.theme,
            },
            s,
            {
              run: () => this.run(),
              submit: (e: RealstreamSchemaFormSubmitEvent) => {
                e.stopPropagation();
                if (tool) void this.invoke(tool.name, e.detail.args);
              },
              input: (e: Event) => {
                const form = e.target as RealstreamSchemaForm;
                if (tool) this.drafts.set(tool.name, form.value);
              },
            },
          )}
          ${
            this.noHistory
              ? nothing
              : renderHistory(calls, this.cardContext(), s, this.curl.copied, {
                  rerun: (call) => this.rerun(call),
                  copy: (call) => client && void this.curl.copy(client, call),
                })
          }
        </div>
      </div>
      <div class="tools__announcer rs-sr-only" aria-live="polite" aria-atomic="true"></div>
    </div>`;
  }
}
