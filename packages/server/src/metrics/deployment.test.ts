import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RoomSummary, WindowFigures } from '@realstream/protocol';
import { Deployment, IDLE_AFTER_MS, RESTING_FOR_MS } from './deployment.js';

const none: WindowFigures = {
  seconds: 60,
  joins: 0,
  leaves: 0,
  messagesIn: 0,
  messagesOut: 0,
  tokens: 0,
  replies: 0,
  replyErrors: 0,
  resumes: 0,
  snapshots: 0,
  replayedEvents: 0,
  rateLimited: 0,
  badFrames: 0,
  framesOut: 0,
  bytesOut: 0,
  storageWrites: 0,
  toolCalls: 0,
  toolErrors: 0,
  ttft: { count: 0, p50: 0, p95: 0, p99: 0, max: 0 },
  replyDuration: { count: 0, p50: 0, p95: 0, p99: 0, max: 0 },
};
const summary = (room: string, at: number, connections: number): RoomSummary => ({
  room,
  party: 'main',
  at,
  connections,
  streaming: 0,
  toolsRunning: 0,
  lastMinute: none,
  last15Minutes: none,
});

describe('Deployment', () => {
  it('keeps a resting room (idle clients, rare reports) until it rests too long', () => {
    const d = new Deployment();
    d.report(summary('resting', 1000, 3), true);
    d.report(summary('busy', 1000, 1));
    const later = 1000 + IDLE_AFTER_MS + 1;
    assert.deepEqual(
      d.metrics(later).rooms.map((r) => r.room),
      ['resting'],
    );
    assert.deepEqual(d.metrics(1000 + RESTING_FOR_MS + 1).rooms, []);
    // A busy report again: the usual timeout applies.
    d.report(summary('resting', 2000, 3), true);
    d.report(summary('resting', 3000, 3));
    assert.deepEqual(d.metrics(3000 + IDLE_AFTER_MS + 1).rooms, []);
  });

  it('lists reporting rooms, busiest first, and drops idle ones', () => {
    const d = new Deployment();
    d.report(summary('a', 1000, 1));
    d.report(summary('b', 1000, 5));
    d.report(summary('a', 2000, 2)); // a newer report replaces the older
    assert.deepEqual(
      d.metrics(2000).rooms.map((r) => [r.room, r.connections]),
      [
        ['b', 5],
        ['a', 2],
      ],
    );
    assert.deepEqual(
      d.metrics(1000 + IDLE_AFTER_MS + 1).rooms.map((r) => r.room),
      ['a'],
      'b stopped reporting',
    );
    d.gone('main', 'a');
    assert.deepEqual(d.metrics(2000).rooms, []);
  });
});
