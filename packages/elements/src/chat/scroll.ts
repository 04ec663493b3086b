import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ClientMessage } from '@realstream/client';

/** Within this many pixels of the bottom counts as "at the bottom" (sub-pixel and zoom slack). */
const PIN_SLACK = 24;
/** Start loading older history this close to the top, before the reader hits it. */
const LOAD_ZONE = 120;

export type HistoryState = 'unknown' | 'more' | 'loading' | 'start' | 'failed';

export interface ScrollHost extends ReactiveControllerHost {
  readonly transcript: HTMLElement | null;
  /** Caught up with the room, so the client knows whether older history exists. */
  readonly historyReady: boolean;
  /** Ask the client for the previous page; resolves whether older messages remain. */
  loadOlder(): Promise<boolean>;
}

/**
 * The transcript's scrolling: follow the stream while the reader is at the bottom, stay put (and
 * count what arrives) once they scroll up, load older history near the top, and keep the view
 * still when that history is inserted above it. Scroll anchoring in CSS is turned off so this is
 * the only thing that moves the view.
 */
export class ScrollController implements ReactiveController {
  pinned = true;
  unread = 0;
  history: HistoryState = 'unknown';
  /** Distance from the bottom to restore after older messages are inserted above. */
  private keepFromBottom: number | null = null;
  private resize: ResizeObserver | null = null;

  constructor(private readonly host: ScrollHost) {
    host.addController(this);
  }

  hostConnected(): void {
    const el = this.host.transcript;
    if (el) this.observe(el);
  }

  hostDisconnected(): void {
    this.resize?.disconnect();
    this.resize = null;
  }

  /** Call once the transcript element exists (and again after the element is moved). */
  observe(el: HTMLElement): void {
    if (this.resize) return;
    // The element or the composer changed size: a pinned view stays pinned to the bottom.
    this.resize = new ResizeObserver(() => this.pinned && this.toBottom());
    this.resize.observe(el);
  }

  /** Messages are about to change from `prev` to `next`; `mine` tells the reader's own ids. */
  willRender(
    prev: readonly ClientMessage[],
    next: readonly ClientMessage[],
    mine: (m: ClientMessage) => boolean,
  ): void {
    const el = this.host.transcript;
    if (!el || !prev.length || !next.length) return;
    const first = prev[0].id;
    const at = next.findIndex((m) => m.id === first);
    if (at > 0) this.keepFromBottom = el.scrollHeight - el.scrollTop;
    // New messages after what we had; older ones inserted above are history, not news.
    const known = new Set(prev.map((m) => m.id));
    const arrived = next.slice(Math.max(0, at)).filter((m) => !known.has(m.id));
    // Sending is a request to see the conversation's end; others' messages wait for the reader.
    if (arrived.some(mine)) this.pinned = true;
    else if (!this.pinned) this.unread += arrived.length;
  }

  /** After each render: restore the anchor, or follow the end. */
  rendered(): void {
    const el = this.host.transcript;
    if (!el) return;
    if (this.keepFromBottom !== null) {
      el.scrollTop = el.scrollHeight - this.keepFromBottom;
      this.keepFromBottom = null;
    } else if (this.pinned) this.toBottom();
    // Nothing to scroll yet: the only way to reach older messages is to load them now (after
    // this update, not during it).
    if (el.scrollHeight <= el.clientHeight + 1) queueMicrotask(() => this.maybeLoad());
  }

  onScroll(): void {
    const el = this.host.transcript;
    if (!el) return;
    const pinned = el.scrollHeight - el.scrollTop - el.clientHeight <= PIN_SLACK;
    if (pinned !== this.pinned || (pinned && this.unread)) {
      this.pinned = pinned;
      if (pinned) this.unread = 0;
      this.host.requestUpdate();
    }
    if (el.scrollTop <= LOAD_ZONE) this.maybeLoad();
  }

  jumpToLatest(): void {
    this.pinned = true;
    this.unread = 0;
    this.host.transcript?.scrollTo({ top: this.host.transcript.scrollHeight, behavior: 'smooth' });
    this.host.requestUpdate();
  }

  /** The client changed (another room): forget what we knew about its history. */
  reset(): void {
    this.pinned = true;
    this.unread = 0;
    this.history = 'unknown';
    this.keepFromBottom = null;
  }

  retryHistory(): void {
    this.history = 'more';
    this.maybeLoad();
  }

  private toBottom(): void {
    const el = this.host.transcript;
    if (el) el.scrollTop = el.scrollHeight;
  }

  private maybeLoad(): void {
    if (!this.host.historyReady) return;
    if (this.history !== 'unknown' && this.history !== 'more') return;
    this.history = 'loading';
    this.host.requestUpdate();
    this.host.loadOlder().then(
      (more) => {
        this.history = more ? 'more' : 'start';
        this.host.requestUpdate();
      },
      () => {
        this.history = 'failed';
        this.host.requestUpdate();
      },
    );
  }
}
