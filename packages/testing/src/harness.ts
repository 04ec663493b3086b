/**
 * Starts a real server on a free port for a test suite, and stops it with its whole process group:
 * `partykit dev` (workerd from 2024) or `wrangler dev` (partyserver on current workerd, SQLite-backed
 * Durable Objects). Neither has a programmatic API that survives a kill -9 of the server, so: spawn
 * detached, poll until it answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain ESM helper shared with `npm start`
import { varFlags } from '../../server/scripts/vars.mjs';
import {
  WRANGLER,
  wranglerEnv,
  wranglerNode,
  wranglerVarFlags,
  // @ts-expect-error plain ESM helper shared with `npm run start:wrangler`
} from '../../server/scripts/wrangler.mjs';
// @ts-expect-error plain ESM helper shared with `npm start`
import { startFront } from '../../server/scripts/dev-front.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PARTYKIT = join(ROOT, 'node_modules/.bin/partykit');

/** The two ways the rooms run: PartyKit's adapter, or partyserver's under wrangler. */
export type Engine = 'partykit' | 'wrangler';
export const ENGINES: readonly Engine[] = ['partykit', 'wrangler'];

/** The engine suites run on unless they say: REALSTREAM_ENGINE, else partykit. */
export function defaultEngine(env: NodeJS.ProcessEnv = process.env): Engine {
  const chosen = env.REALSTREAM_ENGINE ?? 'partykit';
  if (!(ENGINES as readonly string[]).includes(chosen))
    throw new Error(`REALSTREAM_ENGINE=${chosen}: use ${ENGINES.join(' or ')}`);
  return chosen as Engine;
}

export interface ServerOptions {
  /** Which engine runs the rooms; default from REALSTREAM_ENGINE (see defaultEngine). */
  engine?: Engine;
  /** Server vars (REALSTREAM_*). */
  vars?: Record<string, string | number>;
  /** Keep state on disk across restart(); default true (a fresh temp dir per server). */
  persist?: boolean;
  /** Where partykit's own output goes; default a temp file (its path is in `logFile`). */
  logFile?: string;
  /** Another main party than partykit.json's, relative to the repository root (the bench's baselines; partykit only). */
  script?: string;
  startTimeoutMs?: number;
  /**
   * Put the front of `npm start` before it (packages/server/scripts/dev-front.mjs), which serves
   * the built loader, chunks and host assets the pages load: `port`, `host` and `url` are then the
   * front's. For suites that open the example pages.
   */
  front?: boolean;
}

export interface TestServer {
  readonly engine: Engine;
  readonly port: number;
  /** host:port, as the client's `host` option takes it. */
  readonly host: string;
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly logFile: string;
  /** Base URL of a room's HTTP API. */
  roomUrl(room: string, party?: string): string;
  /** Kills the process group (SIGKILL: a crash, not a clean shutdown) and starts it again on the same port and state. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 25 } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    /* already gone */
  }
}

async function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => (clearTimeout(t), resolve(true)));
  });
}

