// Storybook smoke test: builds the catalogue, then opens every story's iframe.html?id=... from
// index.json in Chromium. A story fails on a page error, a console error, or an element that did
// not render (no shadow root content). Each story is one test; the last line is
// `N passed, N failed`. `--no-build` reuses storybook-static/. Run: node --import tsx <this file>.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const out = join(root, 'storybook-static');
/** How long a story may take to render its elements. */
const RENDER_MS = 10_000;
/** `--screenshots DIR`: save a picture of every story, for a human to look at. */
const shotsAt = process.argv.indexOf('--screenshots');
const shots = shotsAt > 0 ? process.argv[shotsAt + 1] : undefined;

function build() {
  const bin = join(root, 'node_modules/.bin/storybook');
  const run = spawnSync(bin, ['build', '-o', out, '--quiet'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' },
  });
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    throw new Error(`storybook build exited with ${run.status}`);
  }
  console.log('storybook: built storybook-static/');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

/** A static server for storybook-static on a free port (file:// would block module scripts). */
function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(
      decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname),
    ).replace(/^(\.\.[/\\])+/, '');
    // The browser asks for /favicon.ico on its own; that 404 is no fault of a story.
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function smoke(page: Page, base: string, id: string): Promise<string[]> {
  const problems: string[] = [];
  const onError = (e: Error) => problems.push(`page error: ${e.message}`);
  const onConsole = (m: import('playwright-core').ConsoleMessage) =>
    m.type() === 'error' && problems.push(`console error: ${m.text()}`);
  const onResponse = (r: import('playwright-core').Response) =>
    r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`);
  page.on('pageerror', onError);
  page.on('console', onConsole);
  page.on('response', onResponse);
  try {
    await page.goto(`${base}/iframe.html?id=${encodeURIComponent(id)}&viewMode=story`, {
      waitUntil: 'load',
    });
    // Rendered: every Realstream element in the story has upgraded and drawn into its shadow root,
    // and the chat shows its parts (header, transcript, composer).
    await page
      .waitForFunction(
        () => {
          const els = [...document.querySelectorAll('#storybook-root *')].filter((e) =>
            e.localName.startsWith('realstream-'),
          );
          if (!els.length) return false;
          return els.every((e) => {
            const sr = e.shadowRoot;
            if (!sr || !sr.childElementCount) return false;
            if (e.localName !== 'realstream-chat') return true;
            return ['header', 'transcript', 'composer'].every((p) =>
              sr.querySelector(`[part~="${p}"]`),
            );
          });
        },
        null,
        { timeout: RENDER_MS },
      )
      .catch(() =>
        problems.push('the elements did not render (no shadow root content) within 10 s'),
      );
    // Let scripted timers run a little: errors thrown by a story's script count too.
    await page.waitForTimeout(300);
    if (shots) await page.screenshot({ path: join(shots, `${id}.png`) });
  } catch (e) {
    problems.push(String((e as Error)?.message ?? e));
  } finally {
    page.off('pageerror', onError);
    page.off('console', onConsole);
    page.off('response', onResponse);
  }
  return problems;
}

async function main() {
  if (!process.argv.includes('--no-build')) build();
  if (shots) mkdirSync(shots, { recursive: true });
  const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
  const entries = Object.values(index.entries) as {
    id: string;
    type: string;
    title: string;
    name: string;
  }[];
  const stories = entries.filter((e) => e.type === 'story');
  if (!stories.length) throw new Error('storybook-static/index.json lists no stories');

  const server = await serve(out);
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
  let passed = 0;
  let failed = 0;
  try {
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    const page = await context.newPage();
    for (const story of stories) {
      const problems = await smoke(page, base, story.id);
      if (problems.length) {
        failed++;
        console.log(`  ✗ ${story.title} › ${story.name} (${story.id})`);
        for (const p of problems) console.log(`      ${p}`);
      } else {
        passed++;
        console.log(`  ✓ ${story.title} › ${story.name}`);
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e: Error) => {
  console.error(`storybook smoke: ${e?.stack ?? e}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
