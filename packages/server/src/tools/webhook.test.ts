import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { WebhookToolConfig } from './webhook-config.js';
import { WebhookConfigError } from './webhook-config.js';
import { signWebhook, verifyWebhook, webhookTool, type WebhookToolOptions } from './webhook.js';
import {
  context,
  deferred,
  failsWith,
  SECRET,
  startReceiver,
  type Receiver,
} from './webhook-receiver.test-util.js';

let rx: Receiver;
before(async () => (rx = await startReceiver()));
after(() => rx.close());

function config(path: string, over: Partial<WebhookToolConfig> = {}): WebhookToolConfig {
  return {
    name: 'weather.now',
    title: 'Weather',
    description: 'Current weather',
    url: `${rx.origin}${path}`,
    secret: SECRET,
    inputSchema: { type: 'object' },
    timeoutMs: 5000,
    requiresApproval: false,
    minRole: 'member',
    enabled: true,
    ...over,
  };
}

function tool(
  path: string,
  over: Partial<WebhookToolConfig> = {},
  opts: Partial<WebhookToolOptions> = {},
) {
  return webhookTool(config(path, over), { allowHosts: [rx.host], allowPrivate: true, ...opts });
}

describe('webhook request', () => {
  it('POSTs a signed body and returns the JSON reply', async () => {
    rx.route('/json', (_req, res) =>
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end('{"temp":21}'),
    );
    const { ctx } = context();
    const result = await tool('/json').run({ city: 'Oslo' }, ctx);
    assert.deepEqual(result, { temp: 21 });

    const req = rx.received.at(-1)!;
    assert.equal(req.headers['content-type'], 'application/json');
    assert.match(req.headers['x-realstream-signature'], /^v1=[0-9a-f]{64}$/);
    assert.match(req.headers['x-realstream-timestamp'], /^\d{10}$/);
    assert.equal(req.headers['x-realstream-call-id'], ctx.callId);
    assert.deepEqual(req.body, {
      callId: ctx.callId,
      tool: 'weather.now',
      args: { city: 'Oslo' },
      room: 'lobby',
      caller: { kind: 'user', id: 'u1', name: 'Ada' },
      timestamp: Number(req.headers['x-realstream-timestamp']),
    });
    const expected = await signWebhook(
      SECRET,
      req.headers['x-realstream-timestamp'],
      req.raw.toString(),
    );
    assert.equal(req.headers['x-realstream-signature'], expected);
  });

  it('is refused when replayed, tampered with or old', async () => {
    rx.route('/once', (_req, res) =>
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('1'),
    );
    const { ctx } = context();
    assert.equal(await tool('/once').run({}, ctx), 1);
    const first = rx.received.at(-1)!;
    const replay = (body: string) =>
      fetch(`${rx.origin}/once`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Realstream-Timestamp': first.headers['x-realstream-timestamp'],
          'X-Realstream-Signature': first.headers['x-realstream-signature'],
          'X-Realstream-Call-Id': first.headers['x-realstream-call-id'],
        },
        body,
      });
    const replayed = await replay(first.raw.toString());
    assert.deepEqual([replayed.status, await replayed.text()], [401, 'replayed']);
    const tampered = await replay(first.raw.toString().replace('"lobby"', '"other"'));
    assert.deepEqual([tampered.status, await tampered.text()], [401, 'bad_signature']);

    // The same call id sent again by the tool itself, freshly signed, is still a replay.
    await failsWith(
      tool('/once').run({}, ctx),
      'upstream_failed',
      'webhook answered 401: replayed',
    );
    const old = tool('/once', {}, { now: () => Date.now() - 10 * 60_000 });
    await failsWith(old.run({}, context().ctx), 'upstream_failed', '401: stale_timestamp');
  });

  it('fails invalid_output naming where the result breaks outputSchema', async () => {
    rx.route('/bad-output', (_req, res) =>
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end('{"days":[{"temp":3},{"temp":"warm"}]}'),
    );
    const outputSchema = {
      type: 'object',
      properties: {
        days: {
          type: 'array',
          items: { type: 'object', properties: { temp: { type: 'number' } } },
        },
      },
    };
    const err = await failsWith(
      tool('/bad-output', { outputSchema }).run({}, context().ctx),
      'invalid_output',
      '#/days/1/temp',
    );
    assert.equal(err.details?.instanceLocation, '#/days/1/temp');
  });

  it('reports a non-2xx status with the start of the body', async () => {
    const page = 'Service Unavailable. ' + 'x'.repeat(400);
    rx.route('/503', (_req, res) => res.writeHead(503, { 'Content-Type': 'text/plain' }).end(page));
    const err = await failsWith(tool('/503').run({}, context().ctx), 'upstream_failed');
    assert.equal(err.message, `webhook answered 503: ${page.slice(0, 200)}`);
  });

  it('refuses to follow a redirect', async () => {
    rx.route('/moved', (_req, res) => res.writeHead(302, { Location: `${rx.origin}/json` }).end());
    const before = rx.received.length;
    await failsWith(tool('/moved').run({}, context().ctx), 'upstream_failed', '302', 'redirect');
    assert.deepEqual(
      rx.received.slice(before).map((r) => r.path),
      ['/moved'],
    );
  });

  it('rejects JSON that does not parse and content types it does not speak', async () => {
    rx.route('/broken', (_req, res) =>
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"a":'),
    );
    rx.route('/html', (_req, res) =>
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>hi'),
    );
    await failsWith(tool('/broken').run({}, context().ctx), 'invalid_output', 'does not parse');
    await failsWith(tool('/html').run({}, context().ctx), 'invalid_output', '"text/html"');
  });

  it('fails too_large past 1 MiB, announced or streamed', async () => {
    const big = JSON.stringify('x'.repeat(1024 * 1024));
    rx.route('/big-announced', (_req, res) =>
      res
        .writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(big),
        })
        .end(big),
    );
    rx.route('/big-chunked', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      for (let i = 0; i < big.length; i += 64 * 1024) res.write(big.slice(i, i + 64 * 1024));
      res.end();
    });
    await failsWith(tool('/big-announced').run({}, context().ctx), 'too_large');
    await failsWith(tool('/big-chunked').run({}, context().ctx), 'too_large');
  });

  it('reports a refused connection as upstream_failed', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as { port: number };
    await new Promise((r) => probe.close(r));
    const t = webhookTool(config('/x', { url: `http://127.0.0.1:${port}/x` }), {
      allowHosts: [`127.0.0.1:${port}`],
      allowPrivate: true,
    });
    await failsWith(t.run({}, context().ctx), 'upstream_failed', 'webhook request failed');
  });
});

