import { html, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ToolCall } from '@realstream/client';
import { button } from '../internal/button.js';
import type { ToolsStrings } from './strings.js';
import { renderToolCard, type ToolCardContext } from './tool-card-view.js';

export interface HistoryActions {
  rerun(call: ToolCall): void;
  copy(call: ToolCall): void;
}

/**
 * The room's calls, newest first: everyone's and the assistant's, each a card with live progress,
 * its outcome, and Re-run (into the form) and Copy as curl. `copied` is the call whose command
 * was just copied (or failed to be), to say so on its button.
 */
export function renderHistory(
  calls: readonly ToolCall[],
  card: ToolCardContext,
  s: ToolsStrings,
  copied: { callId: string; ok: boolean } | null,
  on: HistoryActions,
): TemplateResult {
  const newest = [...calls].reverse();
  const ctx: ToolCardContext = {
    ...card,
    showCaller: true,
    actions: (call) =>
      html`${button({
        label: s.rerun,
        icon: 'retry',
        small: true,
        variant: 'ghost',
        part: 'rerun-button',
        describedBy: `call-${call.callId}`,
        onClick: () => on.rerun(call),
      })}${button({
        label: copied?.callId === call.callId ? (copied.ok ? s.copied : s.copyFailed) : s.copyCurl,
        icon: copied?.callId === call.callId && copied.ok ? 'check' : 'copy',
        small: true,
        variant: 'ghost',
        part: 'curl-button',
        describedBy: `call-${call.callId}`,
        onClick: () => on.copy(call),
      })}`,
  };
  return html`<section class="tools__history" part="history" aria-labelledby="history-title">
    <div class="tools__section-title" id="history-title">${s.historyLabel}</div>
    <ol class="tools__calls" part="calls" role="list" ?hidden=${!newest.length}>
      ${repeat(
        newest,
        (c) => c.callId,
        (c) => html`<li class="tools__call">${renderToolCard(c, ctx)}</li>`,
      )}
    </ol>
    <p class="tools__empty" part="history-empty" ?hidden=${!!newest.length}>${s.historyEmpty}</p>
  </section>`;
}
