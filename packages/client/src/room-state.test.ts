import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventFrame, Message, RoomSettings } from '@realstream/protocol';
import { applyDelta, RoomState } from './room-state.js';

const settings: RoomSettings = { responder: 'demo', systemPrompt: null, reasoning: 'everyone' };
const tools: never[] = [];
const calls: never[] = [];

const user = { kind: 'user', id: 'u1', name: 'Ada', role: 'member' } as const;
const assistant = { kind: 'assistant', id: 'assistant', name: 'Assistant' } as const;

function msg(id: string, seq: number, text = '', status: Message['status'] = 'complete'): Message {
  return {
    id,
    seq,
    author: status === 'streaming' ? assistant : user,
    text,
    status,
    createdAt: 1,
    updatedAt: 1,
  };
}
const created = (seq: number, m: Message): EventFrame => ({
  type: 'event',
  seq,
  at: 10,
  event: { type: 'message.created', message: m },
});
const delta = (seq: number, messageId: string, offset: number, text: string): EventFrame => ({
  type: 'event',
  seq,
  at: 10 + seq,
  event: { type: 'message.delta', messageId, offset, text },
});

/** A room at seq 2 with a user message and an empty streaming reply. */
function streamingRoom(): RoomState {
  const s = new RoomState();
  s.applySnapshot({
    type: 'snapshot',
    seq: 2,
    messages: [msg('m1', 1, 'hi'), msg('a1', 2, '', 'streaming')],
    hasMore: false,
    before: 1,
    presence: [],
    settings,
    tools,
    calls,
    mcpServers: [],
  });
  return s;
}

describe('applyDelta', () => {
  it('appends a delta that starts at the end', () => {
    assert.equal(applyDelta('Hello', 5, ' world'), 'Hello world');
  });
  it('appends only the part beyond what we have when a delta overlaps', () => {
    assert.equal(applyDelta('Hello wo', 5, ' world'), 'Hello world');
  });
  it('changes nothing for a delta we already have (replayed)', () => {
    assert.equal(applyDelta('Hello world', 5, ' world'), 'Hello world');
    assert.equal(applyDelta('Hello world', 0, 'Hello'), 'Hello world');
  });
  it('reports a delta past the end as a gap', () => {
    assert.equal(applyDelta('Hello', 6, 'world'), null);
  });
  it('counts UTF-16 units, as the server does', () => {
    assert.equal(applyDelta('😀', 2, 'a'), '😀a');
  });
});

