// examples/npm-app as a developer would run it in production: `npm run build` in the app (type
// check, Vite build, the bundled node server), its node server serving dist/ and /api/token, and
// a real room server that requires tokens (the same REALSTREAM_SECRET) and allows only the app's
// origin. In Chromium: the token from /api/token lets the page in, a message gets a streamed demo
// reply, the tools and the dashboard render, and at 390 px nothing overflows sideways.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';
import { issueToken, TokenRouteError } from '../../../examples/npm-app/server/token-route.js';
import { freePort, startServer, waitFor, type TestServer } from './harness.js';
import { axeProblems, chatAWhile, composerBox, horizontalOverflow } from './page-checks.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const source = join(root, 'examples/npm-app');
// Built in a copy beside the repository's node_modules, not in examples/: `partykit dev` serves
// examples/ and restarts its rooms when files appear there, and another suite's server may be up.
mkdirSync(join(root, '.cache'), { recursive: true });
const appDir = mkdtempSync(join(root, '.cache', 'npm-app-'));
cpSync(source, appDir, {
  recursive: true,
  filter: (src) => !/\/(node_modules|dist|dist-server)(\/|$)/.test(src.slice(source.length)),
});
const secret = randomBytes(24).toString('base64url');
// NPM_APP_SCREENSHOT_DIR keeps the pictures somewhere a person can look at them.
const shots = process.env.NPM_APP_SCREENSHOT_DIR ?? tmpdir();

let server: TestServer;
let browser: Browser;
const apps: ChildProcess[] = [];

/** The app's production server (`npm start`) with exactly these REALSTREAM_* variables. */
async function startApp(env: Record<string, string>, port?: number): Promise<string> {
  port ??= await freePort();
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('REALSTREAM_')),
  );
  const child = spawn(process.execPath, ['dist-server/serve.js'], {
    cwd: appDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...clean, ...env, PORT: String(port) },
  });
  apps.push(child);
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`the npm-app server on ${url}`, async () => {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${output}`);
    return (await fetch(`${url}/`)).ok;
  });
  return url;
}

let appUrl: string;
let noSecretUrl: string;
let memberUrl: string;

before(async () => {
  for (const built of ['packages/elements/dist/index.js', 'packages/server/dist/auth.js']) {
    assert.ok(existsSync(join(root, built)), `${built} is missing: run \`npm run build\` first`);
  }
  const started = Date.now();
  await run('npm', ['run', 'build', '--silent'], { cwd: appDir, maxBuffer: 64 << 20 }).catch(
    (err: { stdout: string; stderr: string }) => {
      throw new Error(`npm run build in examples/npm-app failed:\n${err.stdout}\n${err.stderr}`);
    },
  );
  const assets = join(appDir, 'dist/assets');
  const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
  const gz = js.reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f))).length, 0);
  console.log(
    `built examples/npm-app in ${Date.now() - started} ms: ${js.length} scripts, ` +
      `${(gz / 1024).toFixed(1)} KB gzipped`,
  );

  // The app's origin must be known before the room server starts: it is the only one allowed.
  const port = await freePort();
  appUrl = `http://127.0.0.1:${port}`;
  server = await startServer({
    logFile: process.env.NPM_APP_ROOM_LOG,
    vars: {
      REALSTREAM_SECRET: secret,
      REALSTREAM_ALLOWED_ORIGINS: appUrl,
      REALSTREAM_DEMO_TOKENS_PER_SECOND: 200,
    },
  });
  // As `npm run example:npm-app` runs it: you, the operator of your room, see its figures.
  const env = { REALSTREAM_SECRET: secret, REALSTREAM_HOST: server.host };
  await startApp({ ...env, REALSTREAM_ROLE: 'operator' }, port);
  memberUrl = await startApp(env);
  noSecretUrl = await startApp({ REALSTREAM_HOST: server.host });
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await browser?.close();
  for (const child of apps) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  await server?.stop();
  rmSync(appDir, { recursive: true, force: true });
});

test('/api/token signs a member token for the room server the app names', async () => {
  const res = await fetch(`${memberUrl}/api/token?name=Ada&uid=test-user-0001`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const body = (await res.json()) as { token: string; host: string; room: string };
  assert.equal(body.host, server.host);
  assert.equal(body.room, 'lobby');
  const claims = JSON.parse(Buffer.from(body.token.split('.')[1]!, 'base64url').toString()) as {
    sub: string;
    name: string;
    role: string;
    room: string;
    exp: number;
  };
  assert.deepEqual(
    { sub: claims.sub, name: claims.name, role: claims.role, room: claims.room },
    { sub: 'test-user-0001', name: 'Ada', role: 'member', room: 'lobby' },
  );
  const ttl = claims.exp - Date.now() / 1000;
  assert.ok(ttl > 3500 && ttl <= 3600, `expires in an hour, not ${ttl} s`);
  // The room server takes it, and takes nothing without it (its secret is set).
  const withToken = await fetch(server.roomUrl('lobby'), {
    headers: { authorization: `Bearer ${body.token}` },
  });
  assert.equal(withToken.status, 200, await withToken.text());
  assert.equal((await fetch(server.roomUrl('lobby'))).status, 401);

  const bad = await fetch(`${memberUrl}/api/token?name=&uid=x`);
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'bad_request');
  const operator = await fetch(`${appUrl}/api/token?name=Ada&uid=test-user-0001`);
  assert.equal(((await operator.json()) as { role: string }).role, 'operator');
});

test('the route refuses a REALSTREAM_ROLE it does not know, naming the variable', async () => {
  const url = new URL('http://app/api/token?name=Ada&uid=test-user-0001');
  await assert.rejects(
    issueToken(url, { REALSTREAM_SECRET: secret, REALSTREAM_ROLE: 'admin' }),
    (err: unknown) =>
      err instanceof TokenRouteError &&
      err.code === 'bad_config' &&
      /^REALSTREAM_ROLE=admin: use viewer, member, operator/.test(err.message),
  );
});

