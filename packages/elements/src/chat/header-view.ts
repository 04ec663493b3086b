import { html, nothing, type TemplateResult } from 'lit';
import type { ClientStatus, User } from '@realstream/client';
import { badge } from '../internal/badge.js';
import { button } from '../internal/button.js';
import type { LinkView } from './link-health.js';
import type { ChatStrings } from './strings.js';

export interface HeaderModel {
  room: string;
  status: ClientStatus;
  presence: readonly User[];
  typing: readonly User[];
  link: LinkView;
  /** Operators may clear the room; `confirming` while the question is on screen. */
  clear: 'hidden' | 'offer' | 'confirming';
}

export interface HeaderActions {
  reconnect(): void;
  /** Asks to clear (shows the question), confirms, or cancels. */
  clear(step: 'ask' | 'confirm' | 'cancel'): void;
}

/**
 * Header: title (slot), who is here, who is typing, and the link's health with a way back. A div,
 * not <header>: in a widget a <header> would claim the page's banner landmark.
 */
export function renderHeader(m: HeaderModel, s: ChatStrings, on: HeaderActions): TemplateResult {
  const names = m.presence.map((u) => u.name || u.id);
  const typing = m.typing.map((u) => u.name || u.id);
  return html`<div class="chat__header" part="header">
    <div class="chat__title">
      <slot name="header"><span class="chat__room">${s.roomTitle(m.room)}</span></slot>
    </div>
    <div class="chat__status">
      <span class="chat__typing" part="typing" ?hidden=${!typing.length}>
        <span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>${s.typing(typing)}
      </span>
      ${renderClear(m.clear, s, on)}
      ${m.status.devMode ? badge(s.devMode, { tone: 'warning', title: s.devModeHint, part: 'dev-mode' }) : nothing}
      <span
        class="chat__presence"
        part="presence"
        ?hidden=${!names.length}
        title=${names.join(', ')}
      >
        ${badge(
          html`<span aria-hidden="true">${s.here(names.length)}</span
            ><span class="rs-sr-only">${s.presenceLabel(names)}</span>`,
          { dot: true, tone: 'success' },
        )}
      </span>
      <span
        class="chat__link"
        part="link-status"
        role="status"
        aria-label=${s.linkLabel}
        data-state=${m.link.state}
      >
        ${badge(m.link.label, { tone: m.link.tone, dot: !m.link.busy, spinner: m.link.busy })}
        ${
          m.link.canReconnect
            ? button({
                label: s.reconnect,
                icon: 'retry',
                small: true,
                variant: 'outline',
                onClick: on.reconnect,
              })
            : nothing
        }
      </span>
    </div>
  </div>`;
}

/** Clearing removes everything for everyone, so it asks first, in place, with Cancel focused. */
function renderClear(state: HeaderModel['clear'], s: ChatStrings, on: HeaderActions) {
  if (state === 'hidden') return nothing;
  if (state === 'offer') {
    return html`<span class="chat__clear" part="clear" title=${s.clearRoomHint}
      >${button({ label: s.clearRoom, small: true, onClick: () => on.clear('ask') })}</span
    >`;
  }
  return html`<span
    class="chat__clear chat__clear--confirm"
    part="clear"
    role="group"
    aria-label=${s.clearConfirm}
    ><span class="chat__clear-question">${s.clearConfirm}</span> ${button({
      label: s.clearConfirmAction,
      small: true,
      variant: 'danger',
      onClick: () => on.clear('confirm'),
    })}
    ${button({
      label: s.cancel,
      small: true,
      variant: 'outline',
      className: 'chat__clear-cancel',
      onClick: () => on.clear('cancel'),
    })}</span
  >`;
}
