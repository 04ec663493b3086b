/**
 * One cell of `npm run bench`: N clients of one system, `streams` replies at once, in the saturation
 * or paced scenario; the row of the results table it yields.
 */
import {
  KEPT_PACE_P99_MS,
  LABEL,
  PACED_RATE,
  hostsFor,
  opts,
  type Mode,
  type SystemId,
} from './options.js';
import { fmt, fmtMs } from './format.js';
import {
  Histogram,
  Rpc,
  sleep,
  waitMachineIdle,
  wallNow,
  type ArmOptions,
  type HostStats,
  type Progress,
  type StreamSpec,
} from './shared.js';
import {
  RELOAD_SYMPTOM,
  Restarted,
  closeClients,
  isRestart,
  connectClients,
  cpuOrRestarted,
  restarts,
  type Target,
} from './targets.js';

export interface Row {
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
  /**
   * Which run of the headline cells this row belongs to (0: the first pass over all cells) and its
   * place in that run (0 ran first). The systems of a cell run back to back in each run, so the
   * headline compares them run by run (headline.ts, paired).
   */
  pair?: number;
  slot?: number;
}

let cellNo = 0;

export async function runCell(
  t: Target,
  allHosts: Rpc[],
  n: number,
  streams: number,
): Promise<Row> {
  const hosts = allHosts.slice(0, hostsFor(n));
  for (let attempt = 1; ; attempt++) {
    const row = await runCellOnce(t, hosts, n, streams);
    if (!isRestart(row.error)) return row;
    restarts.count++;
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
    // The whole machine, not just this cell's server: the last cell's server may still be sending
    // what it had queued (the room without coalescing, for about 3 s). Waiting for this cell's
    // server alone, the paced run right after it had its p99 ×1.64 and its tokens per CPU-second
    // ×1.34 against its pair's second run; waiting for the machine, ×1.02 and ×0.99.
    if (!(await waitMachineIdle())) row.notes.push('machine still busy 5 s after connecting');
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
    const pidNow = await t.pid();
    if (pidNow !== pid) throw new Restarted(`workerd ${pid} replaced by ${pidNow}`);
    dbg('collected');
    const done = stats.reduce((a, s) => a + s.done, 0);
    if (done < expected)
      await t.stop(room, hosts).catch((err) => row.notes.push(`stop failed: ${err.message}`));
    dbg('stopped');
    const errors = stats.flatMap((s) => s.errors);
    if (errors.length) throw new Error(errors.slice(0, 3).join('; '));
    const closed = stats.reduce((a, s) => a + s.closed, 0);
    // Nothing in a cell makes the room close a socket (limits are raised), except a reload.
    if (closed && t.system !== 'ws') throw new Restarted(`${closed} sockets closed by the server`);
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
    if (t.system !== 'ws' && !(err instanceof Restarted)) {
      const pidNow = await t.pid().catch(() => 0);
      if (RELOAD_SYMPTOM.test(row.error) || pidNow !== pidAtStart)
        row.error = new Restarted(`${row.error} (workerd ${pidAtStart}, now ${pidNow})`).message;
    }
  } finally {
    await closeClients(hosts);
    dbg('closed');
  }
  const summary = row.error
    ? `FAILED: ${row.error}`
    : `${fmt(row.tokensPerSec)} tok/s` +
      (t.mode === 'paced' ? ` p50 ${fmtMs(row.p50)} p99 ${fmtMs(row.p99)} ms` : '') +
      `, ${fmt(row.perSrvCpuSec)} tok/srv-cpu-s, ${row.tokPerDelta?.toFixed(0) ?? '–'} tok/delta`;
  console.log(`  ${label}: ${summary} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return row;
}
