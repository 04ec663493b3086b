import { html, type TemplateResult } from 'lit';
import { button } from '../internal/button.js';
import { icons } from '../internal/icons.js';
import { skeleton } from '../internal/skeleton.js';
import type { HistoryState } from './scroll.js';
import type { ChatStrings } from './strings.js';

/**
 * The top of the transcript: where history stands (loading, failed, the very start), placeholder
 * lines until the first state arrives, and the empty state. The `empty` slot is always in the DOM and only hidden, so slotted content keeps its state.
 */
export function renderTranscriptEdges(
  history: HistoryState,
  count: number,
  live: boolean,
  s: ChatStrings,
  retry: () => void,
): TemplateResult {
  const loading = history === 'loading';
  const start = history === 'start' && count > 0;
  const failed = history === 'failed';
  return html`<div class="chat__history" part="history" ?hidden=${!loading && !start && !failed}>
      ${
        loading
          ? html`<span class="rs-spinner" aria-hidden="true"></span><span>${s.loadingOlder}</span>`
          : failed
            ? html`<span>${s.historyFailed}</span
                >${button({ label: s.retry, small: true, variant: 'outline', onClick: retry })}`
            : html`<span>${s.historyStart}</span>`
      }
    </div>
    ${count === 0 && !live ? skeleton(4, { part: 'loading' }) : ''}
    <div class="chat__empty" part="empty" ?hidden=${count > 0 || !live}>
      <slot name="empty">
        <div class="chat__empty-default">
          <span class="chat__empty-mark" aria-hidden="true">✦</span>
          <p class="chat__empty-title">${s.emptyTitle}</p>
          <p class="chat__empty-body">${s.emptyBody}</p>
        </div>
      </slot>
    </div>`;
}

/** "Jump to latest", with how many messages arrived since the reader scrolled up. */
export function renderJump(
  pinned: boolean,
  unread: number,
  s: ChatStrings,
  jump: () => void,
): TemplateResult {
  return html`<button
    type="button"
    class="rs-button rs-button--outline chat__jump"
    part="jump"
    ?hidden=${pinned}
    @click=${jump}
  >
    ${icons.down}<span>${s.jumpToLatest}</span>
    <span class="rs-badge rs-badge--accent" ?hidden=${!unread}>${s.unread(unread)}</span>
  </button>`;
}
