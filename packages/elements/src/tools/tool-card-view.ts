import { html, nothing, type TemplateResult } from 'lit';
import type { ToolCall, User } from '@realstream/client';
import { badge, type BadgeTone } from '../internal/badge.js';
import { button } from '../internal/button.js';
import { isMcpResult, renderMcpResult, type McpResultStrings } from './mcp-result.js';
import type { ToolCardStrings } from './tool-card-strings.js';

export interface ToolCardContext {
  strings: ToolCardStrings & Partial<McpResultStrings>;
  /** The element's language (nearest `lang`) for numbers and units; undefined: the browser's. */
  locale?: string;
  /** The reader (undefined until the server says who they are). */
  user: User | undefined;
  /** Actions need a live link. */
  live: boolean;
  /** Show who asked for the call (the history does; under an assistant reply it is obvious). */
  showCaller?: boolean;
  /** Fold the result into a <details> (cards under a chat message stay short). */
  compact?: boolean;
  /** Operator: approve or deny a call awaiting approval. */
  decide(callId: string, approve: boolean): void;
  /** Cancel a running call; without it the card offers no Cancel. */
  cancel?(callId: string): void;
  /** More buttons for a call (the history's Re-run and Copy as curl). */
  actions?(call: ToolCall): TemplateResult | typeof nothing;
}

const ENDED = new Set(['done', 'error', 'timeout', 'cancelled', 'denied']);
export const isEnded = (call: ToolCall): boolean => ENDED.has(call.status);

const TONES: Record<ToolCall['status'], BadgeTone> = {
  awaiting_approval: 'warning',
  running: 'accent',
  done: 'success',
  error: 'danger',
  timeout: 'danger',
  cancelled: 'neutral',
  denied: 'warning',
};

