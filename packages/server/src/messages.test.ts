import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '@realstream/protocol';
import { MessageStore, messageIdKey, messageKey } from './messages.js';
import { Logger } from './log.js';
import { MemoryStorage } from './storage.js';

const message = (seq: number, patch: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  seq,
  author: { kind: 'user', id: 'u1', name: 'Ada', role: 'member' },
  text: `message at ${seq}`,
  status: 'complete',
  createdAt: seq,
  updatedAt: seq,
  ...patch,
});

/** Stores a message the way the room does: under its seq, plus the id index. */
async function store(storage: MemoryStorage, m: Message): Promise<void> {
  await storage.put({ [messageKey(m.seq)]: m, [messageIdKey(m.id)]: m.seq });
}

// Message seqs have gaps (deltas and presence take seqs too) and cross digit boundaries, so a cursor
// that assumed consecutive seqs or compared keys as numbers would show here.
const KEEP_ALL = { count: 1_000_000, maxAgeMs: 0 };
const SEQS = [1, 4, 9, 10, 11, 57, 99, 100, 101, 1000, 1003];

async function room(seqs = SEQS, pageSize = 4) {
  const storage = new MemoryStorage();
  for (const seq of seqs) await store(storage, message(seq));
  return {
    storage,
    messages: await MessageStore.load(storage, pageSize, KEEP_ALL, new Logger('error')),
  };
}

const seqsOf = (messages: Message[]) => messages.map((m) => m.seq);

describe('MessageStore.page', () => {
  it('returns the newest page oldest first, with a cursor to the older ones', async () => {
    const { messages } = await room();
    const page = await messages.page(null, 3);
    assert.deepEqual(seqsOf(page.messages), [101, 1000, 1003]);
    assert.equal(page.nextBefore, 101);
  });

  it('pages back to the start without gaps or repeats, ending with nextBefore null', async () => {
    const { messages } = await room();
    const pages: number[][] = [];
    let before: number | null = null;
    do {
      const page: Awaited<ReturnType<MessageStore['page']>> = await messages.page(before, 3);
      pages.push(seqsOf(page.messages));
      before = page.nextBefore;
    } while (before !== null && pages.length < 10);
    assert.deepEqual(pages, [
      [101, 1000, 1003],
      [57, 99, 100],
      [9, 10, 11],
      [1, 4],
    ]);
  });

  it('returns null when the page reaches exactly the first message', async () => {
    const { messages } = await room([3, 5, 8, 13, 21, 34]);
    const newest = await messages.page(null, 3);
    assert.equal(newest.nextBefore, 13);
    const oldest = await messages.page(13, 3);
    assert.deepEqual(seqsOf(oldest.messages), [3, 5, 8]);
    assert.equal(oldest.nextBefore, null);
  });

  it('treats before as exclusive, even when it is not a message seq', async () => {
    const { messages } = await room();
    assert.deepEqual(seqsOf((await messages.page(100, 2)).messages), [57, 99]);
    assert.deepEqual(seqsOf((await messages.page(98, 2)).messages), [11, 57]);
  });

  it('returns an empty first page for an empty room', async () => {
    const { messages } = await room([]);
    assert.deepEqual(await messages.page(null, 50), { messages: [], nextBefore: null });
  });

  it('returns nothing before the first message', async () => {
    const { messages } = await room();
    assert.deepEqual(await messages.page(1, 50), { messages: [], nextBefore: null });
  });

  it('returns everything in one page when the limit is large enough', async () => {
    const { messages } = await room();
    const page = await messages.page(null, SEQS.length);
    assert.deepEqual(seqsOf(page.messages), SEQS);
    assert.equal(page.nextBefore, null);
  });

  it('keeps older pages stable while new messages arrive', async () => {
    const { storage, messages } = await room();
    const first = await messages.page(null, 3);
    const secondBefore = await messages.page(first.nextBefore, 3);

    for (const seq of [1010, 1011, 1020, 1030]) {
      const m = message(seq);
      await store(storage, m);
      messages.add(m);
    }

    const secondAfter = await messages.page(first.nextBefore, 3);
    assert.deepEqual(secondAfter, secondBefore);
    const third = await messages.page(secondAfter.nextBefore, 3);
    assert.deepEqual(seqsOf(third.messages), [9, 10, 11]);
    // And the newest page now shows the new messages.
    assert.deepEqual(seqsOf((await messages.page(null, 3)).messages), [1011, 1020, 1030]);
  });

  it('serves the in-memory copy of a message still streaming', async () => {
    const { storage, messages } = await room([1, 2], 4);
    const checkpoint = message(3, { id: 'r1', text: 'He', status: 'streaming' });
    await store(storage, checkpoint);
    messages.add(checkpoint);
    messages.replace({ ...checkpoint, text: 'Hello, wor' });

    const page = await messages.page(null, 10);
    assert.equal(page.messages.at(-1)!.text, 'Hello, wor');
    const stored = await storage.get<Message>(messageKey(3));
    assert.equal(stored!.text, 'He', 'the page read did not write');
  });
});

describe('MessageStore recent page', () => {
  it('loads the latest page and knows older messages exist', async () => {
    const { messages } = await room(SEQS, 4);
    assert.deepEqual(seqsOf(messages.recent), [100, 101, 1000, 1003]);
    assert.equal(messages.hasOlder, true);
  });

  it('knows when the latest page is the whole room', async () => {
    const { messages } = await room([1, 2, 3, 4], 4);
    assert.deepEqual(seqsOf(messages.recent), [1, 2, 3, 4]);
    assert.equal(messages.hasOlder, false);
  });

  it('starts empty for an empty room', async () => {
    const { messages } = await room([], 4);
    assert.deepEqual(messages.recent, []);
    assert.equal(messages.hasOlder, false);
  });

  it('trims itself to the page size as messages are added, and then has older messages', async () => {
    const { messages } = await room([1, 2], 3);
    messages.add(message(3));
    assert.deepEqual(seqsOf(messages.recent), [1, 2, 3]);
    assert.equal(messages.hasOlder, false);

    messages.add(message(4));
    messages.add(message(5));
    assert.deepEqual(seqsOf(messages.recent), [3, 4, 5]);
    assert.equal(messages.hasOlder, true);
  });

  it('replaces a message in the recent page and ignores one that left it', async () => {
    const { messages } = await room([1, 2, 3], 2);
    messages.replace(message(3, { text: 'edited' }));
    messages.replace(message(1, { text: 'too old' }));
    assert.deepEqual(
      messages.recent.map((m) => m.text),
      ['message at 2', 'edited'],
    );
  });
});

describe('MessageStore lookup', () => {
  it('finds a message by id in memory or in storage', async () => {
    const { messages } = await room(SEQS, 2);
    assert.equal((await messages.get('m1003'))!.seq, 1003);
    assert.equal((await messages.get('m4'))!.seq, 4);
    assert.equal(await messages.get('nope'), undefined);
  });

  it('maps an id to its seq', async () => {
    const { messages } = await room();
    assert.equal(await messages.seqOf('m57'), 57);
    assert.equal(await messages.seqOf('m58'), undefined);
  });
});
