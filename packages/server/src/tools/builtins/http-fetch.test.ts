import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Validator } from '@cfworker/json-schema';
import type { ToolProgress } from '@realstream/protocol';
import type { RoomView, ToolRunContext } from '../types.js';
import { WebhookConfigError } from '../webhook-config.js';
import { httpFetchTool, parseAllowHost, parseHttpFetchHosts } from './http-fetch.js';

interface Out {
  url: string;
  status: number;
  contentType: string | null;
  headers: Record<string, string>;
  body: string;
  truncated: boolean;
  note?: string;
}

/** Requests the servers saw, so tests can check what went out on the wire. */
const seen: { method?: string; url?: string; headers: IncomingHttpHeaders }[] = [];
let other = '';
/** Resolves when /hang has sent its first chunk; the response then never ends. */
let hanging: Promise<void>;
let hangStarted: () => void;
let hangClosed: Promise<void>;
let hangEnded: () => void;

function serve(handler: Parameters<typeof createServer>[1]): Promise<[Server, string]> {
  const server = createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve([server, `127.0.0.1:${(server.address() as AddressInfo).port}`]);
    }),
  );
}

let main: Server;
let otherServer: Server;
let host = '';

before(async () => {
  hanging = new Promise((r) => (hangStarted = r));
  hangClosed = new Promise((r) => (hangEnded = r));
  [otherServer, other] = await serve((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('other origin');
  });
  [main, host] = await serve((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    const path = req.url ?? '/';
    if (path === '/hello') {
      res.writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        etag: '"v1"',
        'set-cookie': 'a=b',
      });
      res.end('hello, wörld');
    } else if (path === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(300 * 1024) });
      // 300 KiB of "é" (2 bytes each), so a cut at 256 KiB lands on a character boundary.
      for (let i = 0; i < 30; i++) res.write('é'.repeat(5 * 1024));
      res.end();
    } else if (path === '/odd') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('a' + 'é'.repeat(100)); // 201 bytes
    } else if (path === '/latin1') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' });
      res.end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    } else if (path === '/png') {
      res
        .writeHead(200, { 'content-type': 'image/png' })
        .end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    } else if (path === '/untyped-binary') {
      res.end(Buffer.from([1, 0, 2, 0]));
    } else if (path === '/missing') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    } else if (path === '/to-hello') {
      res.writeHead(302, { location: '/hello' }).end();
    } else if (path === '/to-other') {
      res.writeHead(307, { location: `http://${other}/landing` }).end();
    } else if (path === '/to-evil') {
      res.writeHead(301, { location: 'http://evil.example/steal' }).end();
    } else if (path === '/to-file') {
      res.writeHead(302, { location: 'file:///etc/passwd' }).end();
    } else if (path.startsWith('/loop/')) {
      const n = Number(path.slice(6));
      res.writeHead(302, { location: `/loop/${n + 1}` }).end();
    } else if (path === '/hang') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('x'.repeat(20 * 1024), () => hangStarted());
      res.on('close', () => hangEnded());
    } else {
      res.writeHead(500).end();
    }
  });
});

after(() => {
  for (const s of [main, otherServer]) {
    s.closeAllConnections();
    s.close();
  }
});

const room = {} as RoomView;
function context(signal = new AbortController().signal) {
  const progress: ToolProgress[] = [];
  const ctx: ToolRunContext = { signal, room, progress: (p) => progress.push(p) };
  return { ctx, progress };
}

async function get(args: object, opts: { maxBytes?: number; ctx?: ToolRunContext } = {}) {
  const tool = httpFetchTool({ allowHosts: [host, other], maxBytes: opts.maxBytes });
  return (await tool.run(args, opts.ctx ?? context().ctx)) as Out;
}

