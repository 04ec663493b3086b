// The fetch an MCP transport gets, against a real HTTP server on this machine: the allow-list on
// every request, no redirects followed, bodies capped, round trips recorded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardedFetch, McpFetchRefused } from './fetch.js';

describe('guardedFetch', () => {
  let server: Server;
  let host: string;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { Location: 'http://169.254.169.254/' });
        return res.end();
      }
      if (req.url === '/big') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.write('x'.repeat(600));
        return res.end('y'.repeat(600));
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  const refusedWith = (code: string) => (err: unknown) =>
    err instanceof McpFetchRefused && err.code === code;

  it('fetches an allowed URL and records the round trip', async () => {
    const trips: boolean[] = [];
    const f = guardedFetch({
      allowHosts: [host],
      allowPrivate: true,
      record: (_ms, failed) => trips.push(failed),
    });
    const res = await f(`http://${host}/mcp`, { method: 'POST' });
    assert.deepEqual(await res.json(), { ok: true });
    assert.deepEqual(trips, [false]);
  });

  it('refuses a host outside the list and a private address', async () => {
    const outside = guardedFetch({ allowHosts: ['mcp.example.com'], allowPrivate: true });
    await assert.rejects(outside(`http://${host}/mcp`), refusedWith('url_not_allowed'));
    const closed = guardedFetch({ allowHosts: [host], allowPrivate: false });
    await assert.rejects(closed(`http://${host}/mcp`), refusedWith('url_not_allowed'));
  });

  it('does not follow a redirect', async () => {
    const f = guardedFetch({ allowHosts: [host], allowPrivate: true });
    await assert.rejects(f(`http://${host}/redirect`), refusedWith('redirect'));
  });

  it('cuts a body past the cap', async () => {
    const f = guardedFetch({ allowHosts: [host], allowPrivate: true, maxBytes: 1000 });
    const res = await f(`http://${host}/big`);
    await assert.rejects(res.text(), refusedWith('too_large'));
    const roomy = guardedFetch({ allowHosts: [host], allowPrivate: true, maxBytes: 2000 });
    assert.equal((await (await roomy(`http://${host}/big`)).text()).length, 1200);
  });
});
