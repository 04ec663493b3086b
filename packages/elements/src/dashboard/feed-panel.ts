import type { ReactiveController, ReactiveElement } from 'lit';
import type { RealstreamClient, RoomMetrics, TapBatch } from '@realstream/client';
import { TapFeed, TapSubscription, tapFilter, type FeedItem } from './feed.js';
import { renderFeed, ROW_PX } from './feed-view.js';
import { parseTypes } from './model.js';
import type { DashboardStrings } from './strings.js';

/**
 * The event feed's state and behaviour for the dashboard: the tap subscription and its filter, the
 * bounded buffer, pause, the list's scroll position (for virtualisation), keyboard focus, the
 * open frame and the NDJSON export.
 */
export class FeedPanel implements ReactiveController {
  feed: TapFeed;
  private selected: FeedItem | undefined;
  private types = '';
  private connection = '';
  private scrollTop = 0;
  private viewportHeight = 360;
  private readonly tap = new TapSubscription((batch) => this.onTap(batch));

  constructor(
    private readonly host: ReactiveElement,
    private readonly room: () => string | undefined,
    private readonly failed: (message: string) => void,
    capacity = 5000,
  ) {
    this.feed = new TapFeed(capacity);
    host.addController(this);
  }

  hostDisconnected(): void {
    this.tap.stop();
  }

  /** Keeps at most `capacity` frames from now on (the kept ones are dropped). */
  resize(capacity: number): void {
    if (capacity !== this.feed.capacity) this.feed = new TapFeed(capacity);
  }

  /** Another client: its frames are another room's. */
  reset(): void {
    this.tap.stop();
    this.feed.clear();
    this.selected = undefined;
  }

  /** Before each render: the tap runs while `want`, with the filter typed; the list is measured. */
  update(client: RealstreamClient | undefined, want: boolean): void {
    this.viewportHeight = this.viewport?.clientHeight || this.viewportHeight;
    this.tap.update(client, tapFilter(parseTypes(this.types), this.connection), want);
  }

  /** Every kept frame as NDJSON, oldest first. */
  ndjson(): string {
    return this.feed.ndjson();
  }

  /** Downloads the kept frames through a Blob URL (no inline data: CSP-safe). */
  export(): void {
    try {
      const blob = new Blob([this.ndjson()], { type: 'application/x-ndjson' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      const at = new Date().toISOString().replace(/[:.]/g, '-');
      a.href = url;
      a.download = `realstream-tap-${this.room() ?? 'room'}-${at}.ndjson`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) {
      this.failed((e as Error).message);
    }
  }

  render(m: RoomMetrics, s: DashboardStrings, locale?: string) {
    const people = m.people.map((p) => ({
      id: p.connectionId,
      label: `${p.name || p.userId} (${p.connectionId})`,
    }));
    return renderFeed(
      {
        feed: this.feed,
        available: this.tap.active,
        types: this.types,
        connection: this.connection,
        connections: people,
        scrollTop: this.scrollTop,
        viewportHeight: this.viewportHeight,
        selected: this.selected,
        locale,
      },
      s,
      {
        filter: (types, connection) => this.filter(types, connection),
        togglePause: () => {
          this.keepPlace(this.feed.paused ? this.feed.resume() : (this.feed.pause(), 0));
          this.host.requestUpdate();
        },
        clear: () => {
          this.selected = undefined;
          this.feed.clear();
          this.host.requestUpdate();
        },
        export: () => this.export(),
        scroll: (e) => {
          this.scrollTop = (e.currentTarget as HTMLElement).scrollTop;
          this.host.requestUpdate();
        },
        open: (item) => {
          this.selected = item;
          this.focusAfterUpdate('.feed__json');
        },
        close: () => {
          const n = this.selected?.n;
          this.selected = undefined;
          this.focusAfterUpdate(`.feed__row[data-n="${n}"]`);
        },
        move: (index) => this.move(index),
      },
    );
  }

  /** A new filter starts a fresh feed: the kept frames answered the old one. */
  private filter(types: string, connection: string): void {
    if (types === this.types && connection === this.connection) return;
    this.feed.clear();
    this.selected = undefined;
    this.types = types;
    this.connection = connection;
    this.host.requestUpdate();
  }

  private get viewport(): HTMLElement | null {
    return this.host.renderRoot.querySelector<HTMLElement>('.feed__viewport');
  }

  private onTap(batch: TapBatch): void {
    this.keepPlace(this.feed.add(batch));
    this.host.requestUpdate();
  }

  /** Newest rows go on top: a reader scrolled down keeps the rows they are reading in place. */
  private keepPlace(added: number): void {
    const vp = this.viewport;
    if (!added || !vp || vp.scrollTop <= 0) return;
    vp.scrollTop += added * ROW_PX;
    this.scrollTop = vp.scrollTop;
  }

  /** Keyboard: scrolls row `index` into view (rendering it), then focuses it. */
  private move(index: number): void {
    const vp = this.viewport;
    if (!vp) return;
    const top = index * ROW_PX;
    if (top < vp.scrollTop) vp.scrollTop = top;
    else if (top + ROW_PX > vp.scrollTop + vp.clientHeight) {
      vp.scrollTop = top + ROW_PX - vp.clientHeight;
    }
    this.scrollTop = vp.scrollTop;
    this.focusAfterUpdate(`.feed__row[data-index="${index}"]`);
  }

  private focusAfterUpdate(selector: string): void {
    this.host.requestUpdate();
    void this.host.updateComplete.then(() =>
      this.host.renderRoot.querySelector<HTMLElement>(selector)?.focus(),
    );
  }
}
