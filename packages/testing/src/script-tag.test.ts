// examples/script-tag in Chromium, under its own strict CSP, against a real `partykit dev` (which
// serves examples/ as it does for `npm start`): the one bundle defines the chat, the chat goes
// live, a message gets a streamed reply, and the page reports no CSP violation and no error.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { startServer, type TestServer } from './harness.js';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';

const bundle = fileURLToPath(
  new URL('../../../examples/script-tag/realstream.min.js', import.meta.url),
);

let server: TestServer;
let browser: Browser;

before(async () => {
  assert.ok(existsSync(bundle), `${bundle} is missing: run \`npm run build\` first`);
  server = await startServer({ vars: { REALSTREAM_DEMO_TOKENS_PER_SECOND: 200 } });
  // A page fulfilled by route() has no IP address space, so Chromium's local network access
  // check would refuse its socket to 127.0.0.1; that check is not what this test is about.
  const args = [...CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks'];
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test(
  'script-tag example: live chat, streamed reply, no CSP violation',
  { timeout: 60_000 },
  async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && errors.push(`console error: ${m.text()}`));
    // Listen before any script of the page runs; the listener itself is not subject to the CSP.
    await page.addInitScript(() => {
      const w = window as unknown as { violations: string[] };
      w.violations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        w.violations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`),
      );
    });
    // The page names the server `npm start` runs (localhost:1999); this test's server has its own
    // port, so the HTML is served with that one host attribute changed and nothing else.
    await page.route(`${server.url}/script-tag/`, async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace(
        'host="localhost:1999"',
        `host="${server.host}"`,
      );
      assert.ok(
        body.includes(`host="${server.host}"`),
        'the page has a host attribute to point at',
      );
      await route.fulfill({ response, body });
    });

    await page.goto(`${server.url}/script-tag/`);
    const link = page.locator('realstream-chat [part="link-status"]');
    await link
      .and(page.locator('[data-state="live"]'))
      .waitFor({ timeout: 15_000 })
      .catch(async (e) => {
        throw new Error(
          `${e.message}\nlink: ${await link.textContent().catch(() => '?')}\n${errors.join('\n')}`,
        );
      });

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
    if (shot) {
      await page.setViewportSize({ width: 1000, height: 900 });
      await page.screenshot({ path: shot });
    }

    const violations = await page.evaluate(
      () => (window as unknown as { violations: string[] }).violations,
    );
    assert.deepEqual(violations, [], 'no CSP violation');
    assert.deepEqual(errors, [], 'no page or console error');

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
