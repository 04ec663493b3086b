// The room driven directly over in-memory storage that refuses values past partykit dev's 131,072
// bytes: long replies are stored whole, nothing a client read is taken back when the process dies,
// and a write that fails is never delivered (the reply ends `failed`, the room reopens).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventFrame, Message, ServerFrame } from '@realstream/protocol';
import { readConfig } from './config.js';
import { Logger } from './log.js';
import { MAX_REPLY_CHARS, STORAGE_FAILED } from './replies.js';
import type { Responder, ResponderChunk } from './responders/types.js';
import { Room, type Socket } from './room.js';
import { MemoryStorage, type ListOptions, type RoomStorage } from './storage.js';

/** Storage that can fail chosen puts, or freeze (every later call hangs, as after a kill -9). */
class TestStorage implements RoomStorage {
  readonly inner = new MemoryStorage();
  failWhen: ((entries: Record<string, unknown>) => boolean) | null = null;
  frozen = false;
  failed = 0;
  private hang<T>(op: () => Promise<T>): Promise<T> {
    return this.frozen ? new Promise<T>(() => {}) : op();
  }
  get<T>(key: string) {
    return this.hang(() => this.inner.get<T>(key));
  }
  list<T>(options: ListOptions) {
    return this.hang(() => this.inner.list<T>(options));
  }
  delete(keys: string[]) {
    return this.hang(() => this.inner.delete(keys));
  }
  put(entries: Record<string, unknown>) {
    if (this.failWhen?.(entries)) {
      this.failWhen = null;
      this.failed++;
      return Promise.reject(new Error('injected: disk full'));
    }
    return this.hang(() => this.inner.put(entries));
  }
}

/**
 * Streams `total` characters in chunks of `chunk`, yielding to timers between chunks so the room's
 * coalescing and storage run as they would with a network in between; `gate` can pause it.
 */
function streaming(total: number, chunk = 4096, gate?: { at: number; open: Promise<void> }) {
  const responder: Responder = {
    name: 'demo',
    async *respond(_input, signal): AsyncIterable<ResponderChunk> {
      for (let sent = 0; sent < total && !signal.aborted;) {
        const n = Math.min(chunk, total - sent);
        // Every character is known from its offset, so a wrong splice shows up as a mismatch.
        yield { type: 'text', text: textAt(sent, n) };
        sent += n;
        if (gate && sent >= gate.at) await gate.open;
        await new Promise((r) => setTimeout(r, 0));
      }
      yield { type: 'finish', reason: 'stop' };
    },
  };
  return new Map([['demo', responder]]);
}

/** `n` characters of the reply starting at `offset`, a few of them outside Latin-1 (two bytes each). */
const textAt = (offset: number, n: number) => {
  let s = '';
  for (let i = offset; i < offset + n; i++)
    s += i % 1000 === 999 ? 'é' : String.fromCharCode(97 + (i % 26));
  return s;
};

async function openRoom(storage: RoomStorage, responders: Map<string, Responder>) {
  const config = readConfig({ REALSTREAM_METRICS: 'off', REALSTREAM_RESPONDER: 'demo' });
  return Room.open({
    name: 'durable',
    storage,
    config,
    logger: new Logger('error', {}, () => {}),
    responders,
    serverTools: [],
  });
}

/** A connected client that keeps the text of every reply as it received it. */
async function client(room: Room, id: string) {
  const frames: ServerFrame[] = [];
  const closes: number[] = [];
  const socket: Socket = {
    id,
    send: (data) => void frames.push(JSON.parse(data) as ServerFrame),
    close: (code) => void closes.push(code),
  };
  room.connect(socket, { id, name: id, role: 'member', exp: null });
  await room.message(id, JSON.stringify({ type: 'hello', protocol: 1, since: 0 }));
  const events = () =>
    frames.flatMap((f): EventFrame[] =>
      f.type === 'event' ? [f] : f.type === 'batch' ? f.events : [],
    );
  /** The reply's text as this client has it: the deltas it received, applied at their offsets. */
  const replyText = () => {
    let text = '';
    for (const { event } of events()) {
      if (event.type === 'message.delta') {
        assert.equal(event.offset, text.length, 'deltas arrive in order without a gap');
        text += event.text;
      } else if (event.type === 'message.completed' || event.type === 'message.failed') {
        if (event.messageId.startsWith('a-')) text = event.text;
      }
    }
    return text;
  };
  const ended = () =>
    events().find((e) => e.event.type === 'message.completed' || e.event.type === 'message.failed')
      ?.event;
  const send = (msgId: string, text: string) =>
    room.message(id, JSON.stringify({ type: 'message.send', id: msgId, text }));
  return { socket, frames, closes, replyText, ended, send };
}

