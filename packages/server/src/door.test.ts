// The door's rules on their own: shares per user and per address, and the wait after a flood.
// partykit dev sets no CF-Connecting-IP, so the per-address rules are only reachable here.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSE_CODES } from '@realstream/protocol';
import type { Conn } from './admission.js';
import { readConfig } from './config.js';
import { Door, floodWait, FLOOD_COOLDOWN_MS } from './door.js';
import { TokenBucket } from './rate-limit.js';

const config = readConfig({
  REALSTREAM_MAX_CONNECTIONS_PER_USER: '2',
  REALSTREAM_MAX_CONNECTIONS_PER_ADDRESS: '3',
});

function conn(id: string, user: string, address: string | null): Conn {
  return {
    socket: { id, send() {}, close() {} },
    identity: { id: user, name: user, role: 'member', exp: null },
    address,
    bucket: new TokenBucket(1, 1, Date.now()),
    refused: { count: 0, since: Date.now() },
    ready: true,
    lastTypingAt: 0,
    connectedAt: Date.now(),
  };
}

describe('Door', () => {
  it('caps sockets per user and per address, apart from each other', () => {
    const door = new Door(config, 'door-caps');
    const conns = new Map<string, Conn>();
    const add = (c: Conn) => conns.set(c.socket.id, c);
    add(conn('a1', 'ada', '203.0.113.7'));
    add(conn('a2', 'ada', '203.0.113.7'));
    const ada = door.refusal(conns, conn('x', 'ada', null).identity, null);
    assert.equal(ada?.code, CLOSE_CODES.too_many_connections);
    assert.match(ada!.reason, /most one user may/);
    add(conn('b1', 'bob', '203.0.113.7'));
    const nat = door.refusal(conns, conn('x', 'cyd', null).identity, '203.0.113.7');
    assert.match(nat?.reason ?? '', /most one address may/, 'a fourth socket from one address');
    assert.equal(door.refusal(conns, conn('x', 'cyd', null).identity, '198.51.100.1'), null);
  });

  it('makes a flooder wait, at the door too, longer with each flood', () => {
    const door = new Door(config, 'door-flood');
    const fred = conn('f1', 'fred', '203.0.113.9');
    const none = new Map<string, Conn>();
    door.cooldown(fred);
    const first = floodWait('door-flood', 'fred', null);
    assert.ok(first > FLOOD_COOLDOWN_MS - 100 && first <= FLOOD_COOLDOWN_MS, `${first} ms`);
    assert.ok(floodWait('door-flood', 'someone', '203.0.113.9') > 0, 'the address waits too');
    assert.equal(floodWait('another-room', 'fred', null), 0, 'in this room only');
    assert.equal(door.refusal(none, fred.identity, null)?.code, CLOSE_CODES.rate_limited);
    door.cooldown(fred);
    const second = floodWait('door-flood', 'fred', null);
    assert.ok(
      second > 2 * FLOOD_COOLDOWN_MS - 100,
      `the second flood waits twice as long (${second} ms)`,
    );
  });
});