describe('http.fetch allow-list', () => {
  const allowed = (entries: string[], url: string) => {
    const tool = httpFetchTool({ allowHosts: entries, fetch: async () => new Response('ok') });
    return tool.run({ url }, context().ctx).then(
      () => true,
      (err) => (err.code === 'host_not_allowed' ? false : Promise.reject(err)),
    );
  };

  it('matches host names exactly; a bare host on the default port only', async () => {
    assert.equal(await allowed(['example.com'], 'https://example.com/a'), true);
    assert.equal(await allowed(['example.com'], 'https://example.com:443/a'), true);
    assert.equal(await allowed(['example.com'], 'http://EXAMPLE.com/'), true);
    assert.equal(await allowed(['Example.COM'], 'https://example.com/'), true);
    assert.equal(await allowed(['example.com'], 'https://www.example.com/'), false);
    assert.equal(await allowed(['example.com'], 'https://example.com.evil.net/'), false);
    assert.equal(await allowed(['example.com'], 'https://example.com:22/'), false);
    assert.equal(await allowed(['example.com'], 'http://example.com:8080/'), false);
    assert.equal(await allowed(['example.com'], 'http://example.com:443/'), false);
  });

  it('matches host:port on that port only', async () => {
    assert.equal(await allowed(['example.com:8443'], 'https://example.com:8443/'), true);
    assert.equal(await allowed(['example.com:8443'], 'https://example.com/'), false);
    assert.equal(await allowed(['example.com:8443'], 'https://example.com:8444/'), false);
    assert.equal(await allowed(['example.com:443'], 'https://example.com/'), true);
    assert.equal(await allowed(['[::1]:8080'], 'http://[::1]:8080/'), true);
    assert.equal(await allowed(['[::1]:8080'], 'http://[::1]:8081/'), false);
  });

  it('lets *.host match subdomains only, on its port', async () => {
    assert.equal(await allowed(['*.example.com'], 'https://api.example.com/'), true);
    assert.equal(await allowed(['*.example.com'], 'https://a.b.example.com/'), true);
    assert.equal(await allowed(['*.example.com'], 'https://example.com/'), false);
    assert.equal(await allowed(['*.example.com'], 'https://badexample.com/'), false);
    assert.equal(await allowed(['*.example.com'], 'https://api.example.com:8443/'), false);
    assert.equal(await allowed(['*.example.com:8443'], 'https://api.example.com:8443/'), true);
  });

  it('names host:port and the variable when only the port is not allowed', async () => {
    const tool = httpFetchTool({
      allowHosts: ['example.com', 'api.example.com:8443'],
      fetch: async () => new Response('ok'),
    });
    await assert.rejects(tool.run({ url: 'https://example.com:22/' }, context().ctx), {
      code: 'host_not_allowed',
      message:
        "example.com:22 is not on this room's allow-list (allowed: example.com, api.example.com:8443): " +
        'an entry without a port allows only 443 for https and 80 for http; ' +
        'add example.com:22 to REALSTREAM_HTTP_FETCH_HOSTS to allow that port',
    });
    await assert.rejects(tool.run({ url: 'https://api.example.com/' }, context().ctx), {
      code: 'host_not_allowed',
      message:
        /^api\.example\.com:443 is not .* add api\.example\.com:443 to REALSTREAM_HTTP_FETCH_HOSTS/,
    });
  });

  it('checks the port of every redirect hop', async () => {
    const tool = httpFetchTool({
      allowHosts: ['example.com'],
      fetch: async (input) =>
        String(input) === 'https://example.com/'
          ? new Response(null, { status: 302, headers: { location: 'https://example.com:22/' } })
          : new Response('reached port 22'),
    });
    await assert.rejects(tool.run({ url: 'https://example.com/' }, context().ctx), {
      code: 'host_not_allowed',
      message:
        /^example\.com redirected to https:\/\/example\.com:22\/, but example\.com:22 is not/,
    });
  });

  it('refuses bad entries when the tool is made', () => {
    for (const bad of ['', 'http://example.com', 'example.com/path', '*', 'a b', 'user@host']) {
      assert.throws(() => parseAllowHost(bad), /allow-list entry/, bad);
    }
    assert.throws(() => httpFetchTool({ allowHosts: ['x.com'], maxBytes: 0 }), /maxBytes/);
  });

  it('reads REALSTREAM_HTTP_FETCH_HOSTS into canonical entries', () => {
    assert.deepEqual(
      parseHttpFetchHosts(' Example.COM, api.example.com:08443 ,, *.Example.org,[0::1]:80', {
        allowPrivate: true,
      }),
      ['example.com', 'api.example.com:8443', '*.example.org', '[::1]:80'],
    );
    assert.deepEqual(parseHttpFetchHosts(undefined, { allowPrivate: false }), []);
    assert.deepEqual(parseHttpFetchHosts(' ', { allowPrivate: false }), []);
    assert.throws(
      () => parseHttpFetchHosts('a.com, https://b.com', { allowPrivate: false }),
      (err: unknown) =>
        err instanceof WebhookConfigError &&
        err.message.includes('REALSTREAM_HTTP_FETCH_HOSTS[1]') &&
        err.message.includes('https://b.com'),
    );
  });

  it('refuses reserved entries unless REALSTREAM_WEBHOOK_ALLOW_PRIVATE', () => {
    for (const entry of [
      '198.18.0.1',
      '198.19.255.255:8080',
      '[2001:db8::1]',
      '[::ffff:198.18.0.1]',
      '[64:ff9b::a00:1]',
      '[2002:c0a8:0101::]',
      '127.0.0.1:8787',
      '0x7f.1',
      'localhost:3000',
      '*.dev.localhost',
      '*.corp.internal',
    ]) {
      assert.throws(
        () => parseHttpFetchHosts(`example.com,${entry}`, { allowPrivate: false }),
        (err: unknown) =>
          err instanceof WebhookConfigError &&
          err.message.startsWith('REALSTREAM_HTTP_FETCH_HOSTS[1]') &&
          err.message.includes('REALSTREAM_WEBHOOK_ALLOW_PRIVATE=true'),
        entry,
      );
      assert.equal(parseHttpFetchHosts(entry, { allowPrivate: true }).length, 1, entry);
    }
    assert.throws(
      () => parseHttpFetchHosts('198.18.0.1', { allowPrivate: false }),
      /198\.18\.0\.0\/15/,
      'the message names the range',
    );
  });

  it('refuses a host not on the list without connecting', async () => {
    let called = false;
    const tool = httpFetchTool({
      allowHosts: ['example.com'],
      fetch: async () => ((called = true), new Response()),
    });
    await assert.rejects(tool.run({ url: 'https://evil.example/x' }, context().ctx), {
      code: 'host_not_allowed',
      message: "evil.example is not on this room's allow-list (allowed: example.com)",
    });
    assert.equal(called, false);
  });

  it('refuses other schemes, credentials, bad URLs and hop-by-hop headers', async () => {
    const run = (args: object) => get(args);
    await assert.rejects(run({ url: 'ftp://example.com/' }), {
      code: 'invalid_argument',
      message: /only http and https/,
    });
    await assert.rejects(run({ url: `http://u:p@${host}/hello` }), {
      code: 'invalid_argument',
      message: /credentials/,
    });
    await assert.rejects(run({ url: '/relative' }), {
      code: 'invalid_argument',
      message: /not an absolute URL/,
    });
    await assert.rejects(run({ url: `http://${host}/hello`, headers: { Host: 'evil.example' } }), {
      code: 'invalid_argument',
      message: 'the "Host" header cannot be set',
    });
  });
});

