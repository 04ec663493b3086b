#!/usr/bin/env node
// Runs the repository's wrangler (`node packages/server/scripts/wrangler.mjs dev ...`) on a Node it
// accepts. wrangler 4 refuses Node < 22.12, and the project still runs on Node 20 (partykit, the
// test runners); rather than pin a wrangler old enough for Node 20 (with a workerd of its age, and
// no fixes since), a Node 22 comes from the npm registry as the `node-<platform>-<arch>` package,
// the same binary nodejs.org ships, installed once into .cache/ (git-ignored) by npm itself.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const WRANGLER = join(root, 'node_modules/wrangler/bin/wrangler.js');
const MIN = [22, 12];
const cache = join(root, '.cache');

const newEnough = (version) => {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major > MIN[0] || (major === MIN[0] && minor >= MIN[1]);
};

/** npm's name for this machine's Node binary package (nodejs.org's names: linux, darwin, win). */
function binaryPackage() {
  const os = { linux: 'linux', darwin: 'darwin', win32: 'win' }[process.platform];
  if (!os) throw new Error(`no Node binary package for ${process.platform}; install Node >= 22.12`);
  return `node-${os}-${process.arch}`;
}

/**
 * A Node that wrangler accepts: this one when it is new enough, else the cached Node 22, installed
 * first if it is not there yet. Concurrent callers each install into their own folder and the
 * first rename wins, so two test files starting wrangler at once do not trip over each other.
 */
export function wranglerNode() {
  if (newEnough(process.version)) return process.execPath;
  const pkg = binaryPackage();
  const where = (dir) =>
    join(dir, 'node_modules', pkg, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  const target = join(cache, 'node22');
  if (existsSync(where(target))) return where(target);
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(cache, 'node22-'));
  console.error(`wrangler needs Node >= ${MIN.join('.')}: installing ${pkg}@22 into .cache/`);
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(
      npm,
      ['install', '--prefix', scratch, '--no-save', '--no-audit', '--no-fund', `${pkg}@22`],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const version = execFileSync(where(scratch), ['--version'], { encoding: 'utf8' }).trim();
    if (!newEnough(version)) throw new Error(`${pkg}@22 installed ${version}, wanted >= 22.12`);
    try {
      renameSync(scratch, target);
    } catch (err) {
      if (!existsSync(where(target))) throw err; // not a lost race
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return where(target);
}

/**
 * The environment wrangler runs with here: no metrics prompt or upload (CI has no one to ask), and
 * no fetch of Cloudflare's `Request.cf` sample (offline it only costs a warning and a stack trace).
 */
export function wranglerEnv(env = process.env) {
  return { ...env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };
}

/** REALSTREAM_* variables of the environment (and `extra`) as `wrangler dev --var` flags. */
export function wranglerVarFlags(env = process.env, extra = {}) {
  const vars = {
    ...Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('REALSTREAM_'))),
    ...extra,
  };
  return Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const child = spawn(wranglerNode(), [WRANGLER, ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: wranglerEnv(),
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
