/**
 * `npm run bench`: token fan-out of one room, against two baselines measured in the same run.
 *
 *   systems   room              partykit dev (workerd), REALSTREAM_COALESCE_MS=16 (the default)
 *             room no-coalesce  the same room with REALSTREAM_COALESCE_MS=0 (one frame per token)
 *             bare ws           a node `ws` broadcast server doing only the streaming (bench/ws-baseline.ts)
 *   scenarios saturation        demo responder at REALSTREAM_DEMO_TOKENS_PER_SECOND=0, long replies:
 *                               tokens delivered per second, over the first --sat-ms after the first delta
 *             paced             50 tokens/s per stream: p50 / p99 latency of every token, from its
 *                               scheduled generation time (reply start + i * 20 ms) to its arrival
 *             resume            catch-up time after --missed events (room only)
 *             memory            RSS per idle connection (room vs bare ws)
 *
 * Flags (defaults; --quick makes everything tiny for a smoke check): --clients=10,100,500,
 * --streams=1,10, --hosts=auto (client host processes: one per 250 clients, at most 2), --sat-ms=3000,
 * --sat-tokens=50000, --paced-tokens=150, --grace-ms=3000, --idle=500 (idle connections for memory),
 * --missed=1000 (resume), --headline-runs=3, --systems=room,nc,ws, --phases=memory,resume,sat,paced.
 * Every server it starts is stopped at the end, also on error or Ctrl-C.
 * Last line: `bench: coalescing_gain=X paced_p99_vs_ws=Y` (which cells: printed just above it).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { startServer, waitFor, type TestServer } from './harness.js';
import {
  Histogram,
  Rpc,
  cpuMsOf,
  findWorkerd,
  rssKiBOf,
  sleep,
  waitIdle,
  wallNow,
  START_TOKENS,
  type ArmOptions,
  type HostStats,
  type Progress,
  type StreamSpec,
} from './bench/shared.js';

// ---- options ----------------------------------------------------------------------------

type SystemId = 'room' | 'nc' | 'ws';
type Mode = 'sat' | 'paced';
const LABEL: Record<SystemId, string> = { room: 'room', nc: 'room no-coalesce', ws: 'bare ws' };
const PACED_RATE = 50;
/** A paced cell "kept pace" when every token arrived and p99 stayed under 5 token intervals. */
const KEPT_PACE_P99_MS = 100;

function flag(name: string): string | undefined {
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (!hit) return undefined;
  return hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : 'true';
}
const quick = flag('quick') !== undefined;
const list = (name: string, fallback: string) =>
  (flag(name) ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const num = (name: string, full: number, small: number) => {
  const v = Number(flag(name) ?? (quick ? small : full));
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name}: expected a number`);
  return v;
};
const opts = {
  clients: list('clients', quick ? '5,20' : '10,100,500').map(Number),
  streams: list('streams', quick ? '1,2' : '1,10').map(Number),
  /** Client host processes per cell; 0 = auto: one per 250 clients, at most 2. */
  hosts:
    flag('hosts') === undefined || flag('hosts') === 'auto'
      ? 0
      : Math.max(1, Math.min(4, num('hosts', 1, 1))),
  satMs: num('sat-ms', 3000, 700),
  satTokens: num('sat-tokens', 50_000, 5000),
  pacedTokens: Math.max(2, num('paced-tokens', 150, 25)),
  graceMs: num('grace-ms', 3000, 2000),
  idle: num('idle', 500, 50),
  missed: num('missed', 1000, 100),
  /** Runs of the headline cells (median on the last line). */
  headlineRuns: Math.max(1, num('headline-runs', 3, 1)),
  systems: list('systems', 'room,nc,ws') as SystemId[],
  phases: new Set(list('phases', 'memory,resume,sat,paced')),
};
for (const n of [...opts.clients, ...opts.streams]) {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--clients / --streams: expected whole numbers >= 1, got ${n}`);
}
for (const s of opts.systems)
  if (!(s in LABEL)) throw new Error(`--systems: unknown system ${s} (room, nc, ws)`);

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

const hostsFor = (n: number) => opts.hosts || Math.min(2, Math.ceil(n / 250));

async function startHosts(n: number): Promise<Rpc[]> {
  return Array.from(
    { length: n },
    (_, i) => new Rpc(forkTs('./bench/client-host.ts'), `client host ${i + 1}`),
  );
}

