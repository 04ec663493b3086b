// Retention, with the room driven directly over in-memory storage: however many messages and calls
// a room has stored, what it keeps stays within its limits, counted key by key.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Message, ToolCall } from '@realstream/protocol';
import { readConfig } from './config.js';
import { Logger } from './log.js';
import { messageIdKey, messageKey } from './messages.js';
import { createResponders } from './responders/index.js';
import { Room, type Socket } from './room.js';
import { MemoryStorage } from './storage.js';
import { callIdKey, callKey } from './tools/calls.js';

const DAY = 86_400_000;

async function openRoom(storage: MemoryStorage, env: Record<string, string>) {
  const config = readConfig({ REALSTREAM_METRICS: 'off', ...env });
  const room = await Room.open({
    name: 'kept',
    storage,
    config,
    logger: new Logger('error', {}, () => {}),
    responders: createResponders(config),
    serverTools: [],
  });
  return room;
}

/** Stores `n` old messages the way a room stores them, with no count (a room from before counts). */
async function seedMessages(storage: MemoryStorage, n: number, createdAt: (i: number) => number) {
  const ids: Record<string, number> = {};
  const rows: Record<string, Message> = {};
  for (let i = 1; i <= n; i++) {
    const id = `old-${String(i).padStart(7, '0')}`;
    ids[messageIdKey(id)] = i;
    rows[messageKey(i)] = {
      id,
      seq: i,
      author: { kind: 'user', id: 'u', name: 'Ada' },
      text: `message ${i}`,
      status: 'complete',
      createdAt: createdAt(i),
      updatedAt: createdAt(i),
    };
  }
  // Index first, then rows: each batch in key order, as a sorted store takes them fastest.
  await storage.put(ids);
  await storage.put(rows);
  await storage.put({ meta: { reserved: n } });
}

const keysWith = (storage: MemoryStorage, prefix: string) =>
  [...storage.data.keys()].filter((k) => k.startsWith(prefix)).length;

function member(room: Room, id: string) {
  const socket: Socket = { id, send: () => {}, close: () => {} };
  room.connect(socket, { id, name: id, role: 'member', exp: null });
  return {
    hello: () => room.message(id, JSON.stringify({ type: 'hello', protocol: 1, since: 0 })),
    say: (msgId: string) =>
      room.message(
        id,
        JSON.stringify({ type: 'message.send', id: msgId, text: `hi ${msgId}`, reply: false }),
      ),
  };
}

describe('retention', () => {
  it('keeps 1,000 of a room holding 100,000 old messages, and stays bounded as it goes on', async () => {
    const storage = new MemoryStorage();
    await seedMessages(storage, 100_000, () => Date.now());
    assert.equal(keysWith(storage, 'msg:'), 100_000);
    const room = await openRoom(storage, { REALSTREAM_RETAIN_MESSAGES: '1000' });
    await room.messages.trimmed();
    assert.equal(keysWith(storage, 'msg:'), 1000);
    assert.equal(keysWith(storage, 'mid:'), 1000, 'the id index goes with its messages');
    assert.equal(room.messages.stored, 1000);
    // The newest were kept, and history still pages through them.
    const page = await room.messages.page(null, 5);
    assert.deepEqual(
      page.messages.map((m) => m.seq),
      [99_996, 99_997, 99_998, 99_999, 100_000],
    );

    const ada = member(room, 'ada');
    await ada.hello();
    for (let i = 0; i < 300; i++) await ada.say(`new-${i}`);
    await room.messages.trimmed();
    const kept = keysWith(storage, 'msg:');
    assert.ok(kept >= 1000 && kept < 1000 + 32, `${kept} messages stored`);
    // A restart reads the stored count; nothing is counted again from scratch.
    const again = await openRoom(storage, { REALSTREAM_RETAIN_MESSAGES: '1000' });
    await again.messages.trimmed();
    assert.equal(again.messages.stored, keysWith(storage, 'msg:'));
    assert.ok(keysWith(storage, 'msg:') <= 1000);
  });

  it('drops messages older than the age limit, keeping the recent ones', async () => {
    const storage = new MemoryStorage();
    const now = Date.now();
    // 500 messages, one a day: the first 470 are more than 30 days old.
    await seedMessages(storage, 500, (i) => now - (500 - i) * DAY - 1000);
    const room = await openRoom(storage, { REALSTREAM_RETAIN_MESSAGE_DAYS: '30' });
    await room.messages.trimmed();
    assert.equal(keysWith(storage, 'msg:'), 30);
    assert.equal(keysWith(storage, 'mid:'), 30);
  });

  it('keeps tool calls within their count, with their id index', async () => {
    const storage = new MemoryStorage();
    const rows: Record<string, unknown> = {};
    const ids: Record<string, number> = {};
    for (let i = 1; i <= 3000; i++) {
      const call: ToolCall = {
        callId: `call-${String(i).padStart(5, '0')}`,
        name: 'text.stats',
        args: {},
        caller: { kind: 'user', id: 'u', name: 'Ada' },
        status: 'done',
        progressText: '',
        startedAt: Date.now(),
        endedAt: Date.now(),
        result: { words: 1 },
      };
      rows[callKey(i)] = call;
      ids[callIdKey(call.callId)] = i;
    }
    await storage.put(rows);
    await storage.put(ids);
    await storage.put({ meta: { reserved: 3000 } });
    const room = await openRoom(storage, { REALSTREAM_RETAIN_CALLS: '100' });
    await room.calls.trimmed();
    assert.equal(keysWith(storage, 'call:'), 100);
    assert.equal(keysWith(storage, 'cid:'), 100);
    assert.equal(room.calls.stored, 100);
    // The newest are the ones kept.
    assert.ok(storage.data.has(callKey(3000)) && !storage.data.has(callKey(2900)));
  });
});
