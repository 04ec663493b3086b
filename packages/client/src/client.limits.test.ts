// Frames too large for the room, with the real client against a real `partykit dev`. The room
// answers a frame over its cap with too_large, but the platform closes the socket (1009) on one
// over 1 MiB before the room sees it, and the outbox would resend it on every reconnect: the client
// must refuse such a frame itself and keep its link.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { ToolCall } from '@realstream/protocol';
import { startServer, waitFor, type TestServer } from '@realstream/testing/harness';
import { connect, RealstreamError, type RealstreamClient } from './index.js';

describe('frames too large for the room', () => {
  let server: TestServer;
  const clients: RealstreamClient[] = [];
  const open = async (name: string) => {
    const c = connect({
      host: server.host,
      room: 'limits',
      name,
      uid: name,
      WebSocket: WebSocket as never,
    });
    clients.push(c);
    await waitFor(`${name} live`, () => c.$status.get().state === 'live');
    return c;
  };

  before(async () => {
    server = await startServer({ persist: false, vars: { REALSTREAM_MAX_FRAME_BYTES: 16_384 } });
  });
  after(async () => {
    for (const c of clients) c.close();
    await server.stop();
  });

  it('refuses a command over the cap locally, with too_large, and stays live', async () => {
    const c = await open('big-sender');
    const connects = c.$status.get().attempt;
    await assert.rejects(
      c.invokeTool('text.stats', { text: 'é'.repeat(2_000_000) }),
      (err: RealstreamError) => err.code === 'too_large' && /at most 16384/.test(err.message),
    );
    assert.equal(c.$status.get().state, 'live');
    assert.equal(c.$status.get().attempt, connects, 'no reconnect');
    const { callId } = await c.invokeTool('text.stats', { text: 'small enough' });
    assert.equal((await c.waitForCall(callId)).status, 'done', 'the next command goes through');
  });

  it('answers a browser tool call whose result is too large with a too_large error', async () => {
    const impl = await open('big-tool');
    impl.registerTool(
      { name: 'blob.make', description: 'Makes a big blob', inputSchema: { type: 'object' } },
      async () => ({ blob: 'x'.repeat(2 * 1024 * 1024) }),
    );
    const caller = await open('asker');
    await waitFor('the tool is available', () =>
      caller.$tools.get().some((t) => t.name === 'blob.make' && t.available),
    );
    const { callId } = await caller.invokeTool('blob.make', {});
    const call: ToolCall = await caller.waitForCall(callId);
    assert.equal(call.status, 'error');
    assert.equal(call.error?.code, 'too_large');
    assert.equal(impl.$status.get().state, 'live', 'the implementer kept its link');
  });
});