/** Process groups of servers not stopped yet; killed outright if the suite exits first. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const engine = options.engine ?? defaultEngine();
  if (engine !== 'partykit' && options.script)
    throw new Error(`a custom script (${options.script}) runs on partykit only`);
  // Found (or installed) before the first start, so that a slow first install is not a slow start.
  const node = engine === 'wrangler' ? (wranglerNode() as string) : '';
  let port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'realstream-'));
  const logFile = options.logFile ?? join(dir, `${engine}.log`);
  const persist = options.persist ?? true;
  const vars = Object.fromEntries(
    Object.entries(options.vars ?? {}).map(([k, v]) => [k, String(v)]),
  );
  let child!: ChildProcess; // set by launch()

  const spawnPartykit = () => {
    const args = ['dev', ...(options.script ? [options.script] : [])];
    args.push('--port', String(port), '--disable-request-cf-fetch', '--no-hotkeys');
    args.push('--persist', persist ? join(dir, 'state') : 'false');
    args.push(...varFlags({}, { REALSTREAM_LOG_LEVEL: 'warn', ...vars }));
    return spawn(PARTYKIT, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  };

  const spawnWrangler = async () => {
    // wrangler dev always persists; without `persist` each start gets an empty folder.
    const state = join(dir, persist ? 'state' : `state-${Date.now()}`);
    const args = [WRANGLER, 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port)];
    args.push('--inspector-port', String(await freePort()), '--persist-to', state);
    args.push('--show-interactive-dev-session=false', '--log-level', 'warn');
    args.push(...wranglerVarFlags({}, { REALSTREAM_LOG_LEVEL: 'warn', ...vars }));
    return spawn(node, args, {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own log files go with the server's, not into the developer's home.
      env: wranglerEnv({ ...process.env, WRANGLER_LOG_PATH: join(dir, 'wrangler-logs') }),
    });
  };

  const launchOnce = async (): Promise<'up' | 'port clash'> => {
    const log = createWriteStream(logFile, { flags: 'a' });
    child = engine === 'wrangler' ? await spawnWrangler() : spawnPartykit();
    const closed = new Promise((resolve) => child.once('close', resolve));
    let output = '';
    // Its inspector port taken (it exits), or its own (workerd fails, partykit stays up).
    const clashed = () => /EADDRINUSE|Address already in use/.test(output);
    // Both pipes feed one log: the first to end must not end it under the other (a write after
    // end is an uncaught error that fails whichever test is running), so it ends with the child.
    void closed.then(() => log.end());
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.pipe(log, { end: false });
      stream.on('data', (chunk) => output.length < 65_536 && (output += chunk));
    }
    try {
      await waitFor(
        `${engine} dev on port ${port} (log: ${logFile})`,
        async () => {
          // Reported below, without waiting out the deadline.
          if (child.exitCode !== null || clashed()) return true;
          const res = await fetch(`http://127.0.0.1:${port}/parties/main/__harness-ready`);
          // Any answer from the party route means workerd is up (401 when a secret is set).
          // A deployment with invalid variables is up, and answers each request with the problem.
          return res.status < 500 || (await res.text()).includes('"server_misconfigured"');
        },
        { timeoutMs: options.startTimeoutMs ?? 60_000, intervalMs: 100 },
      );
      if (child.exitCode === null && !clashed()) return 'up';
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
      if (clashed()) {
        killGroup(child, 'SIGKILL'); // whatever it had started already
        return 'port clash';
      }
      throw new Error(`${engine} exited with ${child.exitCode}; see ${logFile}`);
    } catch (err) {
      // A server that never came up must not outlive the suite (its pipes would keep node alive).
      killGroup(child, 'SIGKILL');
      throw err;
    }
  };

  /**
   * A port can be taken between choosing it and listening on it: partykit dev's inspector (9229
   * or the next free one; two servers starting at once can both pick it), or the server's own
   * port. Such a start is tried again after a short random wait, on a new port unless the server
   * is restarting (its clients know its port).
   */
  const launch = async (keepPort = false) => {
    for (let attempt = 1; ; attempt++) {
      if ((await launchOnce()) === 'up') return;
      if (!keepPort) port = await freePort();
      if (attempt === 5)
        throw new Error(`${engine} dev kept finding its ports taken; see ${logFile}`);
      await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 800));
    }
  };

  await launch();
  type Front = { address(): { port: number }; close(): void };
  const front: Front | null = options.front
    ? await startFront({ port: 0, upstreamPort: port, hostname: '127.0.0.1' })
    : null;
  const publicPort = front ? front.address().port : port;
  const server: TestServer = {
    engine,
    port: publicPort,
    host: `127.0.0.1:${publicPort}`,
    url: `http://127.0.0.1:${publicPort}`,
    logFile,
    roomUrl: (room, party = 'main') =>
      `http://127.0.0.1:${publicPort}/parties/${party}/${encodeURIComponent(room)}`,
    async restart() {
      killGroup(child, 'SIGKILL');
      live.delete(child);
      await exited(child, 5000);
      await launch(true);
      live.add(child);
    },
    async stop() {
      front?.close();
      live.delete(child);
      killGroup(child, 'SIGTERM');
      await exited(child, 3000);
      // partykit exits on SIGTERM, but its workerd does not always (it was left running, orphaned,
      // about once a test run): whatever is left of the group goes now.
      killGroup(child, 'SIGKILL');
      await exited(child, 2000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(child);
  return server;
}
