/**
 * The servers `npm run bench` measures (partykit dev rooms and the bare ws baseline), its child
 * processes (client hosts, the ws server), and connecting the clients of a cell. Everything
 * started here is stopped by `cleanup`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer, waitFor, type TestServer } from '../harness.js';
import { PACED_RATE, opts, type Mode, type SystemId } from './options.js';
import { Rpc, cpuMsOf, findWorkerd, type StreamSpec } from './shared.js';

// ---- processes ----------------------------------------------------------------------------

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const children: ChildProcess[] = [];
const servers: TestServer[] = [];

function forkTs(path: string): ChildProcess {
  const child = fork(here(path), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  return child;
}

export async function startHosts(n: number): Promise<Rpc[]> {
  return Array.from(
    { length: n },
    (_, i) => new Rpc(forkTs('./client-host.ts'), `client host ${i + 1}`),
  );
}

export interface Target {
  system: SystemId;
  mode: Mode;
  base: string; // ws://127.0.0.1:port
  /** The server process now (workerd can be replaced: see Restarted). */
  pid(): Promise<number>;
  /** Resolves once the server answers (after a reload, workerd takes a moment to listen). */
  ready(): Promise<void>;
  start(room: string, streams: StreamSpec[]): Promise<void>;
  stop(room: string, hosts: Rpc[]): Promise<void>;
}

/**
 * `partykit dev` watches the server sources and replaces workerd (new pid, rooms lost) when one
 * changes, e.g. when someone edits the tree during the run. A cell that sees that is run again.
 */
const RESTARTED = 'workerd was restarted during the cell';

/** `evidence`: what made the bench think so, shown with the error (a symptom alone can mislead). */
export class Restarted extends Error {
  constructor(evidence: string) {
    super(
      `${RESTARTED} (partykit dev reloads when a server source file changes); seen: ${evidence}`,
    );
  }
}

/** A cell or measurement that failed because workerd was replaced: it runs again. */
export function isRestart(error: string | undefined): boolean {
  return error?.startsWith(RESTARTED) ?? false;
}
/** Cells and measurements run again because workerd was replaced. */
export const restarts = { count: 0 };

/** Errors that a room target shows while partykit dev swaps workerd. */
export const RELOAD_SYMPTOM =
  /ECONNREFUSED|ECONNRESET|fetch failed|socket hang up|closed 1006|no snapshot|connect timeout/;

export async function serverReady(server: TestServer): Promise<void> {
  await waitFor(
    `partykit dev on port ${server.port} to answer`,
    async () =>
      (await fetch(`${server.url}/parties/main/bench-ready`, { signal: AbortSignal.timeout(2000) }))
        .ok,
    { timeoutMs: 30_000, intervalMs: 100 },
  );
}

export async function workerdOf(server: TestServer): Promise<number> {
  return waitFor(`workerd on port ${server.port}`, () => findWorkerd(server.port), {
    timeoutMs: 20_000,
    intervalMs: 100,
  });
}

/** CPU ms of `pid`, or Restarted when the process is gone. */
export function cpuOrRestarted(pid: number): number {
  try {
    return cpuMsOf(pid);
  } catch {
    throw new Restarted(`process ${pid} is gone`);
  }
}

