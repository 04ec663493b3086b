// Clearing a room clears its tool calls for good, also across a restart (kill -9), against a real
// `partykit dev` with storage on disk.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, waitFor, type TestServer } from '@realstream/testing/harness';
import { openRaw } from '@realstream/testing/raw-socket';

describe('clearing a room', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({});
  });
  after(() => server.stop());

  const calls = async (room: string) => {
    const res = await fetch(`${server.roomUrl(room)}/tools`);
    return ((await res.json()) as { calls: { callId: string }[] }).calls;
  };

  it('keeps its tool calls cleared after a restart', async () => {
    const room = 'cleared-calls';
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.roomUrl(room)}/tools/text.stats/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `c-${i}` },
        body: JSON.stringify({ args: { text: `call ${i}` } }),
      });
      assert.equal(res.status, 200, await res.clone().text());
    }
    assert.equal((await calls(room)).length, 3);
    const op = await openRaw(server, room);
    await op.hello();
    op.send({ type: 'room.clear', id: 'clear-1' });
    await op.next('ack', (f) => f.id === 'clear-1');
    op.close();
    assert.equal((await calls(room)).length, 0);
    await server.restart();
    await waitFor('the room answers again', async () => (await fetch(server.roomUrl(room))).ok);
    assert.deepEqual(await calls(room), [], 'no call came back');
    // And the room goes on: a new call is listed.
    await fetch(`${server.roomUrl(room)}/tools/text.stats/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'after' },
      body: JSON.stringify({ args: { text: 'after' } }),
    });
    assert.deepEqual(
      (await calls(room)).map((c) => c.callId),
      ['after'],
    );
  });
});
