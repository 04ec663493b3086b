import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startServer, type TestServer } from '@realstream/testing/harness';

describe('party (smoke)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  it('says welcome and a snapshot after hello', async () => {
    const ws = new WebSocket(`ws://${server.host}/parties/main/smoke?name=Ada`);
    const frames: any[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'hello', protocol: 1, since: 0 }));
    const deadline = Date.now() + 5000;
    while (frames.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(frames[0].type, 'welcome');
    assert.equal(frames[0].user.name, 'Ada');
    assert.equal(frames[1].type, 'snapshot');
    ws.close();
  });
});