export async function roomTarget(
  system: 'room' | 'nc' | 'mo',
  mode: Mode,
): Promise<Target & { server: TestServer }> {
  const server = await startServer({
    persist: false,
    vars: {
      REALSTREAM_COALESCE_MS: system === 'nc' ? 0 : 16,
      REALSTREAM_METRICS: system === 'mo' ? 'off' : 'on',
      REALSTREAM_DEMO_TOKENS_PER_SECOND: mode === 'sat' ? 0 : PACED_RATE,
      REALSTREAM_DEMO_REPLY_TOKENS: mode === 'sat' ? opts.satTokens : opts.pacedTokens,
      REALSTREAM_MAX_CONNECTIONS: 32_000,
      // The bench's clients share one uid and one address (see connect below): the door's
      // per-user and per-address caps are the hostile phase's business, not the capacity rows'.
      REALSTREAM_MAX_CONNECTIONS_PER_USER: 32_000,
      REALSTREAM_MAX_CONNECTIONS_PER_ADDRESS: 32_000,
      REALSTREAM_RATE_BURST: 100_000,
      REALSTREAM_RATE_PER_SECOND: 100_000,
      REALSTREAM_MAX_CONCURRENT_REPLIES: 1000,
    },
  });
  servers.push(server);
  await workerdOf(server);
  return {
    server,
    system,
    mode,
    base: `ws://${server.host}`,
    pid: () => workerdOf(server),
    ready: () => serverReady(server),
    async start(room, streams) {
      await Promise.all(
        streams.map(async (s) => {
          const res = await fetch(`${server.roomUrl(room)}/messages`, {
            method: 'POST',
            // Generous: a room without coalescing at 500 clients is slow to answer, and a cell does
            // not time the answer (only the tokens that follow).
            signal: AbortSignal.timeout(30_000),
            headers: { 'content-type': 'application/json', 'idempotency-key': s.key },
            body: JSON.stringify({ text: s.prompt }),
          });
          if (res.status !== 201)
            throw new Error(`POST messages: ${res.status} ${await res.text()}`);
        }),
      );
    },
    async stop(_room, hosts) {
      for (const h of hosts) if ((await h.call<number>({ op: 'stop' })) > 0) return;
    },
  };
}

/** The bare partykit party (party-baseline.ts), for the memory row only. */
export async function barePartyServer(): Promise<TestServer> {
  const server = await startServer({
    persist: false,
    script: 'packages/testing/src/bench/party-baseline.ts',
  });
  servers.push(server);
  await workerdOf(server);
  return server;
}

export async function wsTarget(): Promise<{ rpc: Rpc; port: number; pid: number }> {
  const child = forkTs('./ws-baseline.ts');
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('bare ws server did not start in 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`bare ws server exited with ${code}`)));
    child.on('message', (m: any) => m?.ready && (clearTimeout(t), resolve(m.port)));
  });
  return { rpc: new Rpc(child, 'bare ws server'), port, pid: child.pid! };
}

export function wsTargetFor(ws: { rpc: Rpc; port: number; pid: number }, mode: Mode): Target {
  return {
    system: 'ws',
    mode,
    base: `ws://127.0.0.1:${ws.port}`,
    pid: async () => ws.pid,
    ready: async () => {},
    async start(room, streams) {
      await ws.rpc.call({
        op: 'start',
        room,
        streams,
        tokensPerSecond: mode === 'sat' ? 0 : PACED_RATE,
        replyTokens: mode === 'sat' ? opts.satTokens : opts.pacedTokens,
      });
    },
    async stop(room) {
      await ws.rpc.call({ op: 'stop', room });
    },
  };
}

// ---- clients ----------------------------------------------------------------------------

export async function connectClients(
  hosts: Rpc[],
  base: string,
  room: string,
  n: number,
): Promise<number> {
  const parts: string[][] = hosts.map(() => []);
  for (let i = 0; i < n; i++) {
    // One uid for all: presence stays one entry, so connecting N clients costs N, not N^2, frames.
    parts[i % hosts.length].push(
      `${base}/parties/main/${encodeURIComponent(room)}?name=c${i}&uid=bench`,
    );
  }
  const results = await Promise.all(
    hosts.map((h, j) =>
      parts[j].length
        ? h.call<{ ready: number; failed: string[] }>(
            { op: 'connect', urls: parts[j], timeoutMs: 30_000 },
            40_000,
          )
        : { ready: 0, failed: [] },
    ),
  );
  const ready = results.reduce((a, r) => a + r.ready, 0);
  if (ready < n) {
    const why = results
      .flatMap((r) => r.failed)
      .slice(0, 3)
      .join('; ');
    if (ready === 0) throw new Error(`no client connected (${why})`);
    console.error(`  ! only ${ready}/${n} clients connected to ${room}: ${why}`);
  }
  return ready;
}

export const closeClients = (hosts: Rpc[]) =>
  Promise.all(hosts.map((h) => h.call({ op: 'close' }).catch(() => {})));

let cleaned = false;
/** Stops every child process and server the bench started. */
export async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(servers.map((s) => s.stop().catch(() => {})));
}
