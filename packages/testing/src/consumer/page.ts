// A built app's page in Chromium as a user has it: the chat goes live, a message sent through its
// composer gets an assistant reply whose text grows while it streams and then completes; and what
// JavaScript the page loaded, gzipped as a CDN would serve it.
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';

export interface ShippedJs {
  /** Sum of the JS files the page loaded, each gzipped at level 9. */
  gzipBytes: number;
  files: { path: string; bytes: number; gzipBytes: number }[];
}

export interface ChatRun {
  page: Page;
  /** The reply's text lengths seen while it streamed, in order. */
  lengths: number[];
  /** The reply's text when complete. */
  reply: string;
  shipped: ShippedJs;
  /** Uncaught errors and console errors of the page. */
  problems: string[];
}

/**
 * Opens `url`, waits for the chat to be live, sends `prompt` through the composer and follows the
 * assistant's reply until it completes. The page stays open for the caller's own checks; closing
 * its context is the caller's (`run.page.context().close()`).
 */
export async function chatRoundTrip(
  browser: Browser,
  url: string,
  prompt: string,
): Promise<ChatRun> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // Said again below with the address, which the console message leaves out.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      problems.push(`console error: ${m.text()}`);
  });
  const origin = new URL(url).origin;
  const bodies = new Map<string, Promise<Buffer>>();
  page.on('requestfailed', (r) => problems.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.url()}: HTTP ${response.status()}`);
    const type = response.headers()['content-type'] ?? '';
    if (response.url().startsWith(origin) && /javascript/.test(type) && response.ok())
      bodies.set(response.url(), response.body());
  });

  const fail = async (what: string, err: unknown): Promise<never> => {
    const link = await page
      .locator('realstream-chat [part="link-status"]')
      .first()
      .textContent({ timeout: 1000 })
      .catch(() => '?');
    throw new Error(`${what}: ${err}\nlink status: ${link}\n${problems.join('\n')}`);
  };

  await page.goto(url);
  await page
    .locator('realstream-chat [part="link-status"][data-state="live"]')
    .waitFor({ timeout: 20_000 })
    .catch((err) => fail('the chat never went live', err));
  const composer = page.locator('realstream-chat textarea');
  await composer.fill(prompt);
  await composer.press('Enter');

  const reply = page.locator('realstream-chat article.message--assistant').first();
  const body = reply.locator('[part="message-body"]');
  await reply.waitFor({ timeout: 15_000 }).catch((err) => fail('no assistant reply', err));
  const lengths: number[] = [];
  const deadline = Date.now() + 30_000;
  for (;;) {
    // One round trip per look: state and text together.
    const { state, length } = await reply.evaluate((article) => ({
      state: article.getAttribute('data-state'),
      length: (article.querySelector('[part="message-body"]')?.textContent ?? '').trim().length,
    }));
    if (state === 'complete') break;
    if (state !== 'streaming') await fail('the reply did not stream', `data-state ${state}`);
    if (length !== lengths.at(-1)) lengths.push(length);
    if (Date.now() > deadline) await fail('the reply did not complete in 30 s', lengths);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const text = ((await body.textContent()) ?? '').trim();

  const files = await Promise.all(
    [...bodies].map(async ([fileUrl, pending]) => {
      const bytes = await pending;
      return {
        path: new URL(fileUrl).pathname,
        bytes: bytes.length,
        gzipBytes: gzipSync(bytes, { level: 9 }).length,
      };
    }),
  );
  const gzipBytes = files.reduce((sum, f) => sum + f.gzipBytes, 0);
  return { page, lengths, reply: text, shipped: { gzipBytes, files }, problems };
}

export const kb = (bytes: number) => (bytes / 1024).toFixed(1);
