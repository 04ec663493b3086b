// Browser tests of @realstream/elements: web-test-runner in Debian's Chromium, against a real
// `partykit dev` started for the run. `npm test` runs this suite and reads its last line.
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { realstreamServer } from './test/server-plugin.mjs';
import { summaryReporter } from './test/summary-reporter.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

function chromium() {
  const path = process.env.CHROME_PATH || '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `No Chromium at ${path}. Install Debian's: apt-get update && apt-get install -y chromium ` +
        '(or set CHROME_PATH to a Chrome or Chromium binary).',
    );
  }
  return path;
}

// The stylesheet module is generated from tailwind.css; in CI it must already be up to date.
const styles = spawnSync(
  process.execPath,
  [here('scripts/build-styles.mjs'), ...(process.env.CI ? ['--check'] : [])],
  { stdio: 'inherit' },
);
if (styles.status !== 0) throw new Error('styles: build-styles.mjs failed');

const chrome = chromeLauncher({
  launchOptions: {
    executablePath: chromium(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  },
});

/**
 * `executeServerCommand('network-offline', { ms })`: the page's network goes away for `ms`, the real
 * thing DevTools does, over CDP (Network.emulateNetworkConditions), so the page gets its own
 * `offline` and `online` events. It comes back from here, not from the page: offline, the page
 * cannot reach the test runner either (its messages wait until the network is back).
 */
function networkCommands() {
  // One CDP session per page, kept: emulation set through a session ends when it detaches.
  const sessions = new Map();
  return {
    name: 'realstream-network',
    async executeCommand({ command, payload, session }) {
      if (command !== 'network-offline') return undefined;
      const page = chrome.getPage(session.id);
      let cdp = sessions.get(page);
      if (!cdp) {
        cdp = await page.createCDPSession();
        await cdp.send('Network.enable');
        sessions.set(page, cdp);
      }
      const emulate = (offline) =>
        cdp.send('Network.emulateNetworkConditions', {
          offline,
          latency: 0,
          downloadThroughput: -1,
          uploadThroughput: -1,
        });
      await emulate(true);
      await sleep(Number(payload?.ms ?? 1000));
      await emulate(false);
      return true;
    },
  };
}

export default {
  rootDir: here('../..'),
  files: [here('src/**/*.browser.test.ts')],
  nodeResolve: { exportConditions: ['browser', 'development'] },
  // One page at a time: a background page gets no animation frames and no focus, and the chat
  // renders in animation frames and is driven from the keyboard.
  concurrency: 1,
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: 30_000 } },
  plugins: [
    esbuildPlugin({
      ts: true,
      // nanostores reads process.env.NODE_ENV, which bundlers replace; so must the dev server.
      js: true,
      define: { 'process.env.NODE_ENV': '"development"' },
      target: 'es2022',
      tsconfig: here('../tsconfig.base.json'),
    }),
    realstreamServer(
      {
        // Slow enough to act mid-reply (stop, reconnect), fast enough for a quick suite.
        REALSTREAM_DEMO_TOKENS_PER_SECOND: 120,
        REALSTREAM_MAX_MESSAGE_CHARS: 2000,
        REALSTREAM_SNAPSHOT_MESSAGES: 20,
      },
      { scriptedProvider: true },
    ),
    networkCommands(),
  ],
  browsers: [chrome],
  reporters: [defaultReporter(), summaryReporter()],
};
