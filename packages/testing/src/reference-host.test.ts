// The reference host (examples/, what `npm start` serves) in Chromium under its own CSP, against a
// real `partykit dev`: the chat page answers a calculation with a tool card, and on the tools page
// a tool implemented by one browser is run from another, through the room. Each page fetches the
// loader, the shared chunk, its elements' chunks and the parts they load when used (tool cards, the
// browser tool host, the operators' views), nothing else; on the chat page the room's
// chunk is held back until the chat is defined, and the chat must still get the room's client.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type TestServer } from './harness.js';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';

// The loader and its chunks as the build writes them; `npm start`'s front serves them at the root.
const built = fileURLToPath(new URL('../../elements/dist/', import.meta.url));
const bundle = `${built}realstream.min.js`;

/** The scripts a page of the reference host may fetch, by file name: its own and the loader's. */
function scriptsOf(...elements: string[]): string[] {
  const chunks = readdirSync(built).filter((f) =>
    new RegExp(`^realstream-(${['shared', ...elements].join('|')})-[\\w-]+\\.js$`).test(f),
  );
  assert.equal(chunks.length, elements.length + 1, `chunks in ${built}: ${chunks.join(', ')}`);
  return ['host.js', 'realstream.min.js', ...chunks].sort();
}

let server: TestServer;
let browser: Browser;

before(async () => {
  assert.ok(existsSync(bundle), `${bundle} is missing: run \`npm run build\` first`);
  server = await startServer({ front: true, vars: { REALSTREAM_DEMO_TOKENS_PER_SECOND: 300 } });
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A page that records CSP violations, errors and the scripts it fetches from its first script on. */
async function open(
  path: string,
  { beforeGoto }: { beforeGoto?: (page: Page) => Promise<void> } = {},
): Promise<{ page: Page; problems: () => Promise<string[]>; scripts: () => string[] }> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  const errors: string[] = [];
  const scripts: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console error: ${m.text()}`));
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname.slice(1));
  });
  await page.addInitScript(() => {
    const w = window as unknown as { violations: string[]; defined: string[] };
    w.violations = [];
    w.defined = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.violations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`),
    );
    const define = customElements.define.bind(customElements);
    customElements.define = (name, ctor, options) => {
      w.defined.push(name);
      define(name, ctor, options);
    };
  });
  await beforeGoto?.(page);
  await page.goto(`${server.url}${path}`);
  const problems = async () => [
    ...errors,
    ...(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)),
  ];
  return { page, problems, scripts: () => [...scripts].sort() };
}

test(
  'chat page: live, and a calculation answered through math.evaluate with a tool card',
  { timeout: 60_000 },
  async () => {
    const [room] = scriptsOf('room').filter((f) => f.startsWith('realstream-room-'));
    const { page, problems, scripts } = await open('/?room=ref-chat&name=Ann', {
      // The room's chunk arrives after the chat is defined: the chat asks for the room's client
      // before there is a room to answer, and must get it when the room comes.
      beforeGoto: async (page) => {
        await page.route(`${server.url}/${room}`, async (route) => {
          await page.waitForFunction(() => !!customElements.get('realstream-chat'), undefined, {
            timeout: 15_000,
          });
          await route.continue();
        });
      },
    });
    await page
      .locator('realstream-chat [part="link-status"][data-state="live"]')
      .waitFor({ timeout: 15_000 });
    await page.locator('realstream-chat textarea').fill('What is 12*(3+4)?');
    await page.locator('realstream-chat textarea').press('Enter');
    const reply = page.locator('realstream-chat article.message--assistant[data-state="complete"]');
    await reply.waitFor({ timeout: 30_000 });
    assert.match((await reply.locator('[part="message-body"]').textContent()) ?? '', /84/);
    const card = reply.locator('[part~="tool-card"]');
    assert.equal(await card.getAttribute('data-status'), 'done');
    assert.match((await card.textContent()) ?? '', /math\.evaluate/);
    const defined = await page.evaluate(() => (window as unknown as { defined: string[] }).defined);
    assert.deepEqual(defined, ['realstream-chat', 'realstream-room'], 'the chat came first');
    // The tool cards come with the tool call, the tool host with host.js's browser tool.
    assert.deepEqual(
      scripts(),
      scriptsOf('room', 'chat', 'tool-card-lazy', 'tool-host'),
      'no tools or dashboard chunk',
    );
    assert.deepEqual(await problems(), [], 'no CSP violation, no error');
    await page.close();
  },
);

test(
  'tools page: a browser tool of one page runs from another, through the room',
  { timeout: 60_000 },
  async () => {
    const a = await open('/tools.html?room=ref-tools&name=Bo');
    const tools = a.page.locator('realstream-tools');
    const pageInfo = tools.locator(
      '[part~="tool-button"][data-name="browser.page_info"], [data-name="browser.page_info"] [part~="tool-button"]',
    );
    await pageInfo.first().waitFor({ timeout: 15_000 });

    const b = await open('/tools.html?room=ref-tools&name=Cy');
    const other = b.page.locator('realstream-tools');
    await other.locator('[data-name="math.evaluate"]').first().waitFor({ timeout: 15_000 });
    await other.locator('[data-name="browser.page_info"]').first().click();
    await other.locator('[part~="run-button"]').click();
    const done = other.locator('[part~="tool-card"][data-status="done"]').first();
    await done.waitFor({ timeout: 15_000 });
    const result = (await done.locator('[part~="call-result"]').textContent()) ?? '';
    assert.match(result, /"answeredBy": "(Bo|Cy)"/, `a result from a browser: ${result}`);
    // Everyone in the room sees the call: the implementing page's console lists it too.
    await tools
      .locator('[part~="tool-card"][data-status="done"]')
      .first()
      .waitFor({ timeout: 10_000 });
    assert.deepEqual(
      a.scripts(),
      scriptsOf('room', 'tools', 'chat', 'tool-card-lazy', 'tool-host'),
      'no dashboard chunk',
    );
    assert.deepEqual(await a.problems(), []);
    assert.deepEqual(await b.problems(), []);
    await a.page.close();
    await b.page.close();
  },
);

test(
  'dashboard page: live figures of the room, then every room through the ops party',
  { timeout: 90_000 },
  async () => {
    const { page, problems, scripts } = await open('/dashboard.html?room=ref-dash&name=Dee');
    const dash = page.locator('realstream-dashboard');
    await dash.locator('[part~="tile"]').first().waitFor({ timeout: 15_000 });
    // Some traffic in the room: a message from a chat page in another tab.
    const chat = await open('/?room=ref-dash&name=Eve');
    await chat.page
      .locator('realstream-chat [part="link-status"][data-state="live"]')
      .waitFor({ timeout: 15_000 });
    await chat.page.locator('realstream-chat textarea').fill('Hello dashboard');
    await chat.page.locator('realstream-chat textarea').press('Enter');
    await chat.page
      .locator('realstream-chat article.message--assistant[data-state="complete"]')
      .waitFor({ timeout: 30_000 });

    await dash.locator('[part~="scope-deployment"]').click();
    const row = dash.locator('[part~="rooms-table"] tr', { hasText: 'ref-dash' });
    await row.first().waitFor({ timeout: 20_000 }); // rooms report every 5 s
    // The operations views come with the dashboard, the tool host with host.js's browser tool.
    assert.deepEqual(
      scripts(),
      scriptsOf('room', 'dashboard', 'operations', 'tool-host'),
      'no chat or tools chunk',
    );
    assert.deepEqual(await problems(), [], 'no CSP violation, no error');
    assert.deepEqual(await chat.problems(), []);
    await chat.page.close();
    await page.close();
  },
);
