import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '@realstream/protocol';
import { commonPrefix, faultsInLog, Observer } from './chaos-observer.js';

let clock = 1000;
const at = () => clock;

function msg(id: string, seq: number, text: string, status: Message['status']): Message {
  return {
    id,
    seq,
    author: { kind: 'assistant', id: 'assistant', name: 'Assistant' },
    text,
    status,
    createdAt: 0,
    updatedAt: 0,
    replyTo: `u-${id}`,
  };
}

describe('commonPrefix', () => {
  it('measures the shared start of two texts', () => {
    assert.equal(commonPrefix('abcdef', 'abcxyz'), 3);
    assert.equal(commonPrefix('abc', 'abcdef'), 3);
    assert.equal(commonPrefix('abcdef', 'abc'), 3);
    assert.equal(commonPrefix('x', 'y'), 0);
    assert.equal(commonPrefix('', 'abc'), 0);
    const long = 'é🙂'.repeat(300_000);
    assert.equal(commonPrefix(long + 'a', long + 'b'), long.length);
  });
});

describe('Observer.verdict', () => {
  it('counts nothing when every view is a prefix of what is stored', () => {
    const o = new Observer(at);
    o.record(0, [msg('a', 1, 'hel', 'streaming')], 0);
    o.record(0, [msg('a', 1, 'hello', 'streaming')], 0);
    o.record(1, [msg('a', 1, 'he', 'streaming')], 0);
    const v = o.verdict([msg('a', 1, 'hello world', 'interrupted')], [], []);
    assert.deepEqual([v.takenBack, v.failedWritesDelivered, v.details], [0, 0, []]);
    assert.equal(o.reply('u-a')?.id, 'a');
  });

  it('counts what a client saw beyond the stored text as taken back, and the reply as cut', () => {
    const o = new Observer(at);
    clock = 1000;
    o.record(0, [msg('a', 1, 'hello wor', 'streaming')], 0);
    clock = 3000;
    // After the restart the snapshot shows the stored text: the client's view shrank.
    o.record(0, [msg('a', 1, 'hello', 'interrupted')], 1);
    const v = o.verdict([msg('a', 1, 'hello', 'interrupted')], [], [2000]);
    assert.equal(v.takenBack, 4);
    assert.equal(v.takenBackMessages, 1);
    assert.equal(v.cut, 1);
    assert.equal(v.failedWritesDelivered, 0);
  });

  it('keeps a view that a snapshot replaced with other, longer text', () => {
    const o = new Observer(at);
    o.record(0, [msg('a', 1, 'abc', 'streaming')], 0);
    o.record(0, [msg('a', 1, 'abXYZ', 'streaming')], 1);
    const v = o.verdict([msg('a', 1, 'abXYZ!', 'complete')], [], []);
    assert.equal(v.takenBack, 1);
  });

  it('notices a completion whose text is not the streamed one', () => {
    const o = new Observer(at);
    o.record(0, [msg('a', 1, 'abcd', 'streaming')], 0);
    o.record(0, [msg('a', 1, 'abXYZ', 'complete')], 0);
    assert.equal(o.verdict([msg('a', 1, 'abXYZ', 'complete')], [], []).takenBack, 2);
  });

  it('puts a loss a fault explains under failed writes delivered', () => {
    const o = new Observer(at);
    clock = 1000;
    o.record(0, [msg('a', 7, 'all of it', 'complete'), msg('b', 8, 'hi', 'complete')], 0);
    const faults = [{ at: 500, keys: ['msg:000000000000007'] }];
    // 'b' was delivered but is not stored, and a fault came while it was live.
    const v = o.verdict(
      [msg('a', 7, 'all', 'interrupted')],
      [...faults, { at: 1200, keys: [] }],
      [],
    );
    assert.equal(v.failedWritesDelivered, 6 + 2);
    assert.equal(v.failedWriteMessages, 2);
    assert.equal(v.takenBack, 0);
  });

  it('counts a message seen but never stored, with no fault, as taken back', () => {
    const o = new Observer(at);
    o.record(0, [msg('a', 1, '', 'streaming')], 0);
    assert.equal(o.verdict([], [], []).takenBack, 1);
  });
});

describe('faultsInLog', () => {
  it('reads the fault lines of a partykit or wrangler log, escapes and all', () => {
    const log = [
      '\x1b[2K\x1b[G[pk:inf] Ready on http://0.0.0.0:1999',
      '\x1b[2K\x1b[1A\x1b[2K\x1b[G{"t":"2026-12-01T23:25:37.351Z","level":"warn","msg":"storage fault injected","room":"r1","op":"put","keys":["msg:000000000000005","mid:m-1"],"n":1}',
      '{"t":"2026-12-01T23:25:37.351Z","level":"error","msg":"storage write failed","seq":5}',
      '\x1b[33m▲ \x1b[43;33m[\x1b[43;30mWARNING\x1b[43;33m]\x1b[0m \x1b[1m{"t":"2026-12-01T23:25:39.000Z","level":"warn","msg":"storage fault injected","op":"delete","keys":["txt:1"],"n":2}\x1b[0m',
      '{"t":"2026-12-01T23:25:38.000Z","level":"warn","msg":"storage fault injected","op":"del',
    ].join('\n');
    assert.deepEqual(faultsInLog(log), [
      { at: Date.parse('2026-12-01T23:25:37.351Z'), keys: ['msg:000000000000005', 'mid:m-1'] },
      { at: Date.parse('2026-12-01T23:25:39.000Z'), keys: ['txt:1'] },
    ]);
  });
});
