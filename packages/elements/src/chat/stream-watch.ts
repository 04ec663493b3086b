import type { ClientMessage, MessageStatus } from '@realstream/client';
import { RealstreamErrorEvent } from '../events/error.js';
import { RealstreamStreamEndEvent } from '../events/stream-end.js';
import { RealstreamStreamStartEvent } from '../events/stream-start.js';
import type { Announcer } from '../internal/announcer.js';
import type { ChatStrings } from './strings.js';

/**
 * Tells when assistant replies start and end (events, and one polite announcement each: a screen
 * reader hears "Assistant is replying" and "... finished replying", never every token), and
 * announces other people's new messages. A failed reply also fires `realstream-error` with
 * `source: 'reply'`.
 */
export class StreamWatch {
  /** Last seen status of each assistant message. */
  private readonly statuses = new Map<string, MessageStatus>();

  constructor(
    private readonly host: HTMLElement,
    private readonly announcer: Announcer,
  ) {}

  reset(): void {
    this.statuses.clear();
  }

  update(
    prev: readonly ClientMessage[],
    next: readonly ClientMessage[],
    s: ChatStrings,
    nameOf: (m: ClientMessage) => string,
    mine: (m: ClientMessage) => boolean,
    /**
     * The link is live: messages arrive as they happen. What a snapshot or a catch-up after a
     * drop brings (state connecting or reconnecting) was not witnessed and fires nothing.
     */
    live: boolean,
  ): void {
    const known = new Set(prev.map((m) => m.id));
    // Older pages loaded into view are history too: only messages past the newest known are news.
    const newest = prev.reduce((n, m) => Math.max(n, m.seq), 0);
    for (const m of next) {
      if (m.author.kind !== 'assistant') {
        // Not on the first render: that is history, not news.
        if (prev.length && !known.has(m.id) && !mine(m)) {
          this.announcer.say(s.announceMessage(nameOf(m), m.text.slice(0, 140)));
        }
        continue;
      }
      const before = this.statuses.get(m.id);
      this.statuses.set(m.id, m.status);
      // A reply that began and ended between two updates (it failed at once, was refused as busy,
      // or was short) is news all the same: it gets its start and its end.
      const fresh = before === undefined && live && m.seq > newest;
      if (m.status === 'streaming') {
        if (before !== 'streaming') this.started(m, s, nameOf);
      } else if (before === 'streaming' || fresh) {
        if (fresh) this.started(m, s, nameOf);
        this.ended(m, s, nameOf);
      }
    }
  }

  private started(m: ClientMessage, s: ChatStrings, nameOf: (m: ClientMessage) => string): void {
    this.host.dispatchEvent(
      new RealstreamStreamStartEvent({ messageId: m.id, replyTo: m.replyTo }),
    );
    this.announcer.say(s.announceReplyStart(nameOf(m)));
  }

  private ended(m: ClientMessage, s: ChatStrings, nameOf: (m: ClientMessage) => string): void {
    const { status, text } = m;
    if (status === 'streaming') return;
    this.host.dispatchEvent(new RealstreamStreamEndEvent({ messageId: m.id, status, text }));
    if (status === 'failed') {
      const { code = 'reply_failed', message = s.replyFailed } = m.error ?? {};
      this.host.dispatchEvent(new RealstreamErrorEvent({ code, message, source: 'reply' }));
    }
    const word =
      status === 'complete'
        ? 'complete'
        : status === 'stopped'
          ? s.stopped
          : status === 'interrupted'
            ? s.interrupted
            : s.replyFailed;
    this.announcer.say(s.announceReplyEnd(nameOf(m), word));
  }
}
