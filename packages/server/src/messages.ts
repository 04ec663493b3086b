import type { Message } from '@realstream/protocol';
import type { Logger } from './log.js';
import { Trimmer, type Retention } from './retention.js';
import type { RoomStorage } from './storage.js';

/** Messages are stored under their creation seq (so key order is history order) plus an id index. */
export const messageKey = (seq: number): string => `msg:${String(seq).padStart(15, '0')}`;
export const messageIdKey = (id: string): string => `mid:${id}`;

/**
 * A piece of a streaming reply's text, stored with the delta that carried it: `offset` is where the
 * piece starts in the text. Keys sort by message, then offset.
 */
export const textKey = (seq: number, offset: number): string =>
  `txt:${String(seq).padStart(15, '0')}:${String(offset).padStart(10, '0')}`;

/** A piece of a streaming reply's reasoning (Message.reasoning), as textKey is of its text. */
export const reasoningKey = (seq: number, offset: number): string =>
  `rsn:${String(seq).padStart(15, '0')}:${String(offset).padStart(10, '0')}`;

/** The prefixes of every kind of stored piece (swept when a room opens). */
export const PIECE_PREFIXES = ['txt:', 'rsn:'] as const;

/**
 * Storage key listing the seqs of replies still streaming, rewritten with every start and end, so a
 * restart finds every reply that died with the process even when it is older than the latest page.
 */
export const STREAMS_KEY = 'streams';

/**
 * A reply's text as storage holds it: its row's text followed by its stored pieces, as far as they
 * run on without a hole. A piece that overlaps what is already there adds only what is past it.
 */
export function storedText(storage: RoomStorage, message: Message): Promise<string> {
  return joinPieces(storage, textKey(message.seq, 0).slice(0, -10), message.text);
}

/** The same for a reply's reasoning: its row's reasoning text followed by its stored pieces. */
export function storedReasoning(storage: RoomStorage, message: Message): Promise<string> {
  const prefix = reasoningKey(message.seq, 0).slice(0, -10);
  return joinPieces(storage, prefix, message.reasoning?.text ?? '');
}

async function joinPieces(storage: RoomStorage, prefix: string, base: string): Promise<string> {
  const pieces = await storage.list<string>({ prefix });
  let text = base;
  for (const [key, piece] of pieces) {
    const offset = Number(key.slice(prefix.length));
    if (offset > text.length) break;
    if (offset + piece.length > text.length) text += piece.slice(text.length - offset);
  }
  return text;
}

export const MAX_PAGE = 200;

/** Storage key holding the seq of the last `room.cleared`: messages created before it are gone. */
export const CLEARED_KEY = 'cleared';

/** Durable Object storage deletes at most 128 keys per call. */
const DELETE_CHUNK = 128;

