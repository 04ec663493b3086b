/**
 * Shared pieces of `npm run bench`: the demo reply's tokens (so every system streams, and every
 * client counts, exactly the same tokens), a latency histogram, the IPC protocol between the bench
 * and its child processes, and /proc readers for server CPU and memory.
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { demoReply, tokenize } from '../../../server/src/responders/demo.js';

/** Wall-clock time in ms with sub-ms resolution, on the same clock as Date.now() (and workerd's). */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The tokens the demo responder streams for `prompt` with REALSTREAM_DEMO_REPLY_TOKENS=`replyTokens`
 * (same steps as DemoResponder.respond; clients check every received character against this text).
 */
export function demoTokens(prompt: string, replyTokens: number): string[] {
  let tokens = tokenize(demoReply(prompt));
  if (replyTokens > 0) {
    const base = tokens;
    tokens = [];
    for (let i = 0; tokens.length < replyTokens; i++)
      tokens.push(...(i ? ['\n\n', ...base] : base));
    tokens.length = replyTokens;
  }
  return tokens;
}

/** Cumulative end offset (UTF-16 units) of each token. */
export function tokenEnds(tokens: string[]): Int32Array {
  const ends = new Int32Array(tokens.length);
  let at = 0;
  for (let i = 0; i < tokens.length; i++) ends[i] = at += tokens[i].length;
  return ends;
}