interface Target {
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
class Restarted extends Error {
  constructor() {
    super(
      'workerd was restarted during the cell (partykit dev reloads when a server source file changes)',
    );
  }
}
let restarts = 0;

/** Errors that a room target shows while partykit dev swaps workerd. */
const RELOAD_SYMPTOM =
  /ECONNREFUSED|ECONNRESET|fetch failed|socket hang up|closed 1006|no snapshot|connect timeout/;

async function serverReady(server: TestServer): Promise<void> {
  await waitFor(
    `partykit dev on port ${server.port} to answer`,
    async () =>
      (await fetch(`${server.url}/parties/main/bench-ready`, { signal: AbortSignal.timeout(2000) }))
        .ok,
    { timeoutMs: 30_000, intervalMs: 100 },
  );
}

async function workerdOf(server: TestServer): Promise<number> {
  return waitFor(`workerd on port ${server.port}`, () => findWorkerd(server.port), {
    timeoutMs: 20_000,
    intervalMs: 100,
  });
}

/** CPU ms of `pid`, or Restarted when the process is gone. */
function cpuOrRestarted(pid: number): number {
  try {
    return cpuMsOf(pid);
  } catch {
    throw new Restarted();
  }
}

async function roomTarget(
  system: 'room' | 'nc',
  mode: Mode,
): Promise<Target & { server: TestServer }> {
  const server = await startServer({
    persist: false,
    vars: {
      REALSTREAM_COALESCE_MS: system === 'room' ? 16 : 0,
      REALSTREAM_DEMO_TOKENS_PER_SECOND: mode === 'sat' ? 0 : PACED_RATE,
      REALSTREAM_DEMO_REPLY_TOKENS: mode === 'sat' ? opts.satTokens : opts.pacedTokens,
      REALSTREAM_MAX_CONNECTIONS: 32_000,
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
            signal: AbortSignal.timeout(10_000),
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

async function wsTarget(): Promise<{ rpc: Rpc; port: number; pid: number }> {
  const child = forkTs('./bench/ws-baseline.ts');
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('bare ws server did not start in 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`bare ws server exited with ${code}`)));
    child.on('message', (m: any) => m?.ready && (clearTimeout(t), resolve(m.port)));
  });
  return { rpc: new Rpc(child, 'bare ws server'), port, pid: child.pid! };
}

function wsTargetFor(ws: { rpc: Rpc; port: number; pid: number }, mode: Mode): Target {
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

async function connectClients(
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

const closeClients = (hosts: Rpc[]) =>
  Promise.all(hosts.map((h) => h.call({ op: 'close' }).catch(() => {})));

// ---- cells ------------------------------------------------------------------------------

interface Row {
  mode: Mode;
  n: number;
  streams: number;
  system: SystemId;
  /** Client host processes used. */
  hosts: number;
  clients?: number;
  tokensPerSec?: number;
  p50?: number;
  p99?: number;
  p99Last?: number;
  /** p99 of tokens from START_TOKENS on: steady streaming, without the reply start-up. */
  p99Steady?: number;
  tokPerDelta?: number;
  /** Tokens delivered per second of server CPU: the server's cost, whatever the clients' share of the machine. */
  perSrvCpuSec?: number;
  srvCpu?: number;
  cliCpu?: number;
  notes: string[];
  error?: string;
  /** Paced: every token arrived and the offered rate was delivered. */
  keptPace?: boolean;
}

let cellNo = 0;

async function runCell(t: Target, allHosts: Rpc[], n: number, streams: number): Promise<Row> {
  const hosts = allHosts.slice(0, hostsFor(n));
  for (let attempt = 1; ; attempt++) {
    const row = await runCellOnce(t, hosts, n, streams);
    if (row.error !== new Restarted().message) return row;
    restarts++;
    if (attempt === 3) return row;
    console.log('    workerd restarted (source change?): running the cell again');
  }
}

async function runCellOnce(t: Target, hosts: Rpc[], n: number, streams: number): Promise<Row> {
  const row: Row = { mode: t.mode, n, streams, system: t.system, hosts: hosts.length, notes: [] };
  const room = `${t.mode}-${t.system}-n${n}-s${streams}-${++cellNo}`;
  const label = `${t.mode === 'sat' ? 'saturation' : 'paced'} N=${n} streams=${streams} ${LABEL[t.system]}`;
  const t0 = Date.now();
  /** BENCH_DEBUG=1 prints where a cell spends its time. */
  const dbg = (what: string) =>
    process.env.BENCH_DEBUG && console.log(`    [${what} +${Date.now() - t0} ms]`);
  await t.ready().catch(() => {});
  const pidAtStart = await t.pid().catch(() => 0);
  try {
    const pid = pidAtStart || (await t.pid());
    row.clients = await connectClients(hosts, t.base, room, n);
    dbg('connected');
    if (row.clients < n) row.notes.push(`${row.clients}/${n} connected`);
    await waitIdle(pid).catch(() => {});
    dbg('idle');
    const specs: StreamSpec[] = Array.from({ length: streams }, (_, k) => ({
      key: `${room}-s${k}`,
      prompt: `bench ${room} stream ${k}: how do rooms coalesce tokens?`,
    }));
    // Paced: hosts stop reading grace-ms after the schedule's end (plus slack for starting the replies).
    const deadline = wallNow() + 500 + (opts.pacedTokens - 1) * (1000 / PACED_RATE) + opts.graceMs;
    const arm: ArmOptions = {
      mode: t.mode,
      streams: specs,
      replyTokens: t.mode === 'sat' ? opts.satTokens : opts.pacedTokens,
      gapMs: t.mode === 'paced' ? 1000 / PACED_RATE : 0,
      ...(t.mode === 'paced' ? { freezeAt: deadline } : { freezeAfterFirstMs: opts.satMs + 200 }),
    };
    await Promise.all(hosts.map((h) => h.call({ op: 'arm', arm })));
    const cpu0 = cpuOrRestarted(pid);
    const w0 = wallNow();
    await t.start(room, specs);
    const expected = row.clients * streams;
    let timedOut = false;
    // Saturation: server CPU and tokens over the same interval, from the first delta seen to the end.
    let cpuA = cpu0;
    let wA = w0;
    for (;;) {
      await sleep(50);
      const ps = await Promise.all(hosts.map((h) => h.call<Progress>({ op: 'progress' })));
      const done = ps.reduce((a, p) => a + p.done, 0);
      const firsts = ps.map((p) => p.firstDelta).filter((x): x is number => x !== null);
      const first = firsts.length ? Math.min(...firsts) : null;
      const now = wallNow();
      if (first !== null && wA === w0) {
        cpuA = cpuOrRestarted(pid);
        wA = now;
      }
      if (done >= expected) break;
      if (t.mode === 'sat') {
        if (first !== null && now >= first + opts.satMs) break;
        if (first === null && now - w0 > 15_000) throw new Error('no delta arrived within 15 s');
      } else if (now > deadline) {
        timedOut = true;
        break;
      }
    }
    dbg('measured');
    const wB = wallNow();
    const cpuB = cpuOrRestarted(pid);
    const stats = await Promise.all(hosts.map((h) => h.call<HostStats>({ op: 'collect' })));
    if ((await t.pid()) !== pid) throw new Restarted();
    dbg('collected');
    const done = stats.reduce((a, s) => a + s.done, 0);
    if (done < expected)
      await t.stop(room, hosts).catch((err) => row.notes.push(`stop failed: ${err.message}`));
    dbg('stopped');
    const errors = stats.flatMap((s) => s.errors);
    if (errors.length) throw new Error(errors.slice(0, 3).join('; '));
    const closed = stats.reduce((a, s) => a + s.closed, 0);
    // Nothing in a cell makes the room close a socket (limits are raised), except a reload.
    if (closed && t.system !== 'ws') throw new Restarted();
    if (closed) row.notes.push(`${closed} sockets closed by server`);

    const tokens = stats.reduce((a, s) => a + s.tokens, 0);
    const deltas = stats.reduce((a, s) => a + s.deltas, 0);
    row.tokPerDelta = deltas ? tokens / deltas : undefined;
    row.cliCpu = stats.reduce((a, s) => a + (s.cpuMs / s.cpuWindowMs) * 100, 0);
    if (t.mode === 'sat' && wB - wA >= 200) {
      let k = 0;
      for (const s of stats) for (const [ms, n] of s.perMs) if (ms >= wA && ms < wB) k += n;
      row.srvCpu = ((cpuB - cpuA) / (wB - wA)) * 100;
      row.perSrvCpuSec = cpuB > cpuA ? k / ((cpuB - cpuA) / 1000) : undefined;
    } else {
      row.srvCpu = ((cpuB - cpu0) / (wB - w0)) * 100;
      row.perSrvCpuSec = cpuB > cpu0 ? tokens / ((cpuB - cpu0) / 1000) : undefined;
    }
    const first = Math.min(...stats.map((s) => s.firstDelta ?? Infinity));
    const last = Math.max(...stats.map((s) => s.lastDelta ?? -Infinity));
    if (!Number.isFinite(first)) throw new Error('no token delivered');

    if (t.mode === 'sat') {
      // Tokens delivered in [first delta, first delta + sat-ms), or to the last delta if it came sooner.
      const cutoff = first + opts.satMs;
      let inWindow = 0;
      for (const s of stats) for (const [ms, k] of s.perMs) if (ms < cutoff) inWindow += k;
      const span = (last < cutoff ? last : cutoff) - first;
      row.tokensPerSec = span >= 1 ? inWindow / (span / 1000) : NaN;
      if (done >= expected && span < opts.satMs)
        row.notes.push(`all replies done in ${span.toFixed(0)} ms`);
      if (span < 50) row.notes.push('burst: too short to be a rate');
    } else {
      const lat = new Histogram();
      const latLast = new Histogram();
      const latSteady = new Histogram();
      for (const s of stats) {
        lat.merge(s.latency);
        latLast.merge(s.latencyLast);
        latSteady.merge(s.latencySteady);
      }
      row.p99Steady = latSteady.percentile(0.99);
      row.p50 = lat.percentile(0.5);
      row.p99 = lat.percentile(0.99);
      row.p99Last = latLast.percentile(0.99);
      row.tokensPerSec = last > first ? tokens / ((last - first) / 1000) : NaN;
      const offered = expected * opts.pacedTokens;
      if (lat.censored)
        row.notes.push(
          `${((lat.censored / offered) * 100).toFixed(1)}% of tokens undelivered ${opts.graceMs} ms after schedule end`,
        );
      if (lat.negative)
        row.notes.push(`${lat.negative} tokens early (timer jitter), counted as 0 ms`);
      row.keptPace = !timedOut && lat.censored === 0 && row.p99 < KEPT_PACE_P99_MS;
      if (!row.keptPace) row.notes.push('fell behind');
    }
  } catch (err) {
    row.error = (err as Error).message.split('\n')[0];
    // Lost sockets or failed requests right after a reload are the reload's doing.
    if (
      t.system !== 'ws' &&
      !(err instanceof Restarted) &&
      (RELOAD_SYMPTOM.test(row.error) || (await t.pid().catch(() => 0)) !== pidAtStart)
    ) {
      row.error = new Restarted().message;
    }
  } finally {
    await closeClients(hosts);
    dbg('closed');
  }
  const summary = row.error
    ? `FAILED: ${row.error}`
    : `${fmt(row.tokensPerSec)} tok/s` +
      (t.mode === 'paced' ? ` p50 ${fmtMs(row.p50)} p99 ${fmtMs(row.p99)} ms` : '');
  console.log(`  ${label}: ${summary} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return row;
}

// ---- memory and resume ------------------------------------------------------------------

interface MemoryResult {
  system: SystemId;
  count: number;
  beforeKiB: number;
  afterKiB: number;
  perConnKiB: number;
  error?: string;
}

async function measureMemory(
  system: SystemId,
  base: string,
  pidOf: () => Promise<number>,
  hosts: Rpc[],
  count: number,
  ready: () => Promise<void>,
  gc: () => Promise<unknown> = async () => {},
): Promise<MemoryResult> {
  for (let attempt = 1; ; attempt++) {
    await ready();
    const result = await measureMemoryOnce(system, base, pidOf, hosts, count, gc);
    if (result.error !== new Restarted().message || attempt === 3) return result;
    restarts++;
  }
}

async function measureMemoryOnce(
  system: SystemId,
  base: string,
  pidOf: () => Promise<number>,
  hosts: Rpc[],
  count: number,
  gc: () => Promise<unknown>,
): Promise<MemoryResult> {
  const result: MemoryResult = { system, count, beforeKiB: NaN, afterKiB: NaN, perConnKiB: NaN };
  try {
    const pid = await pidOf();
    // One connection first, so the room (and the worker) exist before the baseline reading.
    await connectClients(hosts.slice(0, 1), base, 'idle', 1);
    await sleep(500);
    await waitIdle(pid);
    await gc();
    result.beforeKiB = rssKiBOf(pid);
    result.count = await connectClients(hosts, base, 'idle', count);
    await sleep(1500);
    await waitIdle(pid);
    await gc();
    result.afterKiB = rssKiBOf(pid);
    if ((await pidOf()) !== pid) throw new Restarted();
    result.perConnKiB = (result.afterKiB - result.beforeKiB) / result.count;
  } catch (err) {
    const msg = (err as Error).message;
    const reload =
      err instanceof Restarted ||
      /ENOENT/.test(msg) ||
      (system !== 'ws' && RELOAD_SYMPTOM.test(msg));
    result.error = reload ? new Restarted().message : msg;
  } finally {
    await closeClients(hosts);
  }
  console.log(
    `  memory ${LABEL[system]}: ${result.error ?? `${result.perConnKiB.toFixed(1)} KiB per idle connection`}`,
  );
  return result;
}

interface ResumeResult {
  missed: number;
  /** ms from new socket to caught up (connect + hello + replay applied), per repetition. */
  total: number[];
  /** ms from hello sent to caught up. */
  fromHello: number[];
  bytes: number;
  error?: string;
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const t = setTimeout(() => (ws.terminate(), reject(new Error('connect timeout'))), 10_000);
    ws.once('open', () => (clearTimeout(t), resolve(ws)));
    ws.once('error', (err) => (clearTimeout(t), reject(err)));
  });
}

async function measureResume(
  server: TestServer,
  missed: number,
  reps: number,
): Promise<ResumeResult> {
  for (let attempt = 1; ; attempt++) {
    await serverReady(server);
    const pid = await workerdOf(server);
    const result = await measureResumeOnce(server, missed, reps, `resume-${attempt}`);
    // A room reset by a reload (persist=false) restarts its seqs: the missed-event count comes out wrong.
    const reload =
      (await workerdOf(server)) !== pid ||
      RELOAD_SYMPTOM.test(result.error ?? '') ||
      /missed events, the room made/.test(result.error ?? '');
    if (!reload || attempt === 3) return result;
    restarts++;
    console.log('    workerd restarted (source change?): measuring resume again');
  }
}

async function measureResumeOnce(
  server: TestServer,
  missed: number,
  reps: number,
  room: string,
): Promise<ResumeResult> {
  const result: ResumeResult = { missed, total: [], fromHello: [], bytes: 0 };
  const url = `ws://${server.host}/parties/main/${room}?name=r&uid=resume`;
  const sockets: WebSocket[] = [];
  try {
    // A keeper with the same uid stays connected, so the resuming client's leave / join adds no events.
    const keeper = await openSocket(url);
    sockets.push(keeper);
    keeper.send(JSON.stringify({ type: 'hello', protocol: 1, since: 0 }));
    const a = await openSocket(url);
    sockets.push(a);
    const lastSeq = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no snapshot')), 10_000);
      a.on('message', (d) => {
        const f = JSON.parse(String(d));
        if (f.type === 'snapshot') {
          clearTimeout(t);
          resolve(f.seq);
        }
      });
      a.send(JSON.stringify({ type: 'hello', protocol: 1, since: 0 }));
    });
    a.close();
    await new Promise((r) => a.once('close', r));
    // `missed` durable events while it is away: messages without replies, 16 requests in flight.
    let target = lastSeq;
    let nextKey = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (nextKey < missed) {
          const i = nextKey++;
          const res = await fetch(`${server.roomUrl(room)}/messages`, {
            method: 'POST',
            signal: AbortSignal.timeout(10_000),
            headers: { 'content-type': 'application/json', 'idempotency-key': `missed-${i}` },
            body: JSON.stringify({ text: `missed event ${i}`, reply: false }),
          });
          if (res.status !== 201)
            throw new Error(`POST messages: ${res.status} ${await res.text()}`);
          target = Math.max(target, ((await res.json()) as { seq: number }).seq);
        }
      }),
    );
    if (target - lastSeq !== missed)
      throw new Error(`expected ${missed} missed events, the room made ${target - lastSeq}`);
    for (let rep = 0; rep < reps; rep++) {
      const t0 = wallNow();
      const ws = await openSocket(url);
      sockets.push(ws);
      let bytes = 0;
      const { tHello, tDone } = await new Promise<{ tHello: number; tDone: number }>(
        (resolve, reject) => {
          let applied = lastSeq;
          let resume = '';
          const transcript = new Map<string, string>();
          const timer = setTimeout(
            () => reject(new Error(`resume stalled at seq ${applied} of ${target}`)),
            15_000,
          );
          const apply = (f: any) => {
            if (f.seq <= applied) return;
            if (f.seq !== applied + 1) throw new Error(`gap: seq ${f.seq} after ${applied}`);
            applied = f.seq;
            if (f.event.type === 'message.created')
              transcript.set(f.event.message.id, f.event.message.text);
          };
          ws.on('message', (d: Buffer) => {
            bytes += d.length;
            try {
              const f = JSON.parse(d.toString());
              if (f.type === 'welcome') resume = f.resume;
              else if (f.type === 'event') apply(f);
              else if (f.type === 'batch') for (const e of f.events) apply(e);
              else if (f.type === 'snapshot')
                throw new Error(`got a snapshot, not a replay (welcome said ${resume})`);
            } catch (err) {
              clearTimeout(timer);
              reject(err);
            }
            if (applied >= target) {
              clearTimeout(timer);
              if (transcript.size !== missed)
                reject(new Error(`replay applied ${transcript.size} messages`));
              else resolve({ tHello, tDone: wallNow() });
            }
          });
          const tHello = wallNow();
          ws.send(JSON.stringify({ type: 'hello', protocol: 1, since: lastSeq }));
        },
      );
      result.total.push(tDone - t0);
      result.fromHello.push(tDone - tHello);
      result.bytes = bytes;
      ws.close();
    }
  } catch (err) {
    result.error = (err as Error).message;
  } finally {
    for (const s of sockets) s.terminate();
  }
  console.log(
    `  resume: ${result.error ?? `${median(result.total).toFixed(1)} ms median to catch up on ${missed} events`}`,
  );
  return result;
}

// ---- formatting -------------------------------------------------------------------------

const plural = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function fmt(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return '∞';
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(0)}k`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(x >= 100 ? 0 : 1);
}

function fmtMs(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return `>${opts.graceMs}`;
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function ratio(a: number | undefined, b: number | undefined, digits = 2): string {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0)
    return 'n/a';
  return (a / b).toFixed(digits);
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(head),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

// ---- main -------------------------------------------------------------------------------

let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(servers.map((s) => s.stop().catch(() => {})));
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => void cleanup().then(() => process.exit(130)));
}

async function main(): Promise<void> {
  const started = Date.now();
  const load = loadavg()[0];
  console.log(
    `bench: ${quick ? 'quick' : 'full'} run; clients ${opts.clients.join(',')}, streams ${opts.streams.join(',')}, ` +
      `client hosts ${opts.hosts || 'auto'}; ${cpus().length} cores, load average ${load.toFixed(2)} at start`,
  );
  const hosts = await startHosts(Math.max(...[...opts.clients, opts.idle].map(hostsFor)));
  const rows: Row[] = [];
  const memory: MemoryResult[] = [];
  let resume: ResumeResult | null = null;

  const want = (s: SystemId) => opts.systems.includes(s);
  const needSat = opts.phases.has('sat');
  const needPaced = opts.phases.has('paced');
  // Every server up front (idle ones cost nothing), so cells of the three systems can interleave
  // and share whatever noise the machine has.
  const [ws, roomSat, ncSat, roomPaced, ncPaced] = await Promise.all([
    want('ws') ? wsTarget() : null,
    want('room') && (needSat || opts.phases.has('memory') || opts.phases.has('resume'))
      ? roomTarget('room', 'sat')
      : null,
    want('nc') && needSat ? roomTarget('nc', 'sat') : null,
    want('room') && needPaced ? roomTarget('room', 'paced') : null,
    want('nc') && needPaced ? roomTarget('nc', 'paced') : null,
  ]);
  console.log(`  servers up in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  if (opts.phases.has('memory')) {
    if (roomSat)
      memory.push(
        await measureMemory('room', roomSat.base, roomSat.pid, hosts, opts.idle, roomSat.ready),
      );
    if (ws) {
      const gc = () => ws.rpc.call({ op: 'gc' });
      const url = `ws://127.0.0.1:${ws.port}`;
      memory.push(
        await measureMemory(
          'ws',
          url,
          async () => ws.pid,
          hosts,
          opts.idle,
          async () => {},
          gc,
        ),
      );
    }
  }
  if (opts.phases.has('resume') && roomSat)
    resume = await measureResume(roomSat.server, opts.missed, quick ? 3 : 5);

  const targets: Record<Mode, Partial<Record<SystemId, Target>>> = {
    sat: {
      room: roomSat ?? undefined,
      nc: ncSat ?? undefined,
      ws: ws ? wsTargetFor(ws, 'sat') : undefined,
    },
    paced: {
      room: roomPaced ?? undefined,
      nc: ncPaced ?? undefined,
      ws: ws ? wsTargetFor(ws, 'paced') : undefined,
    },
  };
  for (const mode of ['sat', 'paced'] as const) {
    if (!opts.phases.has(mode)) continue;
    for (const n of opts.clients) {
      for (const streams of opts.streams) {
        for (const system of ['room', 'nc', 'ws'] as const) {
          const t = targets[mode][system];
          if (t) rows.push(await runCell(t, hosts, n, streams));
        }
      }
    }
  }
  // The headline cells again (interleaved), so the last line is a median, not one noisy sample.
  const head = pickHeadline(rows);
  const extra: Row[] = [];
  for (let k = 1; k < opts.headlineRuns; k++) {
    console.log(`  headline cells, run ${k + 1} of ${opts.headlineRuns}:`);
    const { sat, paced } = targets;
    if (opts.phases.has('sat') && sat.room && sat.nc) {
      extra.push(await runCell(sat.room, hosts, head.n, head.s));
      extra.push(await runCell(sat.nc, hosts, head.n, head.s));
    }
    if (opts.phases.has('paced') && head.y && paced.room && paced.ws) {
      extra.push(await runCell(paced.room, hosts, head.y.n, head.y.s));
      extra.push(await runCell(paced.ws, hosts, head.y.n, head.y.s));
    }
  }
  const wallS = (Date.now() - started) / 1000;
  report(head, extra, rows, memory, resume, wallS, load);
}

interface Headline {
  /** The coalescing_gain cell (saturation). */
  n: number;
  s: number;
  /** The paced_p99_vs_ws cell, and why it was chosen. */
  y: { n: number; s: number } | null;
  yWhy: string;
}

/**
 * X: the largest cell. Y: the same cell if the bare ws baseline kept pace there; otherwise the most
 * loaded cell (offered token deliveries per second, then N) in which it did: a baseline that fell
 * behind measures the machine (its clients), not a server.
 */
function pickHeadline(rows: Row[]): Headline {
  const n = Math.max(...opts.clients);
  const s = Math.max(...opts.streams);
  const cell = (m: Mode, cn: number, cs: number, sys: SystemId) =>
    rows.find(
      (r) => r.mode === m && r.n === cn && r.streams === cs && r.system === sys && !r.error,
    );
  const big = cell('paced', n, s, 'ws');
  if (big?.keptPace && cell('paced', n, s, 'room')) {
    return { n, s, y: { n, s }, yWhy: `N=${n}, ${s} streams (the largest cell)` };
  }
  const ok = rows
    .filter(
      (r) =>
        r.mode === 'paced' &&
        r.system === 'ws' &&
        r.keptPace &&
        cell('paced', r.n, r.streams, 'room'),
    )
    .sort((a, b) => b.n * b.streams - a.n * a.streams || b.n - a.n)[0];
  const there = ratio(cell('paced', n, s, 'room')?.p99, big?.p99);
  return ok
    ? {
        n,
        s,
        y: { n: ok.n, s: ok.streams },
        yWhy:
          `N=${ok.n}, ${plural(ok.streams, 'stream')}, the most loaded cell in which bare ws kept pace (at N=${n}, ${plural(s, 'stream')} ` +
          `it fell behind; the single-run ratio there is ${there})`,
      }
    : { n, s, y: null, yWhy: `n/a: bare ws kept pace in no paced cell` };
}

function report(
  head: Headline,
  extra: Row[],
  rows: Row[],
  memory: MemoryResult[],
  resume: ResumeResult | null,
  wallS: number,
  load: number,
): void {
  const out: string[] = [];
  out.push('');
  out.push(
    `## Realstream fan-out bench (${new Date().toISOString().slice(0, 19)}Z, node ${process.version}, ${cpus().length} cores)`,
  );
  out.push('');
  out.push(
    `- Hosting: server = \`partykit dev\` (one workerd process) or the bare \`ws\` node server (one child process); ` +
      `clients = raw \`ws\` sockets (no permessage-deflate) in ${opts.hosts ? opts.hosts : 'one per 250 clients, at most 2,'} child ` +
      `processes of the bench ("client hosts"), round-robin (${[...new Set(opts.clients)].map((n) => `N=${n}: ${hostsFor(n)}`).join(', ')}); ` +
      `the bench process only orchestrates; all on this one ${cpus().length}-core machine ` +
      `(load average ${load.toFixed(2)} at start; another engineer's tests may run concurrently, so numbers are noisy).`,
  );
  out.push(
    '- tokens/s = demo-tokenizer tokens (`tokenize` of the demo reply) delivered, summed over all clients; a token counts ' +
      "once its last character arrived (found from each delta's offset against the known token boundaries; every client checks " +
      'offsets are gapless, one per host checks every character).',
  );
  out.push(
    `- saturation: REALSTREAM_DEMO_TOKENS_PER_SECOND=0, replies of ${opts.satTokens} tokens; tokens delivered in the first ` +
      `${opts.satMs} ms after the first delta (or first to last delta when replies end sooner) / that time.`,
  );
  out.push(
    `- paced: ${PACED_RATE} tokens/s per stream, ${opts.pacedTokens} tokens per reply; latency of every token = arrival - ` +
      `(reply start + i x ${1000 / PACED_RATE} ms), reply start = message.created \`at\` (room: stamped before the durable write ` +
      `that precedes the first token, so it is never flattering); tokens still missing ${opts.graceMs} ms after the schedule ` +
      `ended count as infinite (shown as >grace). Notes: "p99 from token ${START_TOKENS}" leaves out each reply's first ` +
      `${START_TOKENS} tokens (reply start-up: durable writes, HTTP); "p99 last-of-delta" uses only the last token of each ` +
      `delta (hides coalescing hold). "fell behind" = some token missing at the deadline or p99 >= ${KEPT_PACE_P99_MS} ms.`,
  );
  out.push(
    '- tok/delta = tokens per delta event (coalescing); srv cpu / cli cpu = % of one core used by the server process / all ' +
      'client hosts during the cell (from /proc and process.cpuUsage); tok/srv-cpu-s = tokens delivered per second of server ' +
      "CPU (saturation: over the same interval as the server CPU reading; paced: the whole cell): the server's " +
      'cost per token, whoever saturated the machine.',
  );
  out.push('');
  const body = rows.map((r) => [
    r.mode === 'sat' ? 'saturation' : `paced ${PACED_RATE}/s`,
    String(r.n),
    String(r.streams),
    LABEL[r.system],
    r.error ? 'FAILED' : fmt(r.tokensPerSec),
    r.mode === 'paced' && !r.error ? fmtMs(r.p50) : '–',
    r.mode === 'paced' && !r.error ? fmtMs(r.p99) : '–',
    r.error ? '–' : r.tokPerDelta === undefined ? '–' : r.tokPerDelta.toFixed(1),
    r.error ? '–' : fmt(r.perSrvCpuSec),
    r.srvCpu === undefined ? '–' : `${r.srvCpu.toFixed(0)}%`,
    r.cliCpu === undefined ? '–' : `${r.cliCpu.toFixed(0)}%`,
    [
      ...(r.error ? [r.error] : []),
      ...(r.mode === 'paced' && !r.error
        ? [`p99 from token ${START_TOKENS}: ${fmtMs(r.p99Steady)}`]
        : []),
      ...(r.mode === 'paced' && !r.error && r.system === 'room'
        ? [`p99 last-of-delta ${fmtMs(r.p99Last)}`]
        : []),
      ...r.notes,
    ].join('; '),
  ]);
  out.push(
    table(
      [
        'scenario',
        'N clients',
        'streams',
        'system',
        'tokens/s delivered',
        'p50 ms',
        'p99 ms',
        'tok/delta',
        'tok/srv-cpu-s',
        'srv cpu',
        'cli cpu',
        'notes',
      ],
      body,
    ),
  );

  const cell = (mode: Mode, n: number, s: number, sys: SystemId) =>
    rows.find(
      (r) => r.mode === mode && r.n === n && r.streams === s && r.system === sys && !r.error,
    );
  out.push('');
  out.push('### Ratios (same cell, same run)');
  out.push('');
  const ratioRows: string[][] = [];
  for (const n of opts.clients) {
    for (const s of opts.streams) {
      const sr = cell('sat', n, s, 'room');
      const pr = cell('paced', n, s, 'room');
      const pw = cell('paced', n, s, 'ws');
      ratioRows.push([
        String(n),
        String(s),
        ratio(sr?.tokensPerSec, cell('sat', n, s, 'nc')?.tokensPerSec),
        ratio(sr?.perSrvCpuSec, cell('sat', n, s, 'nc')?.perSrvCpuSec),
        ratio(sr?.tokensPerSec, cell('sat', n, s, 'ws')?.tokensPerSec),
        ratio(sr?.perSrvCpuSec, cell('sat', n, s, 'ws')?.perSrvCpuSec),
        ratio(pr?.p99, pw?.p99) + (pw && !pw.keptPace ? ' (ws fell behind)' : ''),
        ratio(cell('paced', n, s, 'nc')?.p99, pw?.p99),
      ]);
    }
  }
  out.push(
    table(
      [
        'N clients',
        'streams',
        'sat tok/s: room / no-coalesce',
        'per srv cpu-s',
        'sat tok/s: room / bare ws',
        'per srv cpu-s',
        'paced p99: room / bare ws',
        'paced p99: no-coalesce / bare ws',
      ],
      ratioRows,
    ),
  );
  out.push('');
  for (const m of memory) {
    out.push(
      m.error
        ? `- memory per idle connection, ${LABEL[m.system]}: FAILED: ${m.error}`
        : m.system === 'ws'
          ? `- memory per idle connection, ${LABEL[m.system]}: ${m.perConnKiB.toFixed(1)} KiB ` +
            `(RSS ${(m.beforeKiB / 1024).toFixed(1)} -> ${(m.afterKiB / 1024).toFixed(1)} MiB with ${m.count} connections that said hello; global.gc() before each reading)`
          : `- memory per idle connection, ${LABEL[m.system]}: ${m.perConnKiB.toFixed(1)} KiB ` +
            `(RSS ${(m.beforeKiB / 1024).toFixed(1)} -> ${(m.afterKiB / 1024).toFixed(1)} MiB with ${m.count} connections that said hello)`,
    );
  }
  const mr = memory.find((m) => m.system === 'room' && !m.error);
  const mw = memory.find((m) => m.system === 'ws' && !m.error);
  if (mr && mw) {
    out.push(
      mw.perConnKiB > 0
        ? `- memory ratio room / bare ws: ${ratio(mr.perConnKiB, mw.perConnKiB, 1)}`
        : '- memory ratio room / bare ws: n/a (the bare ws growth is within RSS noise at this count)',
    );
  }
  if (resume) {
    out.push(
      resume.error
        ? `- resume catch-up after ${resume.missed} missed events: FAILED: ${resume.error}`
        : `- resume catch-up after ${resume.missed} missed events (room, replay from the ring, ${(resume.bytes / 1024).toFixed(0)} KiB): ` +
            `median ${median(resume.total).toFixed(1)} ms from new socket to caught up (min ${Math.min(...resume.total).toFixed(1)}, ` +
            `max ${Math.max(...resume.total).toFixed(1)}, ${resume.total.length} runs), ${median(resume.fromHello).toFixed(1)} ms from hello`,
    );
  }

  const xs = (
    mode: Mode,
    sys: SystemId,
    c: { n: number; s: number },
    pick: (r: Row) => number | undefined,
  ) =>
    [...rows, ...extra]
      .filter(
        (r) => r.mode === mode && r.system === sys && r.n === c.n && r.streams === c.s && !r.error,
      )
      .map(pick)
      .filter((v): v is number => v !== undefined && !Number.isNaN(v));
  const list = (v: number[], f: (x: number) => string) => `[${v.map(f).join(', ')}]`;
  const roomSat = xs('sat', 'room', head, (r) => r.tokensPerSec);
  const ncSat = xs('sat', 'nc', head, (r) => r.tokensPerSec);
  const gain = ratio(median(roomSat), median(ncSat));
  out.push(
    `- coalescing_gain: saturation, N=${head.n}, ${head.s} streams; median room tokens/s / median no-coalesce tokens/s over ` +
      `${roomSat.length} / ${ncSat.length} runs: room ${list(roomSat, fmt)}, no-coalesce ${list(ncSat, fmt)}`,
  );
  let p99 = 'n/a';
  if (head.y) {
    const roomP99 = xs('paced', 'room', head.y, (r) => r.p99);
    // A baseline run that fell behind measured the loaded machine, not a reference: left out (that
    // can only raise Y, i.e. it never flatters the room). Room runs are never left out.
    const wsP99 = xs('paced', 'ws', head.y, (r) => (r.keptPace ? r.p99 : undefined));
    const wsLate = xs('paced', 'ws', head.y, (r) => (r.keptPace ? undefined : r.p99));
    p99 = ratio(median(roomP99), median(wsP99));
    out.push(
      `- paced_p99_vs_ws: ${head.yWhy}; median room p99 / median bare ws p99 over ${roomP99.length} / ${wsP99.length} ` +
        `runs: room ${list(roomP99, fmtMs)} ms, bare ws ${list(wsP99, fmtMs)} ms` +
        (wsLate.length
          ? ` (left out: bare ws runs that fell behind, p99 ${list(wsLate, fmtMs)} ms)`
          : ''),
    );
  } else out.push(`- paced_p99_vs_ws: ${head.yWhy}`);
  if (restarts)
    out.push(
      `- workerd was reloaded by partykit dev ${restarts} time(s) during the run (a source file changed); affected cells were run again`,
    );
  out.push(`- wall time of the run: ${wallS.toFixed(0)} s`);
  out.push('');
  out.push(`bench: coalescing_gain=${gain} paced_p99_vs_ws=${p99}`);
  console.log(out.join('\n'));
}

try {
  await main();
} catch (err) {
  console.error(`bench failed: ${(err as Error).stack ?? err}`);
  console.log('bench: coalescing_gain=n/a paced_p99_vs_ws=n/a');
  process.exitCode = 1;
} finally {
  await cleanup();
}