describe('RoomState', () => {
  it('applies events in order and drops seqs it has already applied', () => {
    const s = streamingRoom();
    assert.equal(s.apply(delta(3, 'a1', 0, 'Hel')), 'applied');
    assert.equal(s.apply(delta(3, 'a1', 0, 'Hel')), 'duplicate');
    assert.equal(s.apply(delta(2, 'a1', 0, 'xxx')), 'duplicate');
    assert.equal(s.apply(delta(4, 'a1', 3, 'lo')), 'applied');
    assert.equal(s.lastSeq, 4);
    assert.equal(s.transcript()[1].text, 'Hello');
  });

  it('reports a missing seq as a gap and applies nothing past it', () => {
    const s = streamingRoom();
    const result = s.apply(delta(4, 'a1', 0, 'Hel'));
    assert.deepEqual(result, { kind: 'seq', detail: 'expected seq 3, got 4' });
    assert.equal(s.lastSeq, 2);
    assert.equal(s.transcript()[1].text, '');
  });

  it('reports a delta past the end of the text as an offset gap, leaving lastSeq', () => {
    const s = streamingRoom();
    const result = s.apply(delta(3, 'a1', 4, 'lo'));
    assert.equal(typeof result === 'object' && result.kind, 'offset');
    assert.equal(s.lastSeq, 2);
  });

  it('reports a delta for a message it never saw as a gap', () => {
    const s = streamingRoom();
    const result = s.apply(delta(3, 'nope', 0, 'x'));
    assert.equal(typeof result === 'object' && result.kind, 'unknown-message');
  });

  it('sets the whole final text on completion, even when it is shorter (an interrupted checkpoint)', () => {
    const s = streamingRoom();
    s.apply(delta(3, 'a1', 0, 'Hello world'));
    s.apply({
      type: 'event',
      seq: 4,
      at: 20,
      event: { type: 'message.completed', messageId: 'a1', status: 'interrupted', text: 'Hello' },
    });
    const m = s.transcript()[1];
    assert.equal(m.text, 'Hello');
    assert.equal(m.status, 'interrupted');
    assert.equal(s.streaming, false);
    // A stray delta after the end changes nothing.
    assert.equal(s.apply(delta(5, 'a1', 5, ' again')), 'applied');
    assert.equal(s.transcript()[1].text, 'Hello');
  });

  it('treats a created event for a known id as a replacement, and replaces the local copy', () => {
    const s = streamingRoom();
    s.addLocal({ ...msg('m2', 0, 'local text'), local: 'sending' });
    assert.equal(s.messages().at(-1)?.local, 'sending');
    s.apply(created(3, msg('m2', 3, 'local text')));
    s.apply(created(4, msg('m2', 3, 'local text')));
    const ids = s.messages().map((m) => m.id);
    assert.deepEqual(ids, ['m1', 'a1', 'm2']);
    assert.equal(s.messages().at(-1)?.local, undefined);
  });

  it('replaces message objects instead of mutating them, so renderers can compare by identity', () => {
    const s = streamingRoom();
    const before = s.messages();
    s.apply(delta(3, 'a1', 0, 'Hi'));
    const after = s.messages();
    assert.equal(after[0], before[0]);
    assert.notEqual(after[1], before[1]);
    assert.equal(before[1].text, '');
  });

  it('keeps local messages the snapshot does not know, and drops the ones it does', () => {
    const s = streamingRoom();
    s.addLocal({ ...msg('m2', 0, 'sent'), local: 'sending' });
    s.addLocal({ ...msg('m3', 0, 'refused'), local: 'failed' });
    s.applySnapshot({
      type: 'snapshot',
      seq: 9,
      messages: [msg('m2', 8, 'sent')],
      hasMore: true,
      before: 8,
      presence: [],
      settings,
      tools,
      calls,
      mcpServers: [],
    });
    assert.deepEqual(
      s.messages().map((m) => [m.id, m.local]),
      [
        ['m2', undefined],
        ['m3', 'failed'],
      ],
    );
    assert.equal(s.lastSeq, 9);
    assert.equal(s.hasMore, true);
  });

  it('tracks presence from the snapshot and from events', () => {
    const s = new RoomState();
    const ada = { id: 'u1', name: 'Ada', role: 'member' } as const;
    const bob = { id: 'u2', name: 'Bob', role: 'member' } as const;
    s.applySnapshot({
      type: 'snapshot',
      seq: 1,
      messages: [],
      hasMore: false,
      before: null,
      presence: [ada],
      settings,
      tools,
      calls,
      mcpServers: [],
    });
    s.apply({ type: 'event', seq: 2, at: 1, event: { type: 'presence.joined', user: bob } });
    s.apply({ type: 'event', seq: 3, at: 1, event: { type: 'presence.left', userId: 'u1' } });
    assert.deepEqual(s.presence, [bob]);
  });

  it('prepends an older page without duplicates and moves the cursor', () => {
    const s = new RoomState();
    s.applySnapshot({
      type: 'snapshot',
      seq: 5,
      messages: [msg('m4', 4), msg('m5', 5)],
      hasMore: true,
      before: 4,
      presence: [],
      settings,
      tools,
      calls,
      mcpServers: [],
    });
    assert.equal(s.cursor, 4);
    const added = s.prepend([msg('m2', 2), msg('m3', 3), msg('m4', 4)], 2);
    assert.equal(added, 2);
    assert.deepEqual(
      s.transcript().map((m) => m.seq),
      [2, 3, 4, 5],
    );
    assert.equal(s.cursor, 2);
    assert.equal(s.hasMore, true);
    s.prepend([msg('m1', 1)], null);
    assert.equal(s.hasMore, false);
    assert.equal(s.cursor, null);
  });

  it('pages by the snapshot cursor when a streaming reply is older than the page', () => {
    const s = new RoomState();
    // The page is seqs 20-21; the reply at seq 3 is still streaming, so the snapshot carries it.
    s.applySnapshot({
      type: 'snapshot',
      seq: 21,
      messages: [msg('a3', 3, 'still going', 'streaming'), msg('m20', 20), msg('m21', 21)],
      hasMore: true,
      before: 20,
      presence: [],
      settings,
      tools,
      calls,
      mcpServers: [],
    });
    assert.equal(s.cursor, 20, 'not the streaming reply: paging from it would skip 4-19');
    const stale = { ...msg('a3', 3, 'still', 'streaming') };
    s.prepend([msg('m2', 2), stale, msg('m4', 4), msg('m19', 19)], null);
    assert.deepEqual(
      s.transcript().map((m) => m.id),
      ['m2', 'a3', 'm4', 'm19', 'm20', 'm21'],
    );
    assert.equal(s.transcript()[1].text, 'still going', 'the live copy wins over the page');
    assert.equal(s.streaming, true);
  });

  it('keeps only the latest settled messages, and pages the dropped ones back in', () => {
    const s = new RoomState(2);
    s.applySnapshot({
      type: 'snapshot',
      seq: 3,
      messages: [msg('m1', 1), msg('a2', 2, 'go', 'streaming'), msg('m3', 3)],
      hasMore: false,
      before: null,
      presence: [],
      settings,
      tools,
      calls,
      mcpServers: [],
    });
    assert.deepEqual(
      s.transcript().map((m) => m.id),
      ['a2', 'm3'],
    );
    assert.equal(s.hasMore, true, 'the dropped message is history again');
    assert.equal(s.cursor, 2);
    const created = (id: string, seq: number) =>
      s.apply({
        type: 'event',
        seq,
        at: 1,
        event: { type: 'message.created', message: msg(id, seq) },
      });
    assert.equal(created('m4', 4), 'applied');
    assert.deepEqual(
      s.transcript().map((m) => m.id),
      ['a2', 'm4'],
      'the streaming reply stays: its deltas must still apply',
    );
    assert.equal(
      s.apply({
        type: 'event',
        seq: 5,
        at: 1,
        event: { type: 'message.delta', messageId: 'a2', offset: 2, text: ' on' },
      }),
      'applied',
    );
    assert.equal(s.transcript()[0].text, 'go on');
    assert.equal(s.cursor, 4, 'the next page starts with m3, the newest dropped');
    s.prepend([msg('m1', 1), msg('a2', 2, 'go', 'streaming'), msg('m3', 3)], null);
    assert.deepEqual(
      s.transcript().map((m) => m.id),
      ['m1', 'a2', 'm3', 'm4'],
    );
    assert.equal(s.transcript()[1].text, 'go on', 'the live copy wins over the page');
  });

  it('with maxMessages 0 holds only what is streaming', () => {
    const s = new RoomState(0);
    s.applySnapshot({
      type: 'snapshot',
      seq: 1,
      messages: [],
      hasMore: false,
      before: null,
      presence: [],
      settings,
      tools,
      calls,
      mcpServers: [],
    });
    s.apply({
      type: 'event',
      seq: 2,
      at: 1,
      event: { type: 'message.created', message: msg('a2', 2, '', 'streaming') },
    });
    assert.deepEqual(
      s.transcript().map((m) => m.id),
      ['a2'],
    );
    s.apply({
      type: 'event',
      seq: 3,
      at: 1,
      event: { type: 'message.completed', messageId: 'a2', text: 'done', status: 'complete' },
    });
    assert.deepEqual(s.transcript(), []);
    assert.equal(s.streaming, false);
  });
});

