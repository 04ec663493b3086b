// Every page `npm start` serves (the reference host's chat, tools, dashboard and inspector, and the
// script-tag example), in Chromium at 390 × 844 and 1280 × 800, against a real `partykit dev`
// behind the front of `npm start`: nothing scrolls sideways or sticks out of the viewport, the
// chat's composer is still on screen after a few messages, axe finds no serious or critical
// violation, and the host's own assets (tokens, Inter) load. Screenshots go to a temp folder
// (printed; HOST_SCREENSHOT_DIR keeps them elsewhere), never into the repository.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type TestServer } from './harness.js';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';
import {
  VIEWPORTS,
  axeProblems,
  chatAWhile,
  composerBox,
  horizontalOverflow,
} from './page-checks.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const shots = process.env.HOST_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), 'realstream-host-'));

interface ExamplePage {
  name: string;
  path: string;
  /** Waits until the page shows what it is for. */
  ready(page: Page): Promise<void>;
  /** The page has a chat whose composer must stay in view (its scope selector). */
  chat?: string;
}

const live = (scope: string) => (page: Page) =>
  page
    .locator(`${scope} [part="link-status"][data-state="live"]`)
    .first()
    .waitFor({ timeout: 15_000 });

const PAGES: ExamplePage[] = [
  {
    name: 'chat',
    path: '/?room=layout-chat&name=Ann',
    ready: live('realstream-chat'),
    chat: 'realstream-chat',
  },
  {
    name: 'tools',
    path: '/tools.html?room=layout-tools&name=Bo',
    ready: async (page) => {
      await live('realstream-chat')(page);
      await page
        .locator('realstream-tools [data-name="math.evaluate"]')
        .first()
        .waitFor({ timeout: 15_000 });
    },
    chat: 'realstream-chat',
  },
  {
    name: 'dashboard',
    path: '/dashboard.html?room=layout-dash&name=Cy',
    ready: (page) =>
      page.locator('realstream-dashboard [part~="tile"]').first().waitFor({ timeout: 15_000 }),
  },
  {
    name: 'inspector',
    path: '/inspector.html?room=layout-inspector',
    ready: async (page) => {
      await page.waitForFunction(
        () => document.getElementById('status')?.textContent?.startsWith('live'),
        undefined,
        { timeout: 15_000 },
      );
    },
  },
  {
    name: 'script-tag',
    path: '/script-tag/',
    ready: live('realstream-chat'),
    chat: 'realstream-chat',
  },
];

/** The accent's default in the generated tokens (what the elements' tailwind.css says). */
const accentToken = /--color-accent: var\(--rs-color-accent, ([^)]+\))\);/.exec(
  existsSync(join(root, 'dist/host/tokens.css'))
    ? readFileSync(join(root, 'dist/host/tokens.css'), 'utf8')
    : '',
)?.[1];

let server: TestServer;
let browser: Browser;

before(async () => {
  for (const built of ['packages/elements/dist/realstream.min.js', 'dist/host/tokens.css']) {
    assert.ok(existsSync(join(root, built)), `${built} is missing: run \`npm run build\` first`);
  }
  assert.ok(accentToken, 'dist/host/tokens.css declares --color-accent');
  server = await startServer({
    front: true,
    // Short, fast demo replies: the composer check sends a few messages per page and screen.
    vars: { REALSTREAM_DEMO_TOKENS_PER_SECOND: 2000, REALSTREAM_DEMO_REPLY_TOKENS: 60 },
  });
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  console.log(`host layout screenshots: ${shots}`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const viewport of VIEWPORTS) {
  for (const example of PAGES) {
    test(
      `${example.name} at ${viewport.width} × ${viewport.height}: no sideways scroll, composer in view, no serious axe violation`,
      { timeout: 90_000 },
      async () => {
        const page = await browser.newPage({
          viewport: { width: viewport.width, height: viewport.height },
          ...(viewport.width < 500 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
        });
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
        page.on(
          'console',
          (m) => m.type() === 'error' && errors.push(`console error: ${m.text()}`),
        );
        const failed: string[] = [];
        page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
        await page.goto(`${server.url}${example.path}`);
        await example.ready(page);

        if (example.chat) {
          await chatAWhile(
            page,
            ['Hello', 'Tell me more', 'And a third message, please'],
            example.chat,
          );
          const box = await composerBox(page, example.chat);
          assert.ok(
            box.top >= 0 && box.bottom <= box.innerHeight,
            `the composer is in view: ${Math.round(box.top)}..${Math.round(box.bottom)} of ${box.innerHeight}`,
          );
          assert.ok(box.left >= 0 && box.right <= viewport.width, 'the composer fits sideways');
        }
        // The header's web font and tokens (the inspector and the host pages; script-tag has its own page.css).
        if (example.name !== 'script-tag') {
          const font = await page.evaluate(async () => {
            await document.fonts.ready;
            return {
              inter: [...document.fonts].some(
                (f) => f.family.replace(/['"]/g, '') === 'Inter' && f.status === 'loaded',
              ),
              accent: getComputedStyle(document.documentElement)
                .getPropertyValue('--color-accent')
                .trim(),
            };
          });
          assert.ok(font.inter, 'Inter is loaded from the host');
          assert.equal(
            font.accent,
            accentToken,
            "the host's --color-accent is the elements' token",
          );
        }

        const path = join(shots, `${example.name}-${viewport.width}x${viewport.height}.png`);
        await page.screenshot({ path });
        const overflow = await horizontalOverflow(page);
        assert.ok(
          overflow.scrollWidth <= overflow.innerWidth,
          `the page is ${overflow.scrollWidth} px wide in a ${overflow.innerWidth} px viewport (${path})`,
        );
        assert.deepEqual(overflow.outside, [], `elements past the viewport's sides (${path})`);

        assert.deepEqual(failed, [], 'every request answered');
        assert.deepEqual(errors, [], 'no page or console error');
        // Last: axe's own probes (inline styles the page's CSP refuses) are not the page's errors.
        assert.deepEqual(
          await axeProblems(page),
          [],
          `axe: serious or critical violations (${path})`,
        );
        await page.close();
      },
    );
  }
}
