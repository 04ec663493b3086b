import type { ClientMessage, MessageStatus } from '@realstream/client';
import { RealstreamStreamEndEvent } from '../events/stream-end.js';
import { RealstreamStreamStartEvent } from '../events/stream-start.js';
import type { Announcer } from '../internal/announcer.js';
import type { ChatStrings } from './strings.js';

/**
 * Tells when assistant replies start and end (events, and one polite announcement each: a screen
 * reader hears "Assistant is replying" and "... finished replying", never every token), and
 * announces other people's new messages.
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
  ): void {
    const known = new Set(prev.map((m) => m.id));
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
      if (m.status === 'streaming' && before !== 'streaming') {
        this.host.dispatchEvent(
          new RealstreamStreamStartEvent({ messageId: m.id, replyTo: m.replyTo }),
        );
        this.announcer.say(s.announceReplyStart(nameOf(m)));
      } else if (before === 'streaming' && m.status !== 'streaming') {
        const { status, text } = m;
        this.host.dispatchEvent(new RealstreamStreamEndEvent({ messageId: m.id, status, text }));
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
  }
}
