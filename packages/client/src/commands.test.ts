/**
 * The outbox through the client: optimistic messages, acks, resends after reconnect, refusals,
 * retry and discard, rate limits. (A lost ack against a real server: client.server.test.ts.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@realstream/testing/harness';
import { RealstreamError } from './index.js';
import { fakeServer, frames } from '../test/fake-socket.js';
import { fakeClient as client, live } from '../test/fake-client.js';

describe('commands', () => {
  it('shows a send at once as sending, then as the server message; resolves with the ack', async () => {
    const server = fakeServer();
    const c = client(server);
    const s = await live(server, 0, c, 0);
    const acked = c.send('hello');
    const [cmd] = s.frames('message.send');
    assert.match(cmd.id, /^[A-Za-z0-9_.:-]{1,64}$/);
    await waitFor('optimistic', () => c.$messages.get()[0]?.local === 'sending');
    assert.equal(c.$messages.get()[0].author.name, 'Ada');
    s.deliver(frames.created(1, frames.message(cmd.id, 1, 'hello')));
    s.deliver({ type: 'ack', id: cmd.id, seq: 1 });
    assert.deepEqual(await acked, { seq: 1, messageId: cmd.id, duplicate: false });
    await waitFor(
      'confirmed',
      () => c.$messages.get().length === 1 && c.$messages.get()[0].local === undefined,
    );
  });

  it('resends unacked commands in order after the catch-up of the next connection', async () => {
    const server = fakeServer();
    const c = client(server);
    const s = await live(server, 0, c, 0);
    const a = c.send('one');
    const b = c.send('two');
    s.drop(1006);
    const c3 = c.send('three'); // made while offline: not on any wire yet
    const next = await server.socket(1);
    next.accept();
    next.deliver(frames.welcome(1, 'snapshot'));
    assert.deepEqual(next.frames('message.send'), [], 'nothing before the snapshot is applied');
    next.deliver(frames.snapshot(1, [frames.message(s.frames('message.send')[0].id, 1, 'one')]));
    await waitFor('resent', () => next.frames('message.send').length === 3);
    const ids = next.frames('message.send').map((f) => f.text);
    assert.deepEqual(ids, ['one', 'two', 'three']);
    assert.equal(c.stats.resent, 2, 'two went out before; the third is a first send');
    const [one, two, three] = next.frames('message.send');
    next.deliver({ type: 'ack', id: one.id, seq: 1, duplicate: true });
    next.deliver({ type: 'ack', id: two.id, seq: 2 });
    next.deliver({ type: 'ack', id: three.id, seq: 3 });
    assert.equal((await a).duplicate, true);
    assert.equal((await b).seq, 2);
    assert.equal((await c3).seq, 3);
  });

  it('marks a refused send as failed, and retries it with the same id or discards it', async () => {
    const server = fakeServer();
    const c = client(server);
    const s = await live(server, 0, c, 0);
    const sent = c.send('too long');
    const [cmd] = s.frames('message.send');
    s.deliver({ type: 'error', id: cmd.id, code: 'message_too_long', message: 'limit is 5' });
    await assert.rejects(
      sent,
      (err) => err instanceof RealstreamError && err.code === 'message_too_long',
    );
    await waitFor('failed', () => c.$messages.get()[0]?.local === 'failed');
    assert.deepEqual(c.$messages.get()[0].error, {
      code: 'message_too_long',
      message: 'limit is 5',
    });

    const again = c.retry(cmd.id);
    assert.equal(s.frames('message.send')[1].id, cmd.id, 'same id, so it can never apply twice');
    s.deliver({ type: 'error', id: cmd.id, code: 'forbidden', message: 'no' });
    await assert.rejects(again, { code: 'forbidden' });
    c.discard(cmd.id);
    await waitFor('discarded', () => c.$messages.get().length === 0);
  });

  it('waits out a rate limit and sends the command again', async () => {
    const server = fakeServer();
    const c = client(server);
    const s = await live(server, 0, c, 0);
    const sent = c.send('hi');
    const [cmd] = s.frames('message.send');
    s.deliver({
      type: 'error',
      id: cmd.id,
      code: 'rate_limited',
      message: 'slow down',
      retryAfterMs: 30,
    });
    await waitFor('resent after the wait', () => s.frames('message.send').length === 2);
    s.deliver({ type: 'ack', id: cmd.id, seq: 1 });
    assert.equal((await sent).seq, 1);
  });
});
