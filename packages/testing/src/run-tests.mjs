#!/usr/bin/env node
// `npm test`: runs every suite and ends with one plain line `N passed, N failed`, the sum of all.
// Suites: the build (bundles within their size budgets), the type check, the Storybook smoke test
// (every story in Chromium), then node tests: unit tests, tests against a real `partykit dev`, the
// script-tag example under its CSP, and the bounded chaos run; then the room suites and the chaos
// run again on the other engine (partyserver under `wrangler dev`); then the consumer suite (the
// tarballs in generated Vite, React, webpack, Next.js and node apps); then the elements' browser
// tests; last, that no server they started is still running.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wranglerNode } from '../../server/scripts/wrangler.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (/\.test\.ts$/.test(name) && !/\.browser\.test\.ts$/.test(name))
      out.push(relative(root, path));
  }
  return out;
}

/**
 * The consumer suite (packed tarballs installed into generated Vite, React, webpack, Next.js and
 * node apps, each built and opened in Chromium): minutes of installs and builds on its own, so it
 * runs as a suite of its own after the node tests, not beside them.
 */
const CONSUMER = 'packages/testing/src/consumer.test.ts';

/**
 * The suites that run on both engines: everything that drives rooms on a real server, and the
 * chaos run. The client's and the examples' suites test code the engine does not change, so they
 * run on partykit only, which keeps the second pass to a few minutes.
 */
const BOTH_ENGINES = [
  /packages\/server\/src\/(party|room-commands|hostile|hostile-schema|tools|tools-assistant|tools-webhook|metrics|trust|clear|kill)\.test\.ts$/,
  /packages\/server\/src\/responders\/llm-room\.test\.ts$/,
  /packages\/server\/src\/reasoning-room\.test\.ts$/,
  /packages\/testing\/src\/chaos\.test\.ts$/,
];

/** Runs a command, echoing its output, and returns its output and exit code. */
function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const onData = (stream) => (chunk) => {
      out += chunk;
      stream.write(chunk);
    };
    child.stdout.on('data', onData(process.stdout));
    child.stderr.on('data', onData(process.stderr));
    child.on('close', (code) => resolve({ out, code: code ?? 1 }));
  });
}

const filter = process.argv.slice(2);
const suites = [];

/** A suite that is one check: passes when the command exits 0. */
async function check(name, cmd, args) {
  console.log(`\n== ${name}: ${cmd} ${args.join(' ')}`);
  const { code } = await run(cmd, args);
  suites.push({ name, pass: code === 0 ? 1 : 0, fail: code === 0 ? 0 : 1 });
}

const bin = (name) => join(root, 'node_modules/.bin', name);
if (!filter.length) {
  // `npm run build`: styles, bundles within their size budgets, the elements' declarations.
  await check('build and size budgets', 'npm', ['run', 'build', '--silent']);
  await check('typecheck', bin('tsc'), ['-p', 'packages/tsconfig.json', '--noEmit']);
}

/** A suite whose last line is `N passed, N failed`; a crash before it counts as one failure. */
async function counted(name, cmd, args) {
  console.log(`\n== ${name}: ${cmd} ${args.join(' ')}`);
  const { out, code } = await run(cmd, args);
  const last = [...out.matchAll(/^(\d+) passed, (\d+) failed$/gm)].at(-1);
  const pass = Number(last?.[1] ?? 0);
  const fail = Number(last?.[2] ?? 0);
  suites.push({ name, pass, fail: fail || (code !== 0 || !last ? 1 : 0) });
}

// The component catalogue: built, then every story opened in Chromium.
if (!filter.length || filter.some((f) => f.includes('storybook'))) {
  await counted('storybook smoke', process.execPath, [
    '--import',
    'tsx',
    'packages/testing/src/storybook-smoke.ts',
  ]);
}

// 1. Node tests: node's own runner, spec reporter; its summary lines are `ℹ pass N` / `ℹ fail N`.
// First on the embedded default (partykit dev), then the room suites on wrangler dev.
async function nodeTests(name, files, env) {
  if (!files.length) return;
  console.log(`\n== ${name}: ${files.length} files`);
  const { out, code } = await run(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
    env,
  );
  const pass = Number(/ℹ pass (\d+)/.exec(out)?.[1] ?? 0);
  const fail = Number(/ℹ fail (\d+)/.exec(out)?.[1] ?? 0);
  // A crash before the summary must not read as success.
  suites.push({ name, pass, fail: fail || (code !== 0 && fail === 0 ? 1 : 0) });
}
{
  let files = findTests(join(root, 'packages')).filter((f) => f !== CONSUMER);
  if (filter.length) files = files.filter((f) => filter.some((p) => f.includes(p)));
  await nodeTests('node (partykit)', files, { REALSTREAM_ENGINE: 'partykit' });
  const rooms = files.filter((f) => BOTH_ENGINES.some((re) => re.test(f)));
  // wrangler needs Node >= 22.12: installed once here (a fresh clone, CI), not by each suite.
  if (rooms.length) wranglerNode();
  await nodeTests('node (wrangler)', rooms, { REALSTREAM_ENGINE: 'wrangler' });
}

// The consumer apps, on partykit: what they test is the packages, not the engine.
if (!filter.length || filter.some((p) => CONSUMER.includes(p))) {
  await nodeTests('consumer', [CONSUMER], { REALSTREAM_ENGINE: 'partykit' });
}

// 2. Browser tests: web-test-runner in Chromium against a real `partykit dev`; the config's summary
// reporter ends with `N passed, N failed`. A run that crashes before that line counts as a failure.
if (
  !filter.length ||
  filter.some((p) => 'packages/elements'.includes(p) || p.includes('browser'))
) {
  await counted('browser', bin('wtr'), [
    '--config',
    'packages/elements/web-test-runner.config.mjs',
  ]);
}

// Every server a suite started must be gone by now: an orphaned workerd keeps its port and memory
// on a developer's machine long after the run. Ours are those still under this process, or
// orphaned (adopted by init) since it started; a server the developer runs meanwhile is neither.
{
  const stat = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const parentOf = (pid) => Number(stat(pid)[1]);
  const startedAt = (pid) => Number(stat(pid)[19]);
  const self = process.pid;
  const ours = (pid) => {
    for (let p = parentOf(pid); p > 1; p = parentOf(p)) if (p === self) return true;
    return parentOf(pid) === 1 && startedAt(pid) >= startedAt(self);
  };
  const left = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.startsWith(join(root, 'node_modules')) && cmd.includes('workerd') && ours(pid)) {
        left.push(Number(pid));
        process.kill(Number(pid), 'SIGKILL');
      }
    } catch {
      // Gone already, or not ours to read.
    }
  }
  if (left.length)
    console.log(`\nservers left running by the suites (killed now): ${left.join(', ')}`);
  suites.push({ name: 'servers stopped', pass: left.length ? 0 : 1, fail: left.length ? 1 : 0 });
}

let passed = 0;
let failed = 0;
console.log('\nSuites:');
for (const s of suites) {
  console.log(`  ${s.name}: ${s.pass} passed, ${s.fail} failed`);
  passed += s.pass;
  failed += s.fail;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
