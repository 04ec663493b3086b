// The consumer suite's processes: a tool run in a generated app (its output kept for the error that
// names the app and the step), an app's own preview server, and a tiny static server for the
// webpack app, which has none; and the limiter that runs a few installs at a time.
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { waitFor } from '../harness.js';

/** A step of an app that failed: which app, which step, and the tool's own words. */
export class StepError extends Error {
  constructor(
    readonly app: string,
    readonly step: string,
    detail: string,
  ) {
    super(`consumer ${app}, step ${step}: ${detail}`);
    this.name = 'StepError';
  }
}

/**
 * The environment the generated apps' tools run in: this process's, without what node's test
 * runner sets for its own children, and without telemetry (Next.js would otherwise call home).
 */
export function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...extra };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  return env;
}

const tail = (text: string, chars = 6000) =>
  text.length > chars ? `...${text.slice(-chars)}` : text;

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

/** Process groups still running; killed outright if the suite exits before stopping them. */
const live = new Set<ChildProcess>();
process.once('exit', () => live.forEach(killGroup));

/** Spawns a tool in a process group of its own, so that stopping it stops all it started. */
function spawnGroup(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('close', () => live.delete(child));
  return child;
}

/** Runs a tool to completion; rejects with a StepError holding its output when it fails. */
export function runTool(
  app: string,
  step: string,
  cmd: string,
  args: string[],
  { cwd, timeoutMs = 180_000 }: { cwd: string; timeoutMs?: number },
): Promise<string> {
  const shown = [cmd, ...args].join(' ');
  return new Promise((resolve, reject) => {
    // A timeout ends whatever the tool started too (npm's children, build workers).
    const child = spawnGroup(cmd, args, cwd, toolEnv());
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new StepError(app, step, `\`${shown}\` took over ${timeoutMs} ms\n${tail(out)}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new StepError(app, step, `\`${shown}\` did not start: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new StepError(app, step, `\`${shown}\` exited ${code ?? signal}\n${tail(out)}`));
    });
  });
}

/** Runs jobs at most `n` at a time, in the order they are given. */
export function limiter(n: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(job: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await job();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** Something serving a built app on a port, until stopped. */
export interface Served {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts an app's own server (`vite preview`, `next start`) and waits until it answers. */
export async function startPreview(
  app: string,
  cmd: string,
  args: string[],
  { cwd, port }: { cwd: string; port: number },
): Promise<Served> {
  const url = `http://127.0.0.1:${port}/`;
  const child = spawnGroup(cmd, args, cwd, toolEnv({ NODE_ENV: 'production' }));
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const closed = new Promise((resolve) => child.once('close', resolve));
    killGroup(child);
    await closed;
  };
  try {
    await waitFor(
      `${cmd} ${args.join(' ')} on port ${port}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}`);
        return (await fetch(url)).ok;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  } catch (err) {
    await stop();
    throw new StepError(app, 'page', `its server did not come up: ${err}\n${tail(out)}`);
  }
  return { url, stop };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** Serves the files under `dir` (index.html for /), as any static host would; nothing else. */
export async function serveStatic(dir: string, port: number): Promise<Served> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    const inside = file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
    if (!inside || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
