/**
 * The client against a scripted server: hello and resume, exactly-once application, gaps,
 * invalid frames, typing. (Against a real server: client.server.test.ts, client.resume.test.ts.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@realstream/testing/harness';
import { fakeServer, frames } from '../test/fake-socket.js';
import type { RealstreamClient } from './index.js';
import { events, fakeClient as client, live } from '../test/fake-client.js';

const texts = (c: RealstreamClient) => c.$messages.get().map((m) => m.text);

describe('client protocol', () => {
  it('says hello with the last seq on every open, and resumes from it after a drop', async () => {
    const server = fakeServer();
    const c = client(server);
    const first = await live(server, 0, c, 5);
    assert.deepEqual(first.frames('hello'), [{ type: 'hello', protocol: 1, since: 0 }]);
    assert.equal(first.params.get('name'), 'Ada');
    const uid = first.params.get('uid');
    assert.ok(uid, 'a guest gets a uid');

    first.deliver(frames.created(6, frames.message('m6', 6, 'six')));
    first.drop(1006);
    assert.equal(c.$status.get().state, 'reconnecting');
    const second = await server.socket(1);
    second.accept();
    assert.deepEqual(second.frames('hello'), [{ type: 'hello', protocol: 1, since: 6 }]);
    assert.equal(second.params.get('uid'), uid, 'the same guest identity on every attempt');
    assert.notEqual(second.params.get('_pk'), first.params.get('_pk'), 'a fresh connection id');
    second.deliver(frames.welcome(6, 'none'));
    await waitFor('live again', () => c.$status.get().state === 'live');
    assert.equal(c.$status.get().resumes, 1);
  });

  it('applies events once and in order, dropping replayed seqs', async () => {
    const server = fakeServer();
    const c = client(server);
    const s = await live(server, 0, c, 1, [frames.message('m1', 1, 'hi')]);
    s.deliver(frames.created(2, frames.message('a2', 2, '', 'streaming')));
    s.deliver({
      type: 'batch',
      events: [frames.delta(3, 'a2', 0, 'Hel'), frames.delta(4, 'a2', 3, 'lo')],
    });
    s.deliver(frames.delta(3, 'a2', 0, 'Hel'));
    s.deliver(frames.delta(5, 'a2', 3, 'lo there'));
    await waitFor('text', () => texts(c)[1] === 'Hello there');
    assert.equal(c.$status.get().lastSeq, 5);
    assert.equal(c.stats.gaps, 0);
  });

  it('resumes from the last applied seq on a seq gap, never applying past it', async () => {
    const server = fakeServer();
    const c = client(server);
    const seen = events(c);
    const s = await live(server, 0, c, 1, [frames.message('a1', 1, 'ab', 'streaming')]);
    s.deliver({
      type: 'batch',
      events: [
        frames.delta(2, 'a1', 2, 'c'),
        frames.delta(4, 'a1', 4, 'e'),
        frames.delta(5, 'a1', 5, 'f'),
      ],
    });
    const next = await server.socket(1);
    next.accept();
    assert.deepEqual(next.frames('hello')[0].since, 2);
    assert.equal(c.transcript()[0].text, 'abc', 'nothing past the gap');
    assert.equal(c.stats.gaps, 1);
    assert.equal(seen.find((e) => e.type === 'gap')?.type, 'gap');
    next.deliver(frames.welcome(5, 'replay'));
    next.deliver({
      type: 'batch',
      events: [
        frames.delta(3, 'a1', 3, 'd'),
        frames.delta(4, 'a1', 4, 'e'),
        frames.delta(5, 'a1', 5, 'f'),
      ],
    });
    await waitFor(
      'caught up',
      () => c.transcript()[0].text === 'abcdef' && c.$status.get().state === 'live',
    );
  });

  it('asks for a snapshot when a delta starts past the end of the text', async () => {
    const server = fakeServer();
    const c = client(server);
    const s = await live(server, 0, c, 1, [frames.message('a1', 1, 'ab', 'streaming')]);
    s.deliver(frames.delta(2, 'a1', 5, 'xyz'));
    const next = await server.socket(1);
    next.accept();
    assert.equal(next.frames('hello')[0].since, 0, 'replaying from lastSeq could not fix the text');
    next.deliver(frames.welcome(3, 'snapshot'));
    next.deliver(frames.snapshot(3, [frames.message('a1', 1, 'abcdexyz', 'streaming')]));
    await waitFor('snapshot applied', () => texts(c)[0] === 'abcdexyz');
    assert.equal(c.$status.get().snapshots, 2);
  });

  it('reports and drops a frame that fails validation, and carries on', async () => {
    const server = fakeServer();
    const c = client(server);
    const seen = events(c);
    const s = await live(server, 0, c, 0);
    s.deliver('not json');
    s.deliver(
      JSON.stringify({
        type: 'event',
        seq: 1,
        at: 1,
        event: { type: 'message.delta', messageId: 'x', offset: -1, text: 'a' },
      }),
    );
    s.deliver(JSON.stringify({ type: 'mystery' }));
    s.deliver(frames.created(1, frames.message('m1', 1, 'still fine')));
    await waitFor('valid frame applied', () => texts(c)[0] === 'still fine');
    assert.equal(c.stats.invalidFrames, 3);
    assert.deepEqual(
      seen.filter((e) => e.type === 'invalid-frame').map((e) => 'code' in e && e.code),
      ['bad_json', 'invalid_frame', 'invalid_frame'],
    );
    assert.equal(c.$status.get().state, 'live');
  });
});

describe('client typing', () => {
  it('shows who is typing until they post, and throttles its own notices', async () => {
    const server = fakeServer();
    const c = client(server);
    const s = await live(server, 0, c, 0);
    const bob = { id: 'u2', name: 'Bob', role: 'member' as const };
    s.deliver({ type: 'typing', user: bob, typing: true });
    assert.deepEqual(c.$typing.get(), [bob]);
    s.deliver(
      frames.created(1, { ...frames.message('m1', 1, 'hi'), author: { kind: 'user', ...bob } }),
    );
    assert.deepEqual(c.$typing.get(), []);

    c.typing(true);
    c.typing(true);
    c.typing(false);
    c.typing(false);
    assert.deepEqual(
      s.frames('typing').map((f) => f.typing),
      [true, false],
    );
  });
});