/** Number of tokens whose end is <= offset (i.e. complete once `offset` characters arrived). */
export function tokensUpTo(ends: Int32Array, offset: number): number {
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[mid] <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---- latency histogram ------------------------------------------------------------------

const H_MIN = 0.01; // ms: bucket 0 holds everything <= 10 µs (including small negative skews)
const H_LOG = Math.log(1.01); // 1 % wide buckets: percentiles are exact to within 0.5 %

export interface HistData {
  /** [bucket, count] pairs. */
  buckets: [number, number][];
  /** Samples below 0 ms (clock or anchor skew); they are also counted in bucket 0. */
  negative: number;
  /** Tokens never delivered before the cell's deadline: counted as +infinity. */
  censored: number;
}

export class Histogram {
  private readonly counts = new Map<number, number>();
  negative = 0;
  censored = 0;

  add(ms: number): void {
    if (ms < 0) this.negative++;
    const b = ms <= H_MIN ? 0 : Math.ceil(Math.log(ms / H_MIN) / H_LOG);
    this.counts.set(b, (this.counts.get(b) ?? 0) + 1);
  }

  get total(): number {
    let n = this.censored;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  toData(): HistData {
    return { buckets: [...this.counts], negative: this.negative, censored: this.censored };
  }

  merge(data: HistData): void {
    for (const [b, c] of data.buckets) this.counts.set(b, (this.counts.get(b) ?? 0) + c);
    this.negative += data.negative;
    this.censored += data.censored;
  }

  /** Nearest-rank percentile in ms (upper edge of its bucket); Infinity when it falls on a censored token. */
  percentile(p: number): number {
    const total = this.total;
    if (total === 0) return NaN;
    const rank = Math.max(1, Math.ceil(p * total));
    let seen = 0;
    for (const b of [...this.counts.keys()].sort((x, y) => x - y)) {
      seen += this.counts.get(b)!;
      if (seen >= rank) return H_MIN * Math.exp(b * H_LOG);
    }
    return Infinity;
  }
}

// ---- IPC between the bench and its children ------------------------------------------------

export interface StreamSpec {
  /** The user message id (Idempotency-Key); the reply's message.created carries it as replyTo. */
  key: string;
  prompt: string;
}

export interface ArmOptions {
  mode: 'sat' | 'paced';
  streams: StreamSpec[];
  replyTokens: number;
  /** Token gap of the paced schedule (1000 / tokens per second); 0 at saturation. */
  gapMs: number;
  /**
   * Wall time after which the host stops reading (pauses every socket), so a flood of late frames
   * cannot keep its event loop from answering; at saturation, its own first delta + this many ms.
   */
  freezeAt?: number;
  freezeAfterFirstMs?: number;
}

/** Paced tokens with an index below this are "start" tokens (reply start-up), the rest "steady". */
export const START_TOKENS = 5;

export interface Progress {
  clients: number;
  /** (client, stream) pairs whose reply ended (completed / failed). */
  done: number;
  /** Tokens delivered, summed over clients. */
  tokens: number;
  firstDelta: number | null;
  lastDelta: number | null;
  /** Sockets closed by the other end during the cell. */
  closed: number;
  errors: string[];
}

export interface HostStats extends Progress {
  /** Delivered tokens per absolute wall-clock millisecond: [ms, tokens] pairs. */
  perMs: [number, number][];
  /** Per-token delivery latency (paced mode). */
  latency: HistData;
  /** Latency of the last token of each delta (the generous measure that hides coalescing hold). */
  latencyLast: HistData;
  /** Per-token latency of tokens from START_TOKENS on (steady state, without reply start-up). */
  latencySteady: HistData;
  /** Delta frames received (events, whether alone or in a batch), summed over clients. */
  deltas: number;
  /** Frames received (a batch is one frame), summed over clients. */
  frames: number;
  cpuMs: number;
  /** Wall time over which cpuMs was used (arm to collect). */
  cpuWindowMs: number;
}

export type HostRequest =
  | { op: 'connect'; urls: string[]; timeoutMs: number }
  | { op: 'arm'; arm: ArmOptions }
  | { op: 'progress' }
  | { op: 'stop' }
  | { op: 'collect' }
  | { op: 'close' };

export type WsServerRequest =
  | {
      op: 'start';
      room: string;
      streams: StreamSpec[];
      tokensPerSecond: number;
      replyTokens: number;
    }
  | { op: 'stop'; room: string }
  | { op: 'gc' };

/** Request / response over a child's IPC channel. */
export class Rpc {
  private next = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (v: any) => void; reject: (e: Error) => void }
  >();

  constructor(
    readonly child: ChildProcess,
    readonly name: string,
  ) {
    child.on('message', (msg: any) => {
      const w = this.waiting.get(msg?.id);
      if (!w) return;
      this.waiting.delete(msg.id);
      if (msg.error) w.reject(new Error(`${name}: ${msg.error}`));
      else w.resolve(msg.result);
    });
    child.on('exit', (code, signal) => {
      for (const w of this.waiting.values())
        w.reject(new Error(`${name} exited (${code ?? signal})`));
      this.waiting.clear();
    });
  }

  call<T>(req: object, timeoutMs = 60_000): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiting.delete(id);
        reject(
          new Error(`${this.name}: no answer to ${(req as { op: string }).op} in ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => (clearTimeout(t), resolve(v)),
        reject: (e) => (clearTimeout(t), reject(e)),
      });
      this.child.send({ id, ...req });
    });
  }
}

/** The child side: answers requests with `handle`; exits when the parent goes away. */
export function serveRpc(handle: (req: any) => Promise<unknown> | unknown): void {
  process.on('message', async (msg: any) => {
    try {
      const result = await handle(msg);
      process.send!({ id: msg.id, result });
    } catch (err) {
      process.send!({ id: msg.id, error: (err as Error)?.stack ?? String(err) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

// ---- /proc ------------------------------------------------------------------------------

/** The workerd process serving `port` (partykit dev spawns it; it listens on the port itself). */
export function findWorkerd(port: number): number | null {
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (cmd.includes('workerd') && cmd.includes(`entry=0.0.0.0:${port}\0`)) return Number(p);
    } catch {
      /* gone */
    }
  }
  return null;
}

/** User + system CPU time of a process in ms (clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

/** Resident set size in KiB. */
export function rssKiBOf(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** CPU time used by the whole machine so far, in ms: /proc/stat's first line, all but idle and iowait. */
function machineBusyMs(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .slice(0, 200)
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) * 10;
}

/**
 * Waits (at most `maxMs`) until `busyMs` (a CPU clock in ms) moves by at most `limitMs` in 200 ms.
 * False when it never got there.
 */
async function waitQuiet(busyMs: () => number, limitMs: number, maxMs: number): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const c0 = busyMs();
    await sleep(200);
    if (busyMs() - c0 <= limitMs) return true;
  }
  return false;
}

/**
 * Waits until the whole machine uses under 20 % of a core: every server of the bench and every
 * client host, not just the next cell's server, so that no cell starts while the last one's
 * server or clients are still winding down.
 */
export const waitMachineIdle = (maxMs = 5000) => waitQuiet(machineBusyMs, 40, maxMs);

/** Waits until `pid` uses under 15 % of a core (the memory phase: one server on its own). */
export const waitIdle = (pid: number, maxMs = 3000) => waitQuiet(() => cpuMsOf(pid), 30, maxMs);
