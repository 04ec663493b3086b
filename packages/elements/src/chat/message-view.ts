import { html, nothing, type TemplateResult } from 'lit';
import type { ClientMessage } from '@realstream/client';
import { badge } from '../internal/badge.js';
import { button } from '../internal/button.js';
import { icons } from '../internal/icons.js';
import { formatDuration } from '../internal/numbers.js';
import type { ChatStrings } from './strings.js';

/** What a message shows beyond its text: the union of the client's and the server's states. */
export type MessageState =
  'sending' | 'sent' | 'failed' | 'streaming' | 'complete' | 'stopped' | 'interrupted' | 'error';

export function messageState(m: ClientMessage): MessageState {
  if (m.local) return m.local;
  if (m.author.kind === 'user') return 'sent';
  if (m.status === 'failed') return 'error';
  return m.status;
}

export interface MessageViewContext {
  strings: ChatStrings;
  /** Is this the reader's own message? */
  mine(m: ClientMessage): boolean;
  body(m: ClientMessage): TemplateResult;
  retry(id: string): void;
  discard(id: string): void;
  /** The reply that may be answered again (the room's latest, once ended), if the reader may. */
  retryable: string | null;
  retryReply(id: string): void;
  /** Who watches each streaming reply (the reader excluded). */
  watchers: ReadonlyMap<string, readonly { name: string; id: string }[]>;
  /** The tool calls an assistant reply made, as cards (or nothing). */
  toolCards(id: string): TemplateResult | typeof nothing;
  /** The reader's language, for numbers and units. */
  locale: string | undefined;
  /** Now (ms since the epoch): what a reasoning counter counts to. */
  now: number;
}

/**
 * While a reply's model reasons, before its answer began: when it started (server clock), else
 * null. Such a reply shows a counter that changes with time alone.
 */
export function reasoningSince(m: ClientMessage): number | null {
  const r = m.reasoning;
  return m.status === 'streaming' && r && r.ms === undefined ? r.startedAt : null;
}

/** Whole seconds reasoned so far (never negative: the server's clock may run ahead of ours). */
export const reasonedSeconds = (since: number, now: number): number =>
  Math.max(0, Math.floor((now - since) / 1000));

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return (
    parts.length > 1 ? parts[0][0] + parts[1][0] : (parts[0] ?? '?').slice(0, 2)
  ).toUpperCase();
}

export function authorName(m: ClientMessage, ctx: MessageViewContext): string {
  if (ctx.mine(m)) return ctx.strings.you;
  if (m.author.kind === 'assistant') return m.author.name || ctx.strings.assistant;
  return m.author.name || '?';
}

/**
 * One message: avatar, author and role, time and state, the markdown body, and its actions.
 * Bodies, names and times take their direction from their own text (dir=auto, <bdi>): an English
 * reply in a right-to-left page reads left to right, inside a layout that is right to left.
 */