describe('webhook deadlines', () => {
  it('gives up after timeoutMs and closes the connection', { timeout: 5000 }, async () => {
    const closed = deferred();
    rx.route('/hang', (_req, res) => res.on('close', () => closed.resolve()));
    await failsWith(tool('/hang', { timeoutMs: 200 }).run({}, context().ctx), 'timeout', '200 ms');
    await closed.promise; // the receiver saw the socket go away
  });

  it('stops when the room cancels the call', { timeout: 5000 }, async () => {
    const started = deferred();
    const closed = deferred();
    rx.route('/slow', (_req, res) => {
      res.on('close', () => closed.resolve());
      started.resolve();
    });
    const { ctx, controller } = context();
    const call = tool('/slow').run({}, ctx);
    await started.promise;
    controller.abort();
    await failsWith(call, 'cancelled');
    await closed.promise;
  });

  it('does not even send when the signal is already aborted', async () => {
    const { ctx, controller } = context();
    controller.abort();
    const before = rx.received.length;
    await failsWith(tool('/json').run({}, ctx), 'cancelled');
    assert.equal(rx.received.length, before);
  });
});

describe('webhook targets', () => {
  it('refuses a private host unless allowPrivate, before sending anything', () => {
    const url = `https://${rx.host}/json`;
    for (const allowPrivate of [false, undefined]) {
      const opts = { allowHosts: [rx.host], allowPrivate: allowPrivate as boolean };
      assert.throws(
        () => webhookTool(config('/json', { url }), opts),
        (e: unknown) => {
          assert.ok(e instanceof WebhookConfigError);
          assert.match(e.message, /loopback\/private/);
          return true;
        },
      );
    }
  });

  it('refuses a host outside the allow-list', () => {
    assert.throws(
      () => tool('/json', {}, { allowHosts: ['127.0.0.1:1'] }),
      /not in REALSTREAM_WEBHOOK_HOSTS/,
    );
  });
});

describe('verifyWebhook', () => {
  const now = 1_800_000_000_000;
  const ts = String(now / 1000);

  it('accepts its own signature, also among rotated ones', async () => {
    const sig = await signWebhook(SECRET, ts, '{"a":1}');
    assert.deepEqual(
      await verifyWebhook({ secret: SECRET, timestamp: ts, signature: sig, body: '{"a":1}', now }),
      { ok: true },
    );
    const rotated = `v1=${'0'.repeat(64)}, ${sig}`;
    assert.deepEqual(
      await verifyWebhook({
        secret: SECRET,
        timestamp: ts,
        signature: rotated,
        body: '{"a":1}',
        now,
      }),
      { ok: true },
    );
  });

  it('gives a reason for each refusal', async () => {
    const sig = await signWebhook(SECRET, ts, 'b');
    const check = (over: Record<string, unknown>) =>
      verifyWebhook({ secret: SECRET, timestamp: ts, signature: sig, body: 'b', now, ...over });
    assert.deepEqual(await check({ signature: null }), { ok: false, reason: 'missing_header' });
    assert.deepEqual(await check({ timestamp: '12.5' }), { ok: false, reason: 'bad_timestamp' });
    assert.deepEqual(await check({ now: now + 301_000 }), { ok: false, reason: 'stale_timestamp' });
    assert.deepEqual(await check({ now: now - 301_000 }), { ok: false, reason: 'stale_timestamp' });
    assert.deepEqual(await check({ now: now + 299_000 }), { ok: true });
    assert.deepEqual(await check({ body: 'c' }), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(await check({ secret: SECRET + 'x' }), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(await check({ signature: sig.replace('v1=', 'v0=') }), {
      ok: false,
      reason: 'bad_signature',
    });
    assert.deepEqual(await check({ signature: 'v1=zz' }), { ok: false, reason: 'bad_signature' });
  });
});
