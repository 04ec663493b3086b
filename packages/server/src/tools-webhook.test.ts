// Webhook tools in a room on a real `partykit dev` (workerd), calling a signature-verifying
// receiver on this machine: streamed progress, timeouts, signatures and replays, and REST with SSE.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, waitFor, type TestServer } from '@realstream/testing/harness';
import { eventsOf, openRaw, type RawSocket } from '@realstream/testing/raw-socket';
import {
  deferred,
  SECRET,
  startReceiver,
  type Deferred,
  type Receiver,
} from './tools/webhook-receiver.test-util.js';
import { verifyWebhook } from './tools/webhook.js';

const INPUT = {
  type: 'object',
  properties: { topic: { type: 'string' } },
  required: ['topic'],
  additionalProperties: false,
};

/** The call's events on a socket, in order: started, progress..., ended. */
function callEvents(socket: RawSocket, callId: string) {
  return eventsOf(socket.frames)
    .map((f) => f.event)
    .filter((e) =>
      e.type === 'tool.call.started'
        ? e.call.callId === callId
        : 'callId' in e && e.callId === callId,
    );
}

function ended(socket: RawSocket, callId: string, timeoutMs = 15_000) {
  return waitFor(
    `the end of ${callId}`,
    () => {
      const e = callEvents(socket, callId).find((x) => x.type === 'tool.call.ended');
      return e?.type === 'tool.call.ended' ? e : null;
    },
    { timeoutMs },
  );
}