export function renderMessage(m: ClientMessage, ctx: MessageViewContext): TemplateResult {
  const s = ctx.strings;
  const state = messageState(m);
  const kind = m.author.kind === 'assistant' ? 'assistant' : ctx.mine(m) ? 'mine' : 'other';
  const name = authorName(m, ctx);
  // A reply that reasons before it writes says so in its disclosure, not with typing dots.
  const empty = state === 'streaming' && !m.text && !m.reasoning;
  return html`<article
    class="message message--${kind} message--${state}"
    part="message message-${kind} message-${state}"
    data-id=${m.id}
    data-state=${state}
    aria-labelledby="author-${m.id}"
    aria-busy=${state === 'streaming' ? 'true' : 'false'}
  >
    <span class="message__avatar" part="avatar" aria-hidden="true"
      >${kind === 'assistant' ? '\u2726' : initials(m.author.name || name)}</span
    >
    <div class="message__main">
      <div class="message__meta" part="message-meta">
        <bdi class="message__author" id="author-${m.id}">${name}</bdi>
        ${
          m.author.role && m.author.kind === 'user'
            ? badge(s.role(m.author.role), { part: 'role' })
            : nothing
        }
        ${
          m.createdAt
            ? html`<time
                class="message__time"
                dir="auto"
                datetime=${new Date(m.createdAt).toISOString()}
                >${timeFormat.format(m.createdAt)}</time
              >`
            : nothing
        }
        ${kind === 'other' && state === 'sent' ? nothing : stateBadge(m, state, s)}
      </div>
      ${kind === 'assistant' ? renderReasoning(m, ctx) : nothing}
      <div class="message__body md" part="message-body" dir="auto">
        ${
          empty
            ? html`<span class="message__thinking"
                ><span class="dots" aria-hidden="true"><i></i><i></i><i></i></span
                ><span class="rs-sr-only">${s.thinking}</span></span
              >`
            : ctx.body(m)
        }
      </div>
      ${kind === 'assistant' ? ctx.toolCards(m.id) : nothing}
      ${
        state === 'error' && m.error
          ? html`<p class="message__error" role="note">
              ${icons.alert}<span>${s.replyFailed}: ${m.error.message}</span>
            </p>`
          : nothing
      }
      ${
        state === 'streaming' && ctx.watchers.get(m.id)?.length
          ? html`<p class="message__watchers" part="watchers">
              ${s.watching(ctx.watchers.get(m.id)!.map((u) => u.name || u.id))}
            </p>`
          : nothing
      }
      ${
        ctx.retryable === m.id
          ? html`<div class="message__actions">
              ${button({
                label: s.retryReply,
                icon: 'retry',
                small: true,
                variant: state === 'complete' ? 'ghost' : 'outline',
                part: 'retry-reply',
                onClick: () => ctx.retryReply(m.id),
              })}
            </div>`
          : nothing
      }
      ${
        state === 'failed'
          ? html`<div class="message__actions">
              <span class="message__error">${icons.alert}${m.error?.message ?? s.failed}</span>
              ${button({ label: s.retry, icon: 'retry', small: true, variant: 'outline', onClick: () => ctx.retry(m.id) })}
              ${button({ label: s.discard, small: true, onClick: () => ctx.discard(m.id) })}
            </div>`
          : nothing
      }
    </div>
  </article>`;
}

/**
 * What the model thought, above its answer: a closed disclosure, "Thinking… 12 s" while it
 * reasons, "Thought for 12 s" after. The ticking seconds are hidden from screen readers (the
 * summary's name would change every second); the transcript is not a live region anyway. The
 * text is plain, pre-wrapped (set as textContent, so no template whitespace shows): cheap to
 * update on every delta. The open state needs no keeping:
 * the transcript is keyed by message id, so each reply keeps its own <details> across renders.
 * Withheld (this room shows reasoning to operators only), there is nothing to open: a line says so.
 */
function renderReasoning(m: ClientMessage, ctx: MessageViewContext) {
  const r = m.reasoning;
  if (!r) return nothing;
  const s = ctx.strings;
  const since = reasoningSince(m);
  const seconds = since === null ? 0 : reasonedSeconds(since, ctx.now);
  const summary =
    since === null
      ? s.thoughtFor(r.ms ?? 0, ctx.locale)
      : html`${s.thinking}
          <span aria-hidden="true"
            >${seconds ? formatDuration(seconds * 1000, ctx.locale, 0) : ''}</span
          >`;
  return r.withheld
    ? html`<p class="message__reasoning" part="reasoning">
        <span part="reasoning-summary">${summary}</span> · ${s.reasoningWithheld}
      </p>`
    : html`<details class="message__reasoning" part="reasoning">
        <summary part="reasoning-summary">${summary}</summary>
        <div
          class="message__reasoning-body"
          part="reasoning-body"
          dir="auto"
          .textContent=${r.text}
        ></div>
        ${r.redacted ? html`<p>${s.reasoningRedacted}</p>` : nothing}
      </details>`;
}

function stateBadge(m: ClientMessage, state: MessageState, s: ChatStrings) {
  switch (state) {
    case 'sending':
      return badge(s.sending, { spinner: true, part: 'state' });
    case 'sent':
      return html`<span class="message__sent" part="state" title=${s.sent}
        >${icons.check}<span class="rs-sr-only">${s.sent}</span></span
      >`;
    case 'failed':
      return badge(s.failed, { tone: 'danger', part: 'state' });
    case 'streaming':
      // "Thinking…" until the reply shows something; a reasoning reply says so in its disclosure.
      return badge(m.text || m.reasoning ? s.streaming : s.thinking, {
        tone: 'accent',
        dot: true,
        part: 'state',
      });
    case 'stopped':
      return badge(s.stopped, { part: 'state' });
    case 'interrupted':
      return badge(s.interrupted, { tone: 'warning', part: 'state', title: s.interruptedHint });
    case 'error':
      return badge(s.replyFailed, { tone: 'danger', part: 'state' });
    default:
      return nothing;
  }
}