/** Pretty JSON for a <pre>; `undefined` (no arguments, no result) shows as nothing. */
export function prettyJson(value: unknown): string {
  if (value === undefined) return '';
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The last few lines of a progress log: the card shows where the call is, not its history. */
export function progressTail(text: string, lines = 3): string {
  const all = text.replace(/\n+$/, '').split('\n');
  const tail = all.slice(-lines).join('\n');
  return tail.length > 400 ? '…' + tail.slice(-400) : tail;
}

export function callerName(call: ToolCall, s: ToolCardStrings, me: string | undefined): string {
  if (call.caller.kind === 'assistant') return call.caller.name || s.callerAssistant;
  if (me && call.caller.id === me) return s.callerYou;
  return call.caller.name || call.caller.id;
}

export function callStatusBadge(call: ToolCall, s: ToolCardStrings): TemplateResult {
  return badge(s.callStatus(call.status), {
    tone: TONES[call.status],
    spinner: call.status === 'running',
    dot: call.status !== 'running',
    part: 'call-status',
  });
}

/**
 * One tool call as a compact card: name, who asked, status, arguments (folded), live progress,
 * the result or error, how long it took, and the actions the reader may take on it.
 */
export function renderToolCard(call: ToolCall, ctx: ToolCardContext): TemplateResult {
  const s = ctx.strings;
  const id = `call-${call.callId}`;
  const args = prettyJson(call.args);
  const result = prettyJson(call.result);
  const ms = call.endedAt !== undefined ? call.endedAt - call.startedAt : undefined;
  return html`<div
    class="tool-card tool-card--${call.status}"
    part="tool-card tool-card-${call.status}"
    data-call-id=${call.callId}
    data-status=${call.status}
    aria-busy=${call.status === 'running' ? 'true' : 'false'}
  >
    <div class="tool-card__head">
      <code class="tool-card__name" id=${id}>${call.name}</code>
      ${
        ctx.showCaller
          ? html`<bdi class="tool-card__caller" part="call-caller"
              >${s.calledBy(callerName(call, s, ctx.user?.id))}</bdi
            >`
          : nothing
      }
      ${callStatusBadge(call, s)}
      ${
        ms !== undefined
          ? html`<bdi class="tool-card__duration" part="call-duration" title=${s.callDurationLabel}
              >${s.callDuration(Math.max(0, ms), ctx.locale)}</bdi
            >`
          : nothing
      }
    </div>
    ${
      args && args !== '{}'
        ? html`<details class="tool-card__args" part="call-args">
            <summary>${s.callArguments}</summary>
            <pre class="tool-card__json" dir="ltr">${args}</pre>
          </details>`
        : nothing
    }
    ${call.status === 'running' ? renderProgress(call, s) : nothing}
    ${renderOutcome(call, result, ctx)} ${renderActions(call, ctx, id)}
  </div>`;
}

function renderProgress(call: ToolCall, s: ToolCardStrings) {
  const tail = progressTail(call.progressText);
  if (call.percent === undefined && !tail) return nothing;
  return html`<div class="tool-card__progress" part="call-progress">
    ${
      call.percent !== undefined
        ? html`<progress
            max="100"
            .value=${call.percent}
            aria-label=${s.callProgress(call.name)}
          ></progress>`
        : nothing
    }
    ${tail ? html`<pre class="tool-card__log" dir="auto">${tail}</pre>` : nothing}
  </div>`;
}

function renderOutcome(call: ToolCall, result: string, ctx: ToolCardContext) {
  const s = ctx.strings;
  const decided =
    call.decidedBy && call.status !== 'awaiting_approval'
      ? html`<p class="tool-card__note">${s.callDecidedBy(call.status, call.decidedBy)}</p>`
      : nothing;
  if (call.status === 'done' && result) {
    // An MCP tool's parts render as what they are: text, images, links, structured JSON.
    const pre = isMcpResult(call.result)
      ? renderMcpResult(call.result, ctx.strings)
      : html`<pre class="tool-card__json" part="call-result" dir="ltr">${result}</pre>`;
    return html`${decided}${
      ctx.compact
        ? html`<details class="tool-card__result">
            <summary>${s.callResult}</summary>
            ${pre}
          </details>`
        : pre
    }`;
  }
  if (call.error && isEnded(call)) {
    const soft = call.status === 'cancelled' || call.status === 'denied';
    return html`${decided}
      <p class="tool-card__error ${soft ? 'tool-card__error--soft' : ''}" part="call-error">
        ${soft && call.error.message ? call.error.message : s.callError(call.error.code, call.error.message)}
      </p>`;
  }
  return decided;
}

function renderActions(call: ToolCall, ctx: ToolCardContext, id: string) {
  const s = ctx.strings;
  const role = ctx.user?.role;
  const buttons: TemplateResult[] = [];
  if (call.status === 'awaiting_approval') {
    if (role !== 'operator') {
      return html`<p class="tool-card__note" part="call-waiting">${s.waitingForApproval}</p>`;
    }
    buttons.push(
      button({
        label: s.approveCall,
        small: true,
        variant: 'primary',
        part: 'approve-button',
        disabled: !ctx.live,
        describedBy: id,
        onClick: () => ctx.decide(call.callId, true),
      }),
      button({
        label: s.denyCall,
        small: true,
        variant: 'outline',
        className: 'rs-button--danger',
        part: 'deny-button',
        disabled: !ctx.live,
        describedBy: id,
        onClick: () => ctx.decide(call.callId, false),
      }),
    );
  } else if (
    call.status === 'running' &&
    ctx.cancel &&
    (role === 'member' || role === 'operator')
  ) {
    const cancel = ctx.cancel;
    buttons.push(
      button({
        label: s.cancelCall,
        icon: 'stop',
        small: true,
        variant: 'outline',
        part: 'cancel-button',
        disabled: !ctx.live,
        describedBy: id,
        onClick: () => cancel(call.callId),
      }),
    );
  }
  const extra = ctx.actions ? ctx.actions(call) : nothing;
  if (!buttons.length && extra === nothing) return nothing;
  return html`<div class="tool-card__actions" part="call-actions">${buttons}${extra}</div>`;
}
