// A bounded chaos run as part of `npm test`: the same code as `npm run chaos`, shorter and smaller.
// It fails if the room takes back any text a client was shown, or delivers a write that failed.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultFaults, runChaos } from './chaos.js';

it(
  'keeps every transcript equal to the stored history, and takes nothing back, through drops, kill -9s and failed writes',
  { timeout: 240_000 },
  async () => {
    const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
    const result = await runChaos({
      minutes: 0.5,
      clients: 6,
      lanes: 3,
      replyChars: [1024, 256 * 1024],
      longChars: 1.1 * 1024 * 1024,
      messageEveryMs: [500, 2000],
      cutEveryMs: [20, 300],
      restartsPerMinute: 4,
      faults: defaultFaults(seed, 10),
      seed,
    });
    console.log(result.line);
    console.log(
      `faults=${result.faults} replies=${result.replies} complete=${result.completeReplies} cut=${result.cut} seconds=${result.seconds}`,
    );
    assert.deepEqual(result.details, [], `seed ${seed}`);
    assert.equal(result.restarts, 3, 'two kill -9s under load and the last one');
    assert.ok(result.drops > 0, 'links were really cut');
    assert.ok(result.snapshots > 0, 'the restarts forced snapshots');
    assert.ok(result.faults > 0, 'storage faults were really injected');
    assert.ok(result.cut > 0, 'a restart cut a streaming reply');
    assert.ok(result.sent > 0 && result.replies > 0);
    assert.equal(result.lost, 0);
    assert.equal(result.duplicated, 0);
    assert.equal(result.takenBack, 0, `taken back (seed ${seed})`);
    assert.equal(result.failedWritesDelivered, 0, `failed writes delivered (seed ${seed})`);
    assert.equal(result.mismatched, 0);
  },
);
