import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { styleProps } from '../internal/style-props.js';
import { badge } from '../internal/badge.js';
import { button } from '../internal/button.js';
import type { FeedItem, TapFeed } from './feed.js';
import { prettyFrame } from './model.js';
import type { DashboardStrings } from './strings.js';

/** Height of a feed row in px: fixed, so the list knows which rows are in view without measuring. */
export const ROW_PX = 30;
/** Rows rendered above and below the visible ones, so fast scrolling shows no gap. */
const OVERSCAN = 6;

export interface FeedViewModel {
  feed: TapFeed;
  /** The tap can run (live link, operator). */
  available: boolean;
  types: string;
  connection: string;
  connections: readonly { id: string; label: string }[];
  scrollTop: number;
  viewportHeight: number;
  selected: FeedItem | undefined;
  /** The element's language for numbers and units; undefined: the browser's. */
  locale?: string;
}

export interface FeedActions {
  filter(types: string, connection: string): void;
  togglePause(): void;
  clear(): void;
  export(): void;
  scroll(e: Event): void;
  open(item: FeedItem, index: number): void;
  close(): void;
  /** Keyboard: move focus to row `index`. */
  move(index: number): void;
}

const time = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  fractionalSecondDigits: 3,
  hour12: false,
});

export function renderFeed(m: FeedViewModel, s: DashboardStrings, on: FeedActions): TemplateResult {
  const { feed } = m;
  return html`<div class="feed" part="feed">
    ${renderToolbar(m, s, on)}
    <div class="feed__status" part="feed-status">
      <span>${s.feedCount(feed.size, feed.capacity)}</span>
      ${
        feed.paused
          ? badge(s.pausedCount(feed.missed), { tone: 'warning', part: 'feed-paused' })
          : nothing
      }
      ${
        feed.sampled
          ? badge(s.sampled(feed.dropped), {
              tone: 'warning',
              part: 'feed-sampled',
              title: s.sampledHint,
            })
          : nothing
      }
    </div>
    <div class="feed__body">
      ${m.available || feed.size ? renderList(m, s, on) : html`<p class="dash__note">${s.feedOff}</p>`}
      ${m.selected ? renderFrame(m.selected, s, on, m.locale) : nothing}
    </div>
  </div>`;
}

function renderToolbar(m: FeedViewModel, s: DashboardStrings, on: FeedActions) {
  const submit = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    on.filter(String(data.get('types') ?? ''), String(data.get('connection') ?? ''));
  };
  return html`<form class="feed__toolbar" part="feed-filter" @submit=${submit}>
    <label class="feed__field">
      <span>${s.typesLabel}</span>
      <input
        class="feed__input"
        name="types"
        .value=${m.types}
        placeholder=${s.typesPlaceholder}
        autocomplete="off"
        spellcheck="false"
      />
    </label>
    <label class="feed__field">
      <span>${s.connectionLabel}</span>
      <select
        class="feed__input"
        name="connection"
        @change=${(e: Event) => (e.currentTarget as HTMLSelectElement).form?.requestSubmit()}
      >
        <option value="" ?selected=${!m.connection}>${s.allConnections}</option>
        ${m.connections.map(
          (c) => html`<option value=${c.id} ?selected=${c.id === m.connection}>${c.label}</option>`,
        )}
      </select>
    </label>
    ${button({ label: s.applyFilter, type: 'submit', small: true, variant: 'outline', part: 'feed-apply' })}
    <span class="feed__actions">
      <button
        type="button"
        class="rs-button rs-button--small rs-button--outline"
        part="feed-pause"
        aria-pressed=${m.feed.paused ? 'true' : 'false'}
        @click=${on.togglePause}
      >
        ${m.feed.paused ? s.resume : s.pause}
      </button>
      ${button({ label: s.clear, small: true, variant: 'outline', part: 'feed-clear', onClick: on.clear })}
      ${button({
        label: s.exportNdjson,
        small: true,
        variant: 'outline',
        part: 'feed-export',
        disabled: !m.feed.size,
        onClick: on.export,
      })}
    </span>
  </form>`;
}

