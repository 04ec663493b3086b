// Screenshot of the chat streaming a reply: `node dev/screenshot.mjs [out.png] [query]` with the
// dev server running (npm run dev). Waits for a reply that is mid-stream, then shoots.
/* global document, location, URLSearchParams -- the wait function runs in the page */
import puppeteer from 'puppeteer-core';

const out = process.argv[2] ?? 'chat-streaming.png';
const query = process.argv[3] ?? 'theme=light';
const base = process.env.DEV_URL ?? 'http://localhost:8123/packages/elements/dev/index.html';
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars'],
  defaultViewport: { width: 900, height: 900 },
});
try {
  const page = await browser.newPage();
  const room = `shot-${Date.now().toString(36)}`;
  await page.goto(`${base}?demo=1&room=${room}&${query}`);
  await page.waitForFunction(
    () => {
      const root = document.querySelector('realstream-chat')?.shadowRoot;
      const body = root?.querySelector('.message--streaming .message__body');
      return (
        body &&
        body.textContent.length > Number(new URLSearchParams(location.search).get('chars') ?? 700)
      );
    },
    { timeout: 60_000, polling: 50 },
  );
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