describe('webhook tools in a room', () => {
  let rx: Receiver;
  let server: TestServer;
  /** Per topic: held open until the test has seen the first progress line reach the room. */
  const gates = new Map<string, Deferred<void>>();
  /** Call ids whose webhook request the room closed before the receiver had answered. */
  const hungUp = new Set<string>();

  before(async () => {
    rx = await startReceiver();
    rx.route('/report', async (req, res) => {
      const { topic } = req.body.args as { topic: string };
      res.on('close', () => {
        if (!res.writableFinished) hungUp.add(req.body.callId);
      });
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      res.write('{"progress":{"text":"gathering ","percent":20}}\n');
      await gates.get(topic)?.promise;
      // One line cut in two writes: the room must join it back together.
      const line = '{"progress":{"text":"writing","percent":80}}\n';
      res.write(line.slice(0, 17));
      await new Promise((r) => setImmediate(r));
      res.write(line.slice(17));
      res.end(`{"result":{"topic":${JSON.stringify(topic)},"pages":3}}\n`);
    });
    rx.route('/never', (req, res) => {
      // Holds the request open and never answers; notes when the room hangs up.
      res.on('close', () => hungUp.add(req.body.callId));
    });
    const tools = [
      {
        name: 'report.build',
        title: 'Build a report',
        description: 'Builds a report on a topic, with progress.',
        url: `${rx.origin}/report`,
        secret: SECRET,
        inputSchema: INPUT,
        outputSchema: {
          type: 'object',
          properties: { topic: { type: 'string' }, pages: { type: 'integer' } },
          required: ['topic', 'pages'],
        },
        timeoutMs: 10_000,
      },
      {
        name: 'report.never',
        description: 'A receiver that never answers.',
        url: `${rx.origin}/never`,
        secret: SECRET,
        inputSchema: INPUT,
        timeoutMs: 1500,
      },
    ];
    server = await startServer({
      vars: {
        REALSTREAM_WEBHOOK_TOOLS: JSON.stringify(tools),
        REALSTREAM_WEBHOOK_HOSTS: rx.host,
        REALSTREAM_WEBHOOK_ALLOW_PRIVATE: 'true',
      },
    });
  });
  after(async () => {
    await server?.stop();
    await rx?.close();
  });

  it('lists the webhook tools, switched on and available', async () => {
    const ada = await openRaw(server, 'wh-list', { name: 'Ada' });
    await ada.hello();
    const snap = await ada.next('snapshot');
    const report = snap.tools.find((t) => t.name === 'report.build');
    assert.ok(report, 'report.build is listed');
    assert.deepEqual(
      [report.kind, report.enabled, report.available, report.timeoutMs],
      ['webhook', true, true, 10_000],
    );
    ada.close();
  });

  it('streams a signed webhook call: started, progress as it arrives, ended with the result', async () => {
    const ada = await openRaw(server, 'wh-run', { name: 'Ada' });
    const bob = await openRaw(server, 'wh-run', { name: 'Bob' });
    await ada.hello();
    await bob.hello();
    const gate = deferred();
    gates.set('rivers', gate);
    ada.send({ type: 'tool.invoke', id: 'wh-1', name: 'report.build', args: { topic: 'rivers' } });
    await ada.next('ack', (f) => f.id === 'wh-1');
    // The first line reaches Bob while the receiver is still holding the rest back.
    const first = await waitFor('the first progress line', () =>
      callEvents(bob, 'wh-1').find((e) => e.type === 'tool.call.progress'),
    );
    assert.deepEqual(first, {
      type: 'tool.call.progress',
      callId: 'wh-1',
      text: 'gathering ',
      percent: 20,
    });
    assert.ok(!callEvents(bob, 'wh-1').some((e) => e.type === 'tool.call.ended'));
    gate.resolve();

    const end = await ended(bob, 'wh-1');
    assert.equal(end.status, 'done');
    assert.deepEqual(end.result, { topic: 'rivers', pages: 3 });
    assert.deepEqual(
      callEvents(bob, 'wh-1').map((e) => e.type),
      ['tool.call.started', 'tool.call.progress', 'tool.call.progress', 'tool.call.ended'],
    );
    const progress = callEvents(bob, 'wh-1').filter((e) => e.type === 'tool.call.progress');
    assert.deepEqual(
      progress.map((e) => e.type === 'tool.call.progress' && [e.text, e.percent]),
      [
        ['gathering ', 20],
        ['writing', 80],
      ],
    );

    // What the receiver got: a request it verified (it answers 401 otherwise), for this call.
    const req = rx.received.find((r) => r.body.callId === 'wh-1');
    assert.ok(req, 'the receiver recorded the call');
    assert.equal(req.path, '/report');
    assert.equal(req.body.tool, 'report.build');
    assert.equal(req.body.room, 'wh-run');
    assert.deepEqual(req.body.args, { topic: 'rivers' });
    assert.match(req.headers['x-realstream-signature'], /^v1=[0-9a-f]{64}$/);
    const verdict = await verifyWebhook({
      secret: SECRET,
      timestamp: req.headers['x-realstream-timestamp'],
      signature: req.headers['x-realstream-signature'],
      body: new Uint8Array(req.raw),
      toleranceSeconds: 300,
    });
    assert.equal(verdict.ok, true, 'signed with the tool’s secret over the exact bytes');
    const wrongKey = await verifyWebhook({
      secret: SECRET.replace(/.$/, '!'),
      timestamp: req.headers['x-realstream-timestamp'],
      signature: req.headers['x-realstream-signature'],
      body: new Uint8Array(req.raw),
      toleranceSeconds: 300,
    });
    assert.equal(wrongKey.ok, false);
    assert.equal(req.headers['x-realstream-call-id'], 'wh-1');
    const caller = req.body.caller as { kind: string; name: string };
    assert.deepEqual([caller.kind, caller.name], ['user', 'Ada']);

    // The same bytes sent again are refused: the receiver remembers the call id.
    const replay = await fetch(`${rx.origin}/report`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-realstream-timestamp': req.headers['x-realstream-timestamp'],
        'x-realstream-signature': req.headers['x-realstream-signature'],
        'x-realstream-call-id': req.headers['x-realstream-call-id'],
      },
      body: new Uint8Array(req.raw),
    });
    assert.equal(replay.status, 401);
    assert.equal(await replay.text(), 'replayed');
    // And a tampered body fails the signature.
    const tampered = await fetch(`${rx.origin}/report`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-realstream-timestamp': req.headers['x-realstream-timestamp'],
        'x-realstream-signature': req.headers['x-realstream-signature'],
        'x-realstream-call-id': 'wh-forged',
      },
      body: req.raw.toString('utf8').replace('"wh-1"', '"wh-forged"'),
    });
    assert.equal(tampered.status, 401);
    assert.notEqual(await tampered.text(), 'replayed');
    assert.equal(rx.received.filter((r) => r.body.callId === 'wh-1').length, 1);
    for (const s of [ada, bob]) s.close();
  });

  it('ends a call whose webhook never answers with timeout', async () => {
    const ada = await openRaw(server, 'wh-never', { name: 'Ada' });
    await ada.hello();
    ada.send({ type: 'tool.invoke', id: 'nv-1', name: 'report.never', args: { topic: 'x' } });
    await ada.next('ack', (f) => f.id === 'nv-1');
    const end = await ended(ada, 'nv-1');
    assert.equal(end.status, 'timeout');
    assert.equal(end.error?.code, 'timeout');
    assert.ok(end.durationMs >= 1400, `ended after ${end.durationMs} ms`);
    assert.ok(end.durationMs < 8000, `ended after ${end.durationMs} ms`);
    assert.ok(
      rx.received.some((r) => r.body.callId === 'nv-1'),
      'the webhook was called',
    );
    ada.close();
  });

  it('hangs up on the webhook when a call is cancelled mid-stream', async () => {
    const ada = await openRaw(server, 'wh-cancel', { name: 'Ada' });
    await ada.hello();
    const gate = deferred();
    gates.set('cancelled', gate);
    ada.send({
      type: 'tool.invoke',
      id: 'wc-1',
      name: 'report.build',
      args: { topic: 'cancelled' },
    });
    await ada.next('ack', (f) => f.id === 'wc-1');
    await waitFor('the first progress line', () =>
      callEvents(ada, 'wc-1').find((e) => e.type === 'tool.call.progress'),
    );
    ada.send({ type: 'tool.cancel', id: 'x-wc-1', callId: 'wc-1' });
    await ada.next('ack', (f) => f.id === 'x-wc-1');
    const end = await ended(ada, 'wc-1');
    assert.equal(end.status, 'cancelled');
    await waitFor('the room to close the webhook request', () => hungUp.has('wc-1'), {
      timeoutMs: 5000,
    });
    gate.resolve(); // the receiver writes the rest into a closed connection
    // Another call end-to-end is the barrier: a late result would have been applied before it.
    ada.send({ type: 'tool.invoke', id: 'wc-2', name: 'report.build', args: { topic: 'after' } });
    assert.equal((await ended(ada, 'wc-2')).status, 'done');
    assert.equal(callEvents(ada, 'wc-1').filter((e) => e.type === 'tool.call.ended').length, 1);
    assert.equal(callEvents(ada, 'wc-1').filter((e) => e.type === 'tool.call.progress').length, 1);
    ada.close();
  });

  it('streams a REST invoke as SSE, progress included', async () => {
    const res = await fetch(`${server.roomUrl('wh-rest')}/tools/report.build/invoke`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'idempotency-key': 'rest-wh-1',
      },
      body: JSON.stringify({ args: { topic: 'lakes' } }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const text = await res.text(); // the stream ends after the call's last event
    const events = [...text.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    assert.deepEqual(events, [
      'tool.call.started',
      'tool.call.progress',
      'tool.call.progress',
      'tool.call.ended',
    ]);
    assert.match(text, /"text":"gathering "/);
    assert.match(text, /"text":"writing","percent":80/);
    const data = [...text.matchAll(/^data: (.+)$/gm)].map((m) => JSON.parse(m[1]));
    assert.deepEqual(data.at(-1).result, { topic: 'lakes', pages: 3 });
    assert.equal(data.at(-1).status, 'done');

    // The same idempotency key again runs nothing and answers with the call's end at once.
    const before = rx.received.length;
    const dup = await fetch(`${server.roomUrl('wh-rest')}/tools/report.build/invoke`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'idempotency-key': 'rest-wh-1',
      },
      body: JSON.stringify({ args: { topic: 'lakes' } }),
    });
    const again = await dup.text();
    assert.deepEqual(
      [...again.matchAll(/^event: (.+)$/gm)].map((m) => m[1]),
      ['tool.call.ended'],
    );
    assert.match(again, /"pages":3/);
    assert.equal(rx.received.length, before, 'the webhook was not called again');
  });
});