function renderList(m: FeedViewModel, s: DashboardStrings, on: FeedActions) {
  const size = m.feed.size;
  if (!size) return html`<p class="dash__note" part="feed-empty">${s.feedEmpty}</p>`;
  const first = Math.max(0, Math.floor(m.scrollTop / ROW_PX) - OVERSCAN);
  const last = Math.min(size, Math.ceil((m.scrollTop + m.viewportHeight) / ROW_PX) + OVERSCAN);
  const rows: { item: FeedItem; index: number }[] = [];
  for (let i = first; i < last; i++) rows.push({ item: m.feed.row(i)!, index: i });
  const key = (e: KeyboardEvent) => {
    const index = Number((e.target as HTMLElement).dataset.index);
    if (Number.isNaN(index)) return;
    const page = Math.max(1, Math.floor(m.viewportHeight / ROW_PX) - 1);
    const to = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: size - 1,
    }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    on.move(Math.min(size - 1, Math.max(0, to)));
  };
  return html`<div class="feed__viewport rs-scroll" part="feed-list" @scroll=${on.scroll}>
    <div class="feed__spacer" ${styleProps({ 'block-size': `${size * ROW_PX}px` })}>
      <ul
        class="feed__rows"
        aria-label=${s.feedLabel}
        ${styleProps({ transform: `translateY(${first * ROW_PX}px)` })}
        @keydown=${key}
      >
        ${repeat(
          rows,
          (r) => r.item.n,
          ({ item, index }) =>
            renderRow(item, index, size, m.selected?.n === item.n, s, on, m.locale),
        )}
      </ul>
    </div>
  </div>`;
}

function renderRow(
  item: FeedItem,
  index: number,
  size: number,
  selected: boolean,
  s: DashboardStrings,
  on: FeedActions,
  locale: string | undefined,
) {
  const e = item.entry;
  return html`<li class="feed__item" aria-setsize=${size} aria-posinset=${index + 1}>
    <button
      type="button"
      class="feed__row ${selected ? 'feed__row--selected' : ''}"
      part="feed-row feed-row-${e.dir}"
      data-index=${index}
      data-n=${item.n}
      aria-pressed=${selected ? 'true' : 'false'}
      @click=${() => on.open(item, index)}
    >
      <span class="feed__time">${time.format(e.at)}</span>
      <span class="feed__dir feed__dir--${e.dir}"
        ><span aria-hidden="true">${e.dir === 'in' ? '→' : '←'}</span>
        ${e.dir === 'in' ? s.dirIn : s.dirOut}</span
      >
      <span class="feed__type">${e.type}</span>
      <span class="feed__seq">${e.seq !== undefined ? `#${e.seq}` : ''}</span>
      <span class="feed__bytes">${s.bytes(e.bytes, locale)}</span>
      <span class="feed__conn" title=${e.connection}>${e.connection}</span>
      <span class="feed__latency"
        >${e.latencyMs !== undefined ? s.latency(e.latencyMs, locale) : ''}</span
      >
    </button>
  </li>`;
}

function renderFrame(
  item: FeedItem,
  s: DashboardStrings,
  on: FeedActions,
  locale: string | undefined,
) {
  const e = item.entry;
  const keydown = (ev: KeyboardEvent) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      on.close();
    }
  };
  return html`<section
    class="feed__frame"
    part="frame"
    aria-labelledby="frame-title"
    @keydown=${keydown}
  >
    <div class="feed__frame-head">
      <h3 class="dash__heading" id="frame-title">
        ${s.frameTitle}: <code>${e.type}</code> · ${e.dir === 'in' ? s.dirIn : s.dirOut} ·
        ${s.bytes(e.bytes, locale)}
      </h3>
      ${button({ label: s.closeFrame, icon: 'close', iconOnly: true, small: true, part: 'frame-close', onClick: on.close })}
    </div>
    <pre class="feed__json rs-scroll" part="frame-json" tabindex="0" aria-labelledby="frame-title">
${prettyFrame(e.frame)}</pre>
  </section>`;
}
