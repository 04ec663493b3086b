import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RealstreamError } from './errors.js';
import { Outbox } from './outbox.js';

const send = (id: string) => ({ type: 'message.send' as const, id, text: `text ${id}` });

describe('Outbox', () => {
  it('keeps unanswered commands in the order they were made', () => {
    const box = new Outbox();
    void box.add(send('a'));
    void box.add(send('b'));
    void box.add({ type: 'message.stop', id: 'c', messageId: 'x' });
    assert.deepEqual(
      box.pending().map((c) => c.id),
      ['a', 'b', 'c'],
    );
  });

  it('resolves a command with its ack and forgets it', async () => {
    const box = new Outbox();
    const acked = box.add(send('a'));
    assert.equal(box.ack('a', 7, true), true);
    assert.deepEqual(await acked, { id: 'a', seq: 7, duplicate: true });
    assert.equal(box.size, 0);
    assert.equal(box.ack('a', 7), false, 'a second ack for the same id is ignored');
  });

  it('rejects a command with its error and returns it', async () => {
    const box = new Outbox();
    const acked = box.add(send('a'));
    const command = box.fail('a', new RealstreamError('message_too_long', 'too long'));
    assert.equal(command?.id, 'a');
    await assert.rejects(acked, (err: RealstreamError) => err.code === 'message_too_long');
  });

  it('returns the same promise when the same id is added twice', () => {
    const box = new Outbox();
    assert.equal(box.add(send('a')), box.add(send('a')));
    assert.equal(box.size, 1);
  });

  it('counts sends, so a resend is recognisable', () => {
    const box = new Outbox();
    void box.add(send('a'));
    assert.equal(box.markSent('a'), 1);
    assert.equal(box.markSent('a'), 2);
    assert.equal(box.markSent('gone'), 0);
  });

  it('fails everything at once, in order', async () => {
    const box = new Outbox();
    const a = box.add(send('a'));
    const b = box.add(send('b'));
    const failed = box.failAll(new RealstreamError('closed', 'bye'));
    assert.deepEqual(
      failed.map((c) => c.id),
      ['a', 'b'],
    );
    await assert.rejects(a, { code: 'closed' });
    await assert.rejects(b, { code: 'closed' });
  });

  it('never surfaces an ignored rejection as unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const box = new Outbox();
      void box.add(send('a'));
      box.fail('a', new RealstreamError('forbidden', 'no'));
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
