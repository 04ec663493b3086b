import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { User } from '@realstream/protocol';
import { TypingTracker } from './typing.js';

const ada: User = { id: 'u1', name: 'Ada', role: 'member' };
const bob: User = { id: 'u2', name: 'Bob', role: 'member' };

describe('TypingTracker', () => {
  it('shows who types, and forgets them when they stop, leave or post', () => {
    const seen: string[][] = [];
    const t = new TypingTracker(60_000, (users) => seen.push(users.map((u) => u.name)));
    t.notice(ada, true);
    t.notice(bob, true);
    t.notice(ada, false);
    t.end('u2');
    t.end('u2');
    assert.deepEqual(seen, [['Ada'], ['Ada', 'Bob'], ['Bob'], []]);
    t.clear();
  });

  it('expires a notice that is not refreshed', (ctx) => {
    ctx.mock.timers.enable({ apis: ['setTimeout'] });
    let now = 1000;
    let users: User[] = [];
    const t = new TypingTracker(
      6000,
      (u) => (users = u),
      () => now,
    );
    t.notice(ada, true);
    now += 3000;
    t.notice(bob, true);
    ctx.mock.timers.tick(2999);
    assert.deepEqual(
      users.map((u) => u.name),
      ['Ada', 'Bob'],
    );
    now += 3000;
    ctx.mock.timers.tick(1);
    assert.deepEqual(
      users.map((u) => u.name),
      ['Bob'],
    );
    now += 3000;
    ctx.mock.timers.tick(3000);
    assert.deepEqual(users, []);
  });
});
