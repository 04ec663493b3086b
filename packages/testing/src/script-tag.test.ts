// examples/script-tag in Chromium, under its own strict CSP, against a real `partykit dev` behind
// the front of `npm start` (examples/ from partykit, the built loader and chunks from the front),
// the page as served: no host in it, the chat connects to the server its script came from, on
// whichever port. realstream.min.js is a small loader that defines
// each tag when it appears and only then imports that element's chunk. The page is served from
// another origin than the script, whose origin alone the CSP's script-src names; the chat goes live,
// a message gets a streamed reply, and the page fetched the loader, the shared chunk and the
// chat's, nothing else, with no CSP violation and no error. Then: tags a page adds later by JS, all
// the elements in one room, and a chunk that cannot be loaded.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type TestServer } from './harness.js';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';

const examples = fileURLToPath(new URL('../../../examples/script-tag/', import.meta.url));
// Where the build writes the loader and its chunks (served at the root by the front).
const dir = fileURLToPath(new URL('../../elements/dist/', import.meta.url));
const bundle = `${dir}realstream.min.js`;

let server: TestServer;
let browser: Browser;
/**
 * File name of each chunk the build put next to the loader: shared, room, chat, tools, dashboard,
 * and those loaded when needed: the tool cards (the tools import them outright, a chat with its
 * first tool call), the client's history page fetch, its operations views (an operator's
 * dashboard subscribes at once) and its browser tool host (the first registerTool()).
 */
let chunk: Record<string, string>;

before(async () => {
  assert.ok(existsSync(bundle), `${bundle} is missing: run \`npm run build\` first`);
  chunk = {};
  for (const file of readdirSync(dir)) {
    const m = /^realstream-(tool-card-lazy|fetch-page|tool-host|[a-z]+)-[\w-]+\.js$/.exec(file);
    if (m) {
      assert.ok(!chunk[m[1]], `two ${m[1]} chunks in ${dir}: ${chunk[m[1]]} and ${file}`);
      chunk[m[1]] = file;
    }
  }
  assert.deepEqual(Object.keys(chunk).sort(), [
    'chat',
    'dashboard',
    'fetch-page',
    'operations',
    'room',
    'shared',
    'tool-card-lazy',
    'tool-host',
    'tools',
  ]);
  server = await startServer({ front: true, vars: { REALSTREAM_DEMO_TOKENS_PER_SECOND: 200 } });
  // A page fulfilled by route() has no IP address space, so Chromium's local network access
  // check would refuse its socket to 127.0.0.1; that check is not what this test is about.
  const args = [...CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks'];
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

interface Watched {
  page: Page;
  /** Page errors, console errors and CSP violations so far. */
  problems(): Promise<string[]>;
  /** File names of the scripts the page requested, in order. */
  scripts: string[];
}

/**
 * A page that records, from before its first script: CSP violations, errors, each script it
 * requests, the order tags get defined in and every `realstream-load-error`.
 */
async function watch(): Promise<Watched & { errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  const errors: string[] = [];
  const scripts: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console error: ${m.text()}`));
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname.split('/').pop()!);
  });
  // Listen before any script of the page runs; these listeners are not subject to the CSP.
  await page.addInitScript(() => {
    const w = window as unknown as {
      violations: string[];
      defined: string[];
      loadErrors: { tag: string; url: string; target: string }[];
    };
    w.violations = [];
    w.defined = [];
    w.loadErrors = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.violations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`),
    );
    document.addEventListener('realstream-load-error', (e) => {
      const { tag, url } = (e as CustomEvent<{ tag: string; url: string }>).detail;
      w.loadErrors.push({ tag, url, target: (e.target as Element).localName ?? 'document' });
    });
    const define = customElements.define.bind(customElements);
    customElements.define = (name, ctor, options) => {
      w.defined.push(name);
      define(name, ctor, options);
    };
  });
  const problems = async () => [
    ...errors,
    ...(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)),
  ];
  return { page, problems, scripts, errors };
}

/** The example page's source, for the tests that serve a variant of it. */
function examplePage(): string {
  const body = readFileSync(`${examples}index.html`, 'utf8');
  assert.ok(!/<realstream-chat[^>]* host=/.test(body), 'the page names no host: it derives it');
  return body;
}

async function waitLive(page: Page, errors: string[], scope = 'realstream-chat'): Promise<void> {
  const link = page.locator(`${scope} [part="link-status"]`);
  await link
    .and(page.locator('[data-state="live"]'))
    .waitFor({ timeout: 15_000 })
    .catch(async (e) => {
      throw new Error(
        `${e.message}\nlink: ${await link.textContent().catch(() => '?')}\n${errors.join('\n')}`,
      );
    });
}

