import { afterEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerFrame } from '@realstream/protocol';
import { Tap } from './tap.js';

type TapFrame = Extract<ServerFrame, { type: 'tap' }>;

describe('Tap', () => {
  afterEach(() => mock.timers.reset());

  it('filters per listener and sends batches every 250 ms', () => {
    mock.timers.enable({ apis: ['setInterval'] });
    const tap = new Tap();
    const got: TapFrame[] = [];
    tap.add('op', { types: ['event:message'], connection: 'c1' }, (f) => got.push(f as TapFrame));
    const entry = (type: string, connection: string) => ({
      at: 1,
      dir: 'out' as const,
      type,
      bytes: 10,
      connection,
    });
    tap.record(entry('event:message.delta', '*'), '{}');
    tap.record(entry('event:presence.joined', '*'), '{}');
    tap.record(entry('event:message.created', 'c2'), '{}');
    tap.record(entry('event:message.created', 'c1'), '{}');
    mock.timers.tick(250);
    assert.equal(got.length, 1);
    assert.deepEqual(
      got[0].entries.map((e) => [e.type, e.connection]),
      [
        ['event:message.delta', '*'],
        ['event:message.created', 'c1'],
      ],
    );
    assert.equal(got[0].sampled, false);
    mock.timers.tick(250);
    assert.equal(got.length, 1, 'nothing new, nothing sent');
    tap.stop();
  });

  it('samples over 200 frames a second and says how many it dropped', () => {
    mock.timers.enable({ apis: ['setInterval'] });
    const tap = new Tap();
    const got: TapFrame[] = [];
    tap.add('op', {}, (f) => got.push(f as TapFrame));
    for (let i = 0; i < 1000; i++) {
      tap.record({ at: i, dir: 'in', type: 'ping', bytes: 5, connection: 'c' }, '{}');
    }
    mock.timers.tick(250);
    assert.equal(got[0].entries.length, 50);
    assert.equal(got[0].dropped, 950);
    assert.equal(got[0].sampled, true);
    const ats = got[0].entries.map((e) => e.at);
    assert.deepEqual(
      ats,
      [...ats].sort((a, b) => a - b),
      'in time order',
    );
    assert.ok(Math.max(...ats) > 500, 'a sample from the whole period, not just the start');
    tap.remove('op');
    assert.equal(tap.active, false);
  });
});