/** How many messages the room has stored (see Trimmer). */
const MESSAGE_COUNT_KEY = 'count:msg';

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
    /** Messages with a seq below this were cleared (0: never cleared). */
    private clearedAt: number,
  ) {}

  /** Keeps the stored messages within retention, oldest first. */
  private trimmer!: Trimmer<Message>;

  static async load(
    storage: RoomStorage,
    pageSize: number,
    retention: Retention,
    logger: Logger,
  ): Promise<MessageStore> {
    const clearedAt = (await storage.get<number>(CLEARED_KEY)) ?? 0;
    const rows = await storage.list<Message>({
      prefix: 'msg:',
      start: messageKey(clearedAt),
      reverse: true,
      limit: pageSize + 1,
    });
    const latest = [...rows.values()].reverse();
    const olderExists = latest.length > pageSize;
    const store = new MessageStore(
      storage,
      pageSize,
      olderExists ? latest.slice(1) : latest,
      olderExists,
      clearedAt,
    );
    // A purge cut short by a restart goes on; until it ends, `clearedAt` hides what is left.
    if (clearedAt > 0) store.purge().catch(() => {});
    store.trimmer = await Trimmer.open<Message>(
      storage,
      MESSAGE_COUNT_KEY,
      {
        prefix: 'msg:',
        start: () => messageKey(store.clearedAt),
        alsoDelete: (m) => [messageIdKey(m.id)],
        madeAt: (m) => m.createdAt,
        inUse: (m) => m.status === 'streaming',
        forget: (gone) => store.forget(gone),
      },
      retention,
      logger,
    );
    return store;
  }

  /**
   * Forgets every message created before `seq` (the room was cleared there). The caller stores
   * CLEARED_KEY with the event; the rows themselves are deleted in the background.
   */
  clear(seq: number): void {
    this.trimmer.cleared();
    this.recent.length = 0;
    this.olderExists = false;
    this.clearedAt = seq;
    this.purge().catch(() => {});
  }

  /**
   * Deletes the stored rows and id index entries of cleared messages, a chunk at a time. A failure
   * only leaves rows that `clearedAt` already hides; the next start tries again.
   */
  private async purge(): Promise<void> {
    const end = messageKey(this.clearedAt);
    for (;;) {
      const rows = await this.storage.list<Message>({
        prefix: 'msg:',
        end,
        limit: DELETE_CHUNK / 2,
      });
      if (rows.size === 0) return;
      const keys = [...rows.keys()];
      for (const m of rows.values()) keys.push(messageIdKey(m.id));
      if (
        !(await this.storage.delete(keys).then(
          () => true,
          () => false,
        ))
      )
        return;
    }
  }

  get hasOlder(): boolean {
    return this.olderExists;
  }

  /** Entries to store with the clear (the count starts again). */
  clearedEntries(): Record<string, number> {
    return { [MESSAGE_COUNT_KEY]: 0 };
  }

  /**
   * A new message (its seq set): returns what to store with the event that creates it (its row,
   * its id index entry, the room's new count).
   */
  add(message: Message): Record<string, unknown> {
    this.recent.push(message);
    if (this.recent.length > this.pageSize) {
      this.recent.shift();
      this.olderExists = true;
    }
    return {
      [messageKey(message.seq)]: message,
      [messageIdKey(message.id)]: message.seq,
      ...this.trimmer.added(),
    };
  }

  /** How many messages are stored, by the retention count. */
  get stored(): number {
    return this.trimmer.count;
  }

  /** Resolves when no retention pass is running. */
  trimmed(): Promise<void> {
    return this.trimmer.idle();
  }

  /** Retention deleted these (the oldest): they leave the latest page too. */
  private forget(gone: Message[]): void {
    const ids = new Set(gone.map((m) => m.id));
    const kept = this.recent.filter((m) => !ids.has(m.id));
    this.recent.splice(0, this.recent.length, ...kept);
    this.olderExists = this.trimmer.count > this.recent.length;
  }

  /** Replaces the in-memory copy of a message, when it is still in the latest page. */
  replace(message: Message): void {
    const i = this.recent.findIndex((m) => m.id === message.id);
    if (i >= 0) this.recent[i] = message;
  }

  /** seq of a stored message with this id (the idempotency index). */
  async seqOf(id: string): Promise<number | undefined> {
    const seq = await this.storage.get<number>(messageIdKey(id));
    return seq === undefined || seq < this.clearedAt ? undefined : seq;
  }

  async get(id: string): Promise<Message | undefined> {
    const inMemory = this.recent.find((m) => m.id === id);
    if (inMemory) return inMemory;
    const seq = await this.seqOf(id);
    if (seq === undefined || seq < this.clearedAt) return undefined;
    return this.storage.get<Message>(messageKey(seq));
  }

  /** Messages created before seq `before` (exclusive), newest `limit` of them, returned oldest first. */
  async page(
    before: number | null,
    limit: number,
  ): Promise<{ messages: Message[]; nextBefore: number | null }> {
    const rows = await this.storage.list<Message>({
      prefix: 'msg:',
      start: messageKey(this.clearedAt),
      end: before === null ? undefined : messageKey(before),
      reverse: true,
      limit: limit + 1,
    });
    const newestFirst = [...rows.values()];
    const more = newestFirst.length > limit;
    const messages = newestFirst.slice(0, limit).reverse();
    // A streaming reply's row holds none of its text yet (its pieces do); the in-memory copy has it.
    const fresh = messages.map((m) => this.recent.find((r) => r.id === m.id) ?? m);
    return { messages: fresh, nextBefore: more && messages.length ? messages[0].seq : null };
  }
}
