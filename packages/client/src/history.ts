import type { MessagePage } from '@realstream/protocol';
import type { RoomState } from './room-state.js';

/**
 * loadOlder(): pages history backwards from the cursor, one request at a time, and drops a page
 * that a snapshot made stale while it was in flight.
 */
export class History {
  private request: Promise<boolean> | null = null;

  constructor(
    private readonly state: RoomState,
    private readonly fetchOlder: (before: number | null) => Promise<MessagePage>,
    private readonly changed: () => void,
  ) {}

  loadOlder(): Promise<boolean> {
    if (this.request) return this.request;
    if (!this.state.hasMore || this.state.cursor === null) return Promise.resolve(false);
    this.request = this.load().finally(() => (this.request = null));
    return this.request;
  }

  private async load(): Promise<boolean> {
    const generation = this.state.generation;
    const page = await this.fetchOlder(this.state.cursor);
    // A snapshot arrived meanwhile: it reset the cursor, and this page may not join onto it.
    if (generation !== this.state.generation) return this.state.hasMore;
    this.state.prepend(page.messages, page.nextBefore);
    this.changed();
    return this.state.hasMore;
  }
}
