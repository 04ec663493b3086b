// What a developer sees on the page when the room server turns the page away, in Chromium against a
// real `partykit dev`: the chat names the problem and what to set, within seconds, instead of
// "Connecting…" forever. The page is examples/script-tag, served by the server itself, so its
// origin is the server's (http://127.0.0.1:PORT).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startServer, type TestServer } from './harness.js';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';

let browser: Browser;
before(async () => {
  const args = [...CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks'];
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args });
});
after(() => browser?.close());

/** Opens the script-tag page against `server` and returns the chat's link status once it is final. */
async function linkStatusOf(server: TestServer, state: string): Promise<string> {
  const page = await browser.newPage();
  await page.route(`${server.url}/script-tag/`, async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace('host="localhost:1999"', `host="${server.host}"`);
    await route.fulfill({ response, body });
  });
  await page.goto(`${server.url}/script-tag/`);
  const link = page.locator('realstream-chat [part="link-status"]');
  try {
    await link.and(page.locator(`[data-state="${state}"]`)).waitFor({ timeout: 5_000 });
    return ((await link.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  } catch (err) {
    const shown = await link.textContent().catch(() => '?');
    throw new Error(`${(err as Error).message}\nthe link status shows: ${shown}`);
  } finally {
    await page.close();
  }
}

describe('a page the server turns away says why', () => {
  it('a refused origin names the origin and REALSTREAM_ALLOWED_ORIGINS', async () => {
    const server = await startServer({
      persist: false,
      vars: { REALSTREAM_ALLOWED_ORIGINS: 'https://allowed.example' },
    });
    try {
      const shown = await linkStatusOf(server, 'forbidden');
      assert.match(shown, new RegExp(`origin ${server.url.replace(/\./g, '\\.')} is not allowed`));
      assert.match(shown, /REALSTREAM_ALLOWED_ORIGINS/);
    } finally {
      await server.stop();
    }
  });

  it('a deployment with an invalid variable names it', async () => {
    const server = await startServer({
      persist: false,
      vars: { REALSTREAM_RING_SIZE: 'lots' },
    });
    try {
      const shown = await linkStatusOf(server, 'offline');
      assert.match(
        shown,
        /server misconfigured: REALSTREAM_RING_SIZE=lots: expected a whole number/,
      );
    } finally {
      await server.stop();
    }
  });
});
