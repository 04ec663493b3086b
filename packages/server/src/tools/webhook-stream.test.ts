import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { webhookTool } from './webhook.js';
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

function tool(path: string, outputSchema?: Record<string, unknown>) {
  return webhookTool(
    {
      name: 'report.build',
      title: 'Build report',
      description: 'Builds a report, slowly',
      url: `${rx.origin}${path}`,
      secret: SECRET,
      inputSchema: { type: 'object' },
      outputSchema,
      timeoutMs: 5000,
      requiresApproval: false,
      minRole: 'member',
      enabled: true,
    },
    { allowHosts: [rx.host], allowPrivate: true },
  );
}

/** Serves `parts` in order, one write each, with the given content type. */
function serve(type: string, parts: (string | Buffer)[]) {
  return (_req: unknown, res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': type });
    for (const part of parts) res.write(part);
    res.end();
  };
}

describe('NDJSON replies', () => {
  it('streams progress as it arrives, then the result', { timeout: 5000 }, async () => {
    const firstProgress = deferred();
    const gotAll = deferred();
    rx.route('/ndjson', async (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      res.write('{"progress":{"text":"fetching","percent":10}}\n');
      // Nothing more is written until the tool has reported the first line: proof that the reply
      // is read as a stream, not buffered to the end.
      await firstProgress.promise;
      const line = Buffer.from('{"progress":{"text":"Zürich ✓","percent":60}}\r\n');
      const cut = line.indexOf('✓') + 1; // inside the three bytes of ✓
      res.write(line.subarray(0, cut));
      await new Promise((r) => setImmediate(r));
      res.write(line.subarray(cut));
      res.write('\n{"heartbeat":true}\n');
      res.end('{"result":{"rows":3}}');
      gotAll.resolve();
    });
    const { ctx, progress } = context(() => firstProgress.resolve());
    const result = await tool('/ndjson').run({}, ctx);
    await gotAll.promise;
    assert.deepEqual(result, { rows: 3 });
    assert.deepEqual(progress, [
      { text: 'fetching', percent: 10 },
      { text: 'Zürich ✓', percent: 60 },
    ]);
  });

  it('fails with the error a line reports', async () => {
    rx.route(
      '/ndjson-error',
      serve('application/x-ndjson', [
        '{"progress":{"percent":5}}\n',
        '{"error":{"code":"not_found","message":"no such customer"}}\n',
        '{"result":1}\n',
      ]),
    );
    const { ctx, progress } = context();
    await failsWith(tool('/ndjson-error').run({}, ctx), 'not_found', 'no such customer');
    assert.deepEqual(progress, [{ percent: 5 }]);
  });

  it('maps an odd error code to upstream_failed', async () => {
    rx.route('/ndjson-odd', serve('application/x-ndjson', ['{"error":{"code":"Bad Thing"}}\n']));
    await failsWith(
      tool('/ndjson-odd').run({}, context().ctx),
      'upstream_failed',
      'webhook reported an error',
    );
  });

  it('fails invalid_output when the stream ends without a result', async () => {
    rx.route('/ndjson-short', serve('application/x-ndjson', ['{"progress":{"text":"a"}}\n']));
    await failsWith(
      tool('/ndjson-short').run({}, context().ctx),
      'invalid_output',
      'without a result',
    );
  });

  it('fails invalid_output on a line that is not JSON or bad progress', async () => {
    rx.route('/ndjson-junk', serve('application/x-ndjson', ['{"progress":{}}\n', 'oops\n']));
    rx.route('/ndjson-pct', serve('application/x-ndjson', ['{"progress":{"percent":150}}\n']));
    await failsWith(tool('/ndjson-junk').run({}, context().ctx), 'invalid_output', 'line 2');
    await failsWith(tool('/ndjson-pct').run({}, context().ctx), 'invalid_output', 'line 1');
  });

  it('checks a streamed result against outputSchema too', async () => {
    rx.route('/ndjson-shape', serve('application/x-ndjson', ['{"result":{"rows":"three"}}']));
    const schema = { type: 'object', properties: { rows: { type: 'integer' } } };
    await failsWith(
      tool('/ndjson-shape', schema).run({}, context().ctx),
      'invalid_output',
      '#/rows',
    );
  });

  it('stops reading and closes the stream once cancelled', { timeout: 5000 }, async () => {
    const closed = deferred();
    rx.route('/ndjson-forever', (_req, res) => {
      res.on('close', () => closed.resolve());
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      res.write('{"progress":{"text":"working"}}\n');
    });
    const { ctx, controller } = context(() => controller.abort());
    await failsWith(tool('/ndjson-forever').run({}, ctx), 'cancelled');
    await closed.promise;
  });
});

describe('SSE replies', () => {
  it('reads progress and result events across CRLF, comments and multi-line data', async () => {
    rx.route(
      '/sse',
      serve('text/event-stream; charset=utf-8', [
        ': keep-alive comment\r\n\r\n',
        'event: progress\r\ndata: {"text":"step 1",\r\n',
        'data: "percent":50}\r\n\r',
        '\nevent: ping\ndata: {}\n\n',
        'event:result\ndata:{"ok":\ndata: true}\n\n',
      ]),
    );
    const { ctx, progress } = context();
    assert.deepEqual(await tool('/sse').run({}, ctx), { ok: true });
    assert.deepEqual(progress, [{ text: 'step 1', percent: 50 }]);
  });

  it('fails with an error event', async () => {
    rx.route(
      '/sse-error',
      serve('text/event-stream', [
        'event: error\ndata: {"code":"quota","message":"try later"}\n\n',
      ]),
    );
    await failsWith(tool('/sse-error').run({}, context().ctx), 'quota', 'try later');
  });

  it('does not take a result whose event was never finished by a blank line', async () => {
    rx.route('/sse-cut', serve('text/event-stream', ['event: result\ndata: 1\n']));
    await failsWith(tool('/sse-cut').run({}, context().ctx), 'invalid_output', 'without a result');
  });
});