describe('RoomState: reasoning', () => {
  const thought = (seq: number, offset: number, text: string, withheld = false): EventFrame => ({
    type: 'event',
    seq,
    at: 100 * seq,
    event: {
      type: 'message.delta',
      messageId: 'a1',
      offset,
      text,
      part: 'reasoning',
      ...(withheld && { withheld: true as const }),
    },
  });
  const reply = (s: RoomState) => s.messages().find((m) => m.id === 'a1')!;

  it('grows the reasoning apart from the text, idempotently, and times it when the answer starts', () => {
    const s = streamingRoom();
    assert.equal(s.apply(thought(3, 0, 'Rooms')), 'applied');
    assert.deepEqual(reply(s).reasoning, { text: 'Rooms', startedAt: 300 });
    assert.equal(s.apply(thought(4, 0, 'Rooms are')), 'applied', 'an overlapping delta');
    assert.equal(reply(s).reasoning?.text, 'Rooms are');
    assert.equal(reply(s).text, '');
    assert.equal(reply(s).reasoning?.ms, undefined, 'still reasoning');
    const answer = { ...delta(5, 'a1', 0, 'Yes'), at: 1250 };
    assert.equal(s.apply(answer), 'applied');
    assert.equal(reply(s).text, 'Yes');
    assert.equal(reply(s).reasoning?.ms, 950, 'from its first thought to the answer');
  });

  it('reports a reasoning delta past the end as a gap, not a guess', () => {
    const s = streamingRoom();
    s.apply(thought(3, 0, 'Rooms'));
    const gap = s.apply(thought(4, 9, 'logs'));
    assert.ok(typeof gap === 'object' && gap.kind === 'offset');
    assert.equal(reply(s).reasoning?.text, 'Rooms');
  });

  it('marks reasoning withheld by the room without any text', () => {
    const s = streamingRoom();
    s.apply(thought(3, 0, '', true));
    s.apply(thought(4, 40, '', true));
    assert.deepEqual(reply(s).reasoning, { text: '', startedAt: 300, withheld: true });
  });

  it('takes the final reasoning from the completion', () => {
    const s = streamingRoom();
    s.apply(thought(3, 0, 'Roo'));
    const final = { text: 'Rooms are logs', startedAt: 290, ms: 1200 };
    s.apply({
      type: 'event',
      seq: 4,
      at: 400,
      event: {
        type: 'message.completed',
        messageId: 'a1',
        status: 'complete',
        text: 'Yes',
        reasoning: final,
      },
    });
    assert.deepEqual(reply(s).reasoning, final);
    assert.equal(reply(s).status, 'complete');
    // A stray reasoning delta after the end changes nothing.
    s.apply(thought(5, 3, 'ms are logs and more'));
    assert.deepEqual(reply(s).reasoning, final);
  });
});