const until = async (what: string, check: () => unknown, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

async function storedReply(room: Room): Promise<Message> {
  const { messages } = await room.messages.page(null, 10);
  const reply = messages.find((m) => m.author.kind === 'assistant');
  assert.ok(reply, 'the reply is stored');
  return reply;
}

describe('durable replies', () => {
  it('stores a 2 MiB reply whole, within the backend value limit, and reads it back after a restart', async () => {
    const storage = new TestStorage();
    const total = 2 * 1024 * 1024;
    const room = await openRoom(storage, streaming(total, 16_384));
    const ada = await client(room, 'ada');
    await ada.send('m1', 'write a lot');
    await until('the reply to complete', () => ada.ended());
    assert.equal(ada.ended()?.type, 'message.completed');
    const expected = textAt(0, total);
    assert.equal(ada.replyText(), expected);
    // A fresh room over the same storage: the text is read back byte for byte.
    const again = await openRoom(storage, streaming(0));
    const stored = await storedReply(again);
    assert.equal(stored.status, 'complete');
    assert.equal(stored.text.length, total);
    assert.ok(stored.text === expected, 'the stored text is the streamed text');
    // The pieces stored with the deltas were compacted away.
    await until(
      'the pieces to go',
      () => ![...storage.inner.data.keys()].some((k) => k.startsWith('txt:')),
    );
  });

  it('takes back nothing a client read when the process dies mid-reply', async () => {
    const storage = new TestStorage();
    let open!: () => void;
    const gate = { at: 300_000, open: new Promise<void>((r) => (open = r)) };
    const room = await openRoom(storage, streaming(1024 * 1024, 1000, gate));
    const ada = await client(room, 'ada');
    await ada.send('m1', 'go');
    await until('300,000 characters read', () => ada.replyText().length >= 300_000);
    // A kill -9: nothing more reaches storage or anyone, the old process is simply gone.
    storage.frozen = true;
    const seen = ada.replyText();
    open();
    storage.frozen = false;
    const again = await openRoom(storage, streaming(0));
    const stored = await storedReply(again);
    assert.equal(stored.status, 'interrupted');
    assert.ok(
      stored.text.startsWith(seen),
      `stored ${stored.text.length} chars, read ${seen.length}`,
    );
    assert.equal(stored.text, textAt(0, stored.text.length), 'no hole and no repeat');
  });

  it('never delivers a delta whose write failed: the room reopens and the reply ends failed', async () => {
    const storage = new TestStorage();
    const room = await openRoom(storage, streaming(200_000, 1000));
    const ada = await client(room, 'ada');
    const bob = await client(room, 'bob');
    await ada.send('m1', 'go');
    await until('some text', () => ada.replyText().length >= 50_000);
    storage.failWhen = (entries) => Object.keys(entries).some((k) => k.startsWith('txt:'));
    await until('the failure', () => room.failure);
    assert.equal(storage.failed, 1);
    assert.deepEqual(ada.closes, [1012], 'told to reconnect (service restart)');
    assert.deepEqual(bob.closes, [1012]);
    const read = [ada.replyText(), bob.replyText()];
    const again = await room.reopen();
    const stored = await storedReply(again);
    assert.equal(stored.status, 'failed');
    assert.deepEqual(stored.error, STORAGE_FAILED);
    for (const text of read)
      assert.equal(stored.text, text, 'every client read exactly what is stored');
    // The room goes on: a reconnecting client is told how the reply ended, and can talk.
    const carol = await client(again, 'carol');
    const snapshot = carol.frames.find((f) => f.type === 'snapshot');
    assert.equal(snapshot?.type === 'snapshot' && snapshot.messages.at(-1)?.status, 'failed');
    await carol.send('m2', 'still here');
    await until('the second reply', () => carol.ended());
    assert.equal(carol.ended()?.type, 'message.completed');
  });

  it('shows a reply whose very start failed to store as failed, not as no reply at all', async () => {
    const storage = new TestStorage();
    const room = await openRoom(storage, streaming(10_000, 1000));
    const ada = await client(room, 'ada');
    storage.failWhen = (entries) =>
      Object.values(entries).some(
        (v) =>
          (v as Message | null)?.author?.kind === 'assistant' &&
          (v as Message).status === 'streaming',
      );
    await ada.send('m1', 'hello');
    await until('the failure', () => room.failure);
    assert.deepEqual(ada.closes, [1012]);
    assert.equal(ada.replyText(), '', 'nothing of the reply was delivered');
    const again = await room.reopen();
    const { messages } = await again.messages.page(null, 10);
    assert.deepEqual(
      messages.map((m) => [m.author.kind, m.status, m.error?.code]),
      [
        ['user', 'complete', undefined],
        ['assistant', 'failed', 'storage_failed'],
      ],
    );
    assert.equal(messages[1].replyTo, 'm1');
  });

  it('ends a reply at MAX_REPLY_CHARS with too_large, keeping its text', async () => {
    const storage = new TestStorage();
    const room = await openRoom(storage, streaming(MAX_REPLY_CHARS + 100_000, 65_536));
    const ada = await client(room, 'ada');
    await ada.send('m1', 'never stop');
    await until('the end', () => ada.ended(), 60_000);
    const end = ada.ended();
    assert.equal(end?.type, 'message.failed');
    assert.equal(end?.type === 'message.failed' && end.error.code, 'too_large');
    assert.equal(ada.replyText().length, MAX_REPLY_CHARS);
    const stored = await storedReply(await openRoom(storage, streaming(0)));
    assert.equal(stored.text.length, MAX_REPLY_CHARS);
  });
});