test('/api/token without REALSTREAM_SECRET refuses with a sentence that names it', async () => {
  const res = await fetch(`${noSecretUrl}/api/token?name=Ada&uid=test-user-0001`);
  assert.equal(res.status, 503);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'secret_missing');
  assert.match(body.error.message, /REALSTREAM_SECRET is not set/);

  // And the page says so, instead of an empty room.
  const page = await browser.newPage();
  await page.goto(`${noSecretUrl}/`);
  await page.getByRole('alert').getByText('REALSTREAM_SECRET is not set').waitFor();
  await page.close();
});

/** The app, open and live: the chat's link is up with the token from /api/token. */
async function openLive(page: Page, errors: string[]) {
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console error: ${m.text()}`));
  await page.goto(`${appUrl}/`);
  const link = page.locator('realstream-chat [part="link-status"]');
  await link
    .and(page.locator('[data-state="live"]'))
    .waitFor({ timeout: 20_000 })
    .catch(async (e: Error) => {
      throw new Error(
        `${e.message}\nlink: ${await link.textContent().catch(() => '?')}\n${errors.join('\n')}`,
      );
    });
}

test(
  'desktop: the page joins with its token, chats with a streamed reply; tools and dashboard render',
  { timeout: 90_000 },
  async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const errors: string[] = [];
    const tokenRequests: string[] = [];
    page.on('request', (r) => r.url().includes('/api/token') && tokenRequests.push(r.url()));
    await openLive(page, errors);
    // The token that told the page which room to open is the one the room connects with.
    assert.equal(tokenRequests.length, 1, `token requests: ${tokenRequests.join(', ')}`);
    const name = (await page.locator('.app-user').textContent())?.trim() ?? '';
    assert.ok(name, 'the header names the member');

    await page.locator('realstream-chat textarea').fill('Hello from the npm app');
    await page.locator('realstream-chat textarea').press('Enter');
    const mine = page.locator('realstream-chat article.message--mine').first();
    await mine.and(page.locator('[data-state="sent"]')).waitFor({ timeout: 15_000 });
    assert.match((await mine.textContent()) ?? '', /Hello from the npm app/);
    const reply = page.locator('realstream-chat article.message--assistant').first();
    await reply.and(page.locator('[data-state="complete"]')).waitFor({ timeout: 30_000 });
    const text = (await reply.locator('[part="message-body"]').textContent())?.trim() ?? '';
    assert.ok(text.length > 20, `a streamed reply with text, got ${JSON.stringify(text)}`);

    // The room's tools, listed; and the dashboard's figures for this room, with the member in it.
    const tools = page.locator('realstream-tools [part~="tool"]');
    await tools.first().waitFor({ timeout: 15_000 });
    assert.ok((await tools.count()) >= 3, `the room's tools, got ${await tools.count()}`);
    await page.locator('realstream-dashboard [part~="tile"]').first().waitFor({ timeout: 15_000 });
    const presence = page.locator('realstream-chat [part="presence"]');
    await presence.waitFor();
    assert.match((await presence.textContent()) ?? '', /\b1\b/);

    await page.screenshot({ path: join(shots, 'realstream-npm-app-1280.png') });
    const overflow = await horizontalOverflow(page);
    assert.ok(overflow.scrollWidth <= overflow.innerWidth, `${overflow.scrollWidth} px wide`);
    assert.deepEqual(overflow.outside, [], "elements past the viewport's sides");
    const box = await composerBox(page);
    assert.ok(box.top >= 0 && box.bottom <= box.innerHeight, 'the composer is in view');
    assert.deepEqual(errors, [], 'no page or console error');
    assert.deepEqual(await axeProblems(page), [], 'axe: serious or critical violations');
    await page.close();
  },
);

test('390 px: one column, nothing overflows sideways', { timeout: 60_000 }, async () => {
  const page = await browser.newPage({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const errors: string[] = [];
  await openLive(page, errors);
  await page.locator('realstream-tools [part~="tool"]').first().waitFor({ timeout: 15_000 });
  await page.locator('realstream-dashboard [part~="tile"]').first().waitFor({ timeout: 15_000 });
  const { scrollWidth, innerWidth, columns } = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement!.scrollWidth,
    innerWidth: window.innerWidth,
    columns: getComputedStyle(document.querySelector('.app-main')!).gridTemplateColumns,
  }));
  assert.ok(scrollWidth <= innerWidth, `page is ${scrollWidth} px wide in ${innerWidth} px`);
  assert.equal(columns.split(' ').length, 1, `one column at 390 px, got ${columns}`);
  assert.deepEqual(
    (await horizontalOverflow(page)).outside,
    [],
    "elements past the viewport's sides",
  );
  await chatAWhile(page, ['One', 'Two', 'Three']);
  const box = await composerBox(page);
  assert.ok(
    box.top >= 0 && box.bottom <= box.innerHeight,
    `the composer is in view after three messages: ${Math.round(box.top)}..${Math.round(box.bottom)} of ${box.innerHeight}`,
  );
  // What the phone shows first, and the whole page (tools and dashboard below the chat).
  const path = join(shots, 'realstream-npm-app-390.png');
  await page.screenshot({ path });
  await page.screenshot({ path: join(shots, 'realstream-npm-app-390-full.png'), fullPage: true });
  console.log(`390 px screenshots: ${path}, realstream-npm-app-390-full.png beside it`);
  assert.deepEqual(errors, [], 'no page or console error');
  assert.deepEqual(await axeProblems(page), [], 'axe: serious or critical violations');
  await page.close();
});