test(
  'script-tag example from another origin: only loader, shared and chat chunks, live chat, streamed reply, no CSP violation',
  { timeout: 60_000 },
  async () => {
    const { page, problems, scripts, errors } = await watch();
    // The same page served by another origin: its script (and so every chunk) comes from the
    // server's, which is then all that script-src allows. The page's own files come from the
    // server too, under the page's origin.
    const origin = 'http://page.test';
    const html = examplePage()
      .replace('src="/realstream.min.js"', `src="${server.url}/realstream.min.js"`)
      .replace("script-src 'self'", `script-src ${server.url}`);
    assert.ok(html.includes(`script-src ${server.url};`), 'the CSP names the script origin only');
    await page.route(`${origin}/**`, async (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/script-tag/')
        return route.fulfill({ contentType: 'text/html', body: html });
      await route.fulfill({ response: await route.fetch({ url: `${server.url}${url.pathname}` }) });
    });

    await page.goto(`${origin}/script-tag/`);
    await waitLive(page, errors);
    assert.equal(
      await page.locator('realstream-chat').getAttribute('host'),
      server.host,
      "the chat's host is the origin its script came from, not the page's",
    );

    await page.locator('realstream-chat textarea').fill('Hello from a script tag');
    await page.locator('realstream-chat textarea').press('Enter');
    const reply = page.locator('realstream-chat article.message--assistant').first();
    await reply
      .and(page.locator('[data-state="streaming"], [data-state="complete"]'))
      .waitFor({ timeout: 15_000 });
    await reply.and(page.locator('[data-state="complete"]')).waitFor({ timeout: 30_000 });
    const text = (await reply.locator('[part="message-body"]').textContent())?.trim() ?? '';
    assert.ok(text.length > 20, `a streamed reply with text, got ${JSON.stringify(text)}`);
    assert.equal(
      await page
        .locator('realstream-chat article.message--mine')
        .first()
        .getAttribute('data-state'),
      'sent',
    );

    // SCRIPT_TAG_SCREENSHOT=/path.png keeps a picture of the page at this point, for a human.
    const shot = process.env.SCRIPT_TAG_SCREENSHOT;
    if (shot) await page.screenshot({ path: shot });

    assert.deepEqual(
      [...scripts].sort(),
      ['realstream.min.js', chunk.chat, chunk.shared].sort(),
      'a chat-only page fetches the loader, the shared chunk and the chat chunk, once each',
    );
    assert.deepEqual(await problems(), [], 'no CSP violation, no page or console error');

    // The policy is really in force: an inline style is refused and reported.
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'body { color: red }';
      document.head.append(style);
    });
    await page.waitForFunction(
      () => (window as unknown as { violations: string[] }).violations.length > 0,
    );
    const after = await page.evaluate(
      () => (window as unknown as { violations: string[] }).violations,
    );
    assert.match(after[0], /^style-src/);
    await page.close();
  },
);

test(
  'tags a page adds later by JS get defined, with properties set before the upgrade',
  { timeout: 60_000 },
  async () => {
    const { page, problems, scripts, errors } = await watch();
    // The page exactly as served, on this test's port (not 1999): it derives its host.
    await page.goto(`${server.url}/script-tag/`);
    await waitLive(page, errors);
    assert.equal(await page.locator('realstream-chat').getAttribute('host'), server.host);
    assert.ok(!scripts.includes(chunk.tools), 'no tools chunk before there is a tool panel');

    // Made by createElement and given its room by properties while the tag is still undefined.
    const before = await page.evaluate(
      ({ host }) => {
        const tools = document.createElement('realstream-tools') as HTMLElement & {
          host?: string;
          room?: string;
          name?: string;
        };
        const undefinedYet = !customElements.get('realstream-tools');
        tools.host = host;
        tools.room = 'script-tag-later';
        tools.name = 'Later';
        document.body.append(tools);
        return undefinedYet;
      },
      { host: server.host },
    );
    assert.equal(before, true, 'realstream-tools is not defined before it is in the page');
    await page
      .locator('realstream-tools [data-name="math.evaluate"]')
      .first()
      .waitFor({ timeout: 15_000 });
    assert.equal(
      await page.evaluate(() => document.querySelector('realstream-tools')!.matches(':defined')),
      true,
    );

    // A page can also ask for a tag (one inside its own component's shadow root, say) and wait.
    const loaded = await page.evaluate(async () => {
      // Same URL, same module: the loader the page already runs.
      const url = '/realstream.min.js';
      const loader = (await import(url)) as {
        load(tag: string): Promise<CustomElementConstructor>;
      };
      const ctor = await loader.load('realstream-dashboard');
      const bad = await loader.load('realstream-nope').then(
        () => 'resolved',
        (e: Error) => `${e.name}: ${e.message}`,
      );
      return { same: ctor === customElements.get('realstream-dashboard'), bad };
    });
    assert.equal(loaded.same, true, 'load() resolves with the defined class');
    assert.match(loaded.bad, /^TypeError: Realstream: no element <realstream-nope>/);

    assert.deepEqual(
      [...scripts].sort(),
      [
        'realstream.min.js',
        chunk.shared,
        chunk.chat,
        chunk.tools,
        chunk['tool-card-lazy'],
        chunk.dashboard,
      ].sort(),
      'each chunk once, the room chunk never (no room in this page), no operations chunk (no dashboard in the page subscribes)',
    );
    assert.deepEqual(await problems(), [], 'no CSP violation, no error');
    await page.close();
  },
);

