import type { Message } from '@realstream/protocol';
import type { RoomStorage } from './storage.js';

/** Messages are stored under their creation seq (so key order is history order) plus an id index. */
export const messageKey = (seq: number): string => `msg:${String(seq).padStart(15, '0')}`;
export const messageIdKey = (id: string): string => `mid:${id}`;

export const MAX_PAGE = 200;

/**
 * The room's messages: the latest page in memory (what a snapshot sends), the rest in storage, paged
 * by seq cursor so a page never shifts when new messages arrive.
 */
export class MessageStore {
  private constructor(
    private readonly storage: RoomStorage,
    private readonly pageSize: number,
    /** Latest messages, oldest first. */
    readonly recent: Message[],
    /** Whether storage holds messages older than `recent[0]`. */
    private olderExists: boolean,
  ) {}

  static async load(storage: RoomStorage, pageSize: number): Promise<MessageStore> {
    const rows = await storage.list<Message>({
      prefix: 'msg:',
      reverse: true,
      limit: pageSize + 1,
    });
    const latest = [...rows.values()].reverse();
    const olderExists = latest.length > pageSize;
    return new MessageStore(storage, pageSize, olderExists ? latest.slice(1) : latest, olderExists);
  }

  get hasOlder(): boolean {
    return this.olderExists;
  }

  add(message: Message): void {
    this.recent.push(message);
    if (this.recent.length > this.pageSize) {
      this.recent.shift();
      this.olderExists = true;
    }
  }

  /** Replaces the in-memory copy of a message, when it is still in the latest page. */
  replace(message: Message): void {
    const i = this.recent.findIndex((m) => m.id === message.id);
    if (i >= 0) this.recent[i] = message;
  }

  /** seq of a stored message with this id (the idempotency index). */
  async seqOf(id: string): Promise<number | undefined> {
    return this.storage.get<number>(messageIdKey(id));
  }

  async get(id: string): Promise<Message | undefined> {
    const inMemory = this.recent.find((m) => m.id === id);
    if (inMemory) return inMemory;
    const seq = await this.seqOf(id);
    return seq === undefined ? undefined : this.storage.get<Message>(messageKey(seq));
  }

  /** Messages created before seq `before` (exclusive), newest `limit` of them, returned oldest first. */
  async page(
    before: number | null,
    limit: number,
  ): Promise<{ messages: Message[]; nextBefore: number | null }> {
    const rows = await this.storage.list<Message>({
      prefix: 'msg:',
      end: before === null ? undefined : messageKey(before),
      reverse: true,
      limit: limit + 1,
    });
    const newestFirst = [...rows.values()];
    const more = newestFirst.length > limit;
    const messages = newestFirst.slice(0, limit).reverse();
    // Storage holds checkpoints of streaming replies; the in-memory copy is fresher.
    const fresh = messages.map((m) => this.recent.find((r) => r.id === m.id) ?? m);
    return { messages: fresh, nextBefore: more && messages.length ? messages[0].seq : null };
  }
}
