// A bounded chaos run as part of `npm test`: the same code as `npm run chaos`, smaller.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { runChaos } from './chaos.js';

it(
  'keeps every transcript equal to the server history through drops and a kill -9',
  { timeout: 180_000 },
  async () => {
    const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
    const result = await runChaos({
      clients: 6,
      replies: 4,
      replyTokens: 300,
      tokensPerSecond: 300,
      messagesPerClient: 4,
      cutEveryMs: [50, 500],
      restart: true,
      seed,
    });
    console.log(result.line);
    assert.deepEqual(result.details, [], `seed ${seed}`);
    assert.equal(result.restarts, 1);
    assert.ok(result.drops > 0, 'links were really cut');
    assert.ok(result.snapshots > 0, 'the restart forced snapshots');
    assert.equal(result.sent, 6 * 4 + 4, 'every send was acknowledged');
    assert.equal(result.lost, 0);
    assert.equal(result.duplicated, 0);
    assert.equal(result.mismatched, 0);
  },
);