describe('http.fetch requests', () => {
  it('returns status, type, safe headers and the body', async () => {
    const out = await get({ url: `http://${host}/hello` });
    assert.equal(out.url, `http://${host}/hello`);
    assert.equal(out.status, 200);
    assert.equal(out.contentType, 'text/plain; charset=utf-8');
    assert.equal(out.body, 'hello, wörld');
    assert.equal(out.truncated, false);
    assert.equal(out.headers.etag, '"v1"');
    assert.equal(out.headers['set-cookie'], undefined, 'cookies are not shown');
    const output = new Validator(
      httpFetchTool({ allowHosts: [host] }).outputSchema as object,
      '2020-12',
      false,
    );
    assert.ok(output.validate(out).valid);
  });

  it('sends the caller’s headers', async () => {
    await get({ url: `http://${host}/hello`, headers: { accept: 'text/plain', 'X-Trace': 't1' } });
    const req = seen.at(-1)!;
    assert.equal(req.headers.accept, 'text/plain');
    assert.equal(req.headers['x-trace'], 't1');
  });

  it('returns error statuses as results, not failures', async () => {
    const out = await get({ url: `http://${host}/missing` });
    assert.equal(out.status, 404);
    assert.equal(out.body, '{"error":"not found"}');
  });

  it('decodes the declared charset', async () => {
    assert.equal((await get({ url: `http://${host}/latin1` })).body, 'café');
  });

  it('stops at maxBytes, reporting progress as it reads', async () => {
    const { ctx, progress } = context();
    const out = await get({ url: `http://${host}/big` }, { ctx });
    assert.equal(out.truncated, true);
    assert.equal(Buffer.byteLength(out.body), 256 * 1024);
    assert.equal(out.body, 'é'.repeat(128 * 1024));
    assert.ok(progress.length >= 3, `${progress.length} progress reports`);
    assert.match(progress[0].text!, /^received \d+ KB$/);
    // Percentages of the 256 KiB that will be read, since the server announced 300 KiB.
    for (const p of progress.slice(0, -1)) {
      const kb = Number(/^received (\d+) KB$/.exec(p.text!)![1]);
      assert.ok(Math.abs(p.percent! - (kb / 256) * 100) <= 1, `${p.text}: ${p.percent}%`);
    }
    assert.ok(progress.every((p) => p.percent === undefined || p.percent <= 100));
    assert.equal(progress.at(-1)!.text, 'received 256 KB (truncated)');
  });

  it('never splits a character at the cut', async () => {
    const out = await get({ url: `http://${host}/odd` }, { maxBytes: 100 });
    assert.equal(out.truncated, true);
    assert.equal(out.body, 'a' + 'é'.repeat(49), 'the half é at byte 100 is dropped');
  });

  it('does not read a body when it is not text', async () => {
    const png = await get({ url: `http://${host}/png` });
    assert.equal(png.body, '');
    assert.equal(png.note, 'image/png is not text, so the body is not shown');
    const untyped = await get({ url: `http://${host}/untyped-binary` });
    assert.equal(untyped.body, '');
    assert.match(untyped.note!, /looks binary/);
  });

  it('sends HEAD and returns no body', async () => {
    const out = await get({ url: `http://${host}/hello`, method: 'HEAD' });
    assert.equal(seen.at(-1)!.method, 'HEAD');
    assert.equal(out.status, 200);
    assert.equal(out.body, '');
    assert.equal(out.contentType, 'text/plain; charset=utf-8');
  });

  it('fails with upstream_failed when nothing listens', async () => {
    const [closed, address] = await serve(() => {});
    await new Promise((r) => closed.close(r));
    const tool = httpFetchTool({ allowHosts: [address] });
    await assert.rejects(tool.run({ url: `http://${address}/` }, context().ctx), {
      code: 'upstream_failed',
      message: `could not fetch http://${address}/: ECONNREFUSED`,
    });
  });
});

