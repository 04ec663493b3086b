// Debian's Chromium for browser tests (test tools cannot download their own browser here).
import { existsSync } from 'node:fs';

/** CHROME_PATH, else /usr/bin/chromium; throws saying how to install it when neither exists. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `No Chromium found (tried ${candidates.join(', ')}). Install Debian's: ` +
        'apt-get update && apt-get install -y chromium (or set CHROME_PATH).',
    );
  }
  return found;
}

/** Headless flags that work as root in a container. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