test(
  'every element in one room: defined as they come, the chat before its room, one socket shared',
  { timeout: 60_000 },
  async () => {
    const { page, problems, scripts, errors } = await watch();
    const html = examplePage().replace(
      /<realstream-chat [^>]*><\/realstream-chat>/,
      `<realstream-room room="script-tag-all" name="All">
        <realstream-chat></realstream-chat>
        <realstream-tools></realstream-tools>
        <realstream-dashboard></realstream-dashboard>
      </realstream-room>`,
    );
    assert.ok(html.includes('<realstream-room'), 'the chat was replaced by a room');
    await page.route(`${server.url}/script-tag/`, (route) =>
      route.fulfill({ contentType: 'text/html', body: html }),
    );
    // The room's chunk arrives last: the elements inside ask for the room's client before there
    // is a room to answer, and must still get it.
    await page.route(`${server.url}/${chunk.room}`, async (route) => {
      await page.waitForFunction(
        () =>
          ['realstream-chat', 'realstream-tools', 'realstream-dashboard'].every((t) =>
            customElements.get(t),
          ),
        undefined,
        { timeout: 15_000 },
      );
      await route.continue();
    });
    await page.goto(`${server.url}/script-tag/`);
    await waitLive(page, errors);
    await page
      .locator('realstream-tools [data-name="math.evaluate"]')
      .first()
      .waitFor({ timeout: 15_000 });
    await page.locator('realstream-dashboard [part~="tile"]').first().waitFor({ timeout: 15_000 });

    const defined = await page.evaluate(() => (window as unknown as { defined: string[] }).defined);
    assert.equal(defined.at(-1), 'realstream-room', `the room came last: ${defined.join(', ')}`);
    // `inherited` (private in TypeScript) is what each element's context consumer received.
    const one = await page.evaluate(() => {
      const client = (document.querySelector('realstream-room') as unknown as { client: unknown })
        .client;
      return ['realstream-chat', 'realstream-tools', 'realstream-dashboard'].map(
        (t) =>
          (document.querySelector(t) as unknown as { inherited: unknown }).inherited === client,
      );
    });
    assert.deepEqual(one, [true, true, true], "every element uses the room's client");
    assert.deepEqual(
      [...scripts].sort(),
      [
        'realstream.min.js',
        chunk.shared,
        chunk.room,
        chunk.chat,
        chunk.tools,
        chunk['tool-card-lazy'],
        chunk.dashboard,
        chunk.operations,
      ].sort(),
    );
    assert.deepEqual(await problems(), [], 'no CSP violation, no error');
    await page.close();
  },
);

test(
  'a chunk that cannot be loaded is reported, not silently missing',
  { timeout: 30_000 },
  async () => {
    const { page, problems, errors } = await watch();
    await page.route(`${server.url}/${chunk.chat}`, (route) =>
      route.fulfill({ status: 404, contentType: 'text/plain', body: 'gone' }),
    );
    await page.goto(`${server.url}/script-tag/`);
    await page.waitForFunction(
      () => (window as unknown as { loadErrors: unknown[] }).loadErrors.length > 0,
      undefined,
      { timeout: 15_000 },
    );
    const url = `${server.url}/${chunk.chat}`;
    assert.deepEqual(
      await page.evaluate(() => (window as unknown as { loadErrors: unknown[] }).loadErrors),
      [{ tag: 'realstream-chat', url, target: 'realstream-chat' }],
      'one realstream-load-error, on the element, naming the chunk',
    );
    const logged = errors.filter((e) => e.includes(`could not load ${url}`));
    assert.equal(logged.length, 1, `a console error naming ${url}; got:\n${errors.join('\n')}`);
    assert.match(logged[0], /<realstream-chat>/);
    assert.equal(await page.evaluate(() => !!customElements.get('realstream-chat')), false);
    // Nothing else went wrong: the only problems are the 404 itself and the loader's report of it.
    const others = (await problems()).filter(
      (p) => !p.includes(url) && !p.includes('404 (Not Found)'),
    );
    assert.deepEqual(others, []);
    await page.close();
  },
);