describe('http.fetch redirects', () => {
  it('follows a redirect on an allowed host and reports the final URL', async () => {
    const out = await get({ url: `http://${host}/to-hello` });
    assert.equal(out.url, `http://${host}/hello`);
    assert.equal(out.body, 'hello, wörld');
  });

  it('refuses a redirect to a host not on the list, before connecting to it', async () => {
    await assert.rejects(get({ url: `http://${host}/to-evil` }), {
      code: 'host_not_allowed',
      message: `${host} redirected to http://evil.example/steal, but evil.example is not on this room's allow-list (allowed: ${host}, ${other})`,
    });
    await assert.rejects(get({ url: `http://${host}/to-file` }), {
      code: 'upstream_failed',
      message: /only http and https/,
    });
  });

  it('gives up after 5 redirects', async () => {
    await assert.rejects(get({ url: `http://${host}/loop/0` }), { code: 'too_many_redirects' });
    assert.equal(seen.at(-1)!.url, '/loop/5', 'the first request and 5 redirects, no more');
  });

  it('drops credentials when a redirect leaves the origin', async () => {
    const out = await get({
      url: `http://${host}/to-other`,
      headers: { authorization: 'Bearer secret', cookie: 'sid=1', accept: 'text/plain' },
    });
    assert.equal(out.body, 'other origin');
    const landing = seen.at(-1)!;
    assert.equal(landing.url, '/landing');
    assert.equal(landing.headers.authorization, undefined);
    assert.equal(landing.headers.cookie, undefined);
    assert.equal(landing.headers.accept, 'text/plain');
    assert.equal(seen.at(-2)!.headers.authorization, 'Bearer secret', 'the first hop had it');
  });
});

describe('http.fetch cancellation', () => {
  it('stops promptly and closes the connection when the signal aborts mid-body', async () => {
    const abort = new AbortController();
    const { ctx } = context(abort.signal);
    const running = get({ url: `http://${host}/hang` }, { ctx });
    await hanging;
    const started = Date.now();
    abort.abort(new Error('cancelled by test'));
    await assert.rejects(running, /cancelled by test/);
    assert.ok(Date.now() - started < 1000);
    await hangClosed; // the server saw the connection go; a leak would time this test out
  });

  it('does not start when already aborted', async () => {
    const abort = new AbortController();
    abort.abort(new Error('too late'));
    await assert.rejects(
      get({ url: `http://${host}/hello` }, { ctx: context(abort.signal).ctx }),
      /too late/,
    );
  });
});

describe('http.fetch definition', () => {
  it('is off by default and names its hosts', () => {
    const tool = httpFetchTool({ allowHosts: ['api.example.com', '*.wikipedia.org'] });
    assert.equal(tool.name, 'http.fetch');
    assert.equal(tool.enabledByDefault, false);
    assert.match(tool.description, /api\.example\.com, \*\.wikipedia\.org/);
  });

  it('validates its input', () => {
    const input = new Validator(
      httpFetchTool({ allowHosts: ['x.com'] }).inputSchema as object,
      '2020-12',
      false,
    );
    assert.ok(input.validate({ url: 'https://x.com/' }).valid);
    assert.ok(
      input.validate({ url: 'https://x.com/', method: 'HEAD', headers: { accept: 'a/b' } }).valid,
    );
    assert.ok(!input.validate({ url: 'https://x.com/', method: 'POST' }).valid);
    assert.ok(!input.validate({ url: 'https://x.com/', headers: { accept: 1 } }).valid);
    assert.ok(!input.validate({ url: 'https://x.com/', headers: { 'bad name': 'v' } }).valid);
    assert.ok(!input.validate({ url: 'https://x.com/', headers: { a: 'x\r\nHost: y' } }).valid);
    assert.ok(!input.validate({ url: 'https://x.com/', body: 'x' }).valid);
  });
});
