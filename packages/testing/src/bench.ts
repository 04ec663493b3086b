/**
 * `npm run bench`: token fan-out of one room, against baselines measured in the same run.
 *
 *   systems   room              partykit dev (workerd), REALSTREAM_COALESCE_MS=16 (the default)
 *             room no-coalesce  the same room with REALSTREAM_COALESCE_MS=0 (one frame per token)
 *             bare ws           a node `ws` broadcast server doing only the streaming (bench/ws-baseline.ts)
 *             room metrics off  the room with REALSTREAM_METRICS=off (what recording metrics costs;
 *                               saturation and paced only)
 *   scenarios saturation        demo responder at REALSTREAM_DEMO_TOKENS_PER_SECOND=0, long replies:
 *                               tokens delivered per second, over the first --sat-ms after the first delta
 *             paced             50 tokens/s per stream: p50 / p99 latency of every token, from its
 *                               scheduled generation time (reply start + i * 20 ms) to its arrival
 *             resume            catch-up time after --missed events (room only)
 *             memory            RSS per idle connection (room vs a bare partykit party vs bare ws)
 *             heartbeat         workerd CPU and RSS of idle clients with and without heartbeats
 *                               (bench/heartbeat.ts)
 *
 * Flags (defaults; --quick makes everything tiny for a smoke check): --clients=10,100,500,
 * --streams=1,10, --hosts=auto (client host processes: one per 250 clients, at most 2), --sat-ms=3000,
 * --sat-tokens=50000, --paced-tokens=150, --grace-ms=3000, --idle=500 (idle connections for memory),
 * --missed=1000 (resume), --headline-runs=10, --systems=room,nc,ws,mo, --phases=memory,resume,sat,paced,writes,heartbeat
 * (add `hostile` for bench/hostile.ts: delivery while a wedged socket or 8 flooders are in the room).
 * Every server it starts is stopped at the end, also on error or Ctrl-C.
 * Last line: `bench: coalescing_gain=X paced_p99_vs_ws=Y metrics_cost_pct=Z` (which cells: printed
 * just above it; Z = extra server CPU per token with metrics, same paced work). Pieces: bench/options.ts (flags), bench/targets.ts (servers, processes, clients),
 * bench/cells.ts (saturation and paced cells), bench/phases.ts (memory, resume), bench/report.ts and
 * bench/headline.ts (tables, headline figures).
 */
import { measureWriteCost, reportWriteCost } from './bench/write-cost.js';
import { cpus, loadavg } from 'node:os';
import { runCell, type Row } from './bench/cells.js';
import { lastLine, pickHeadline } from './bench/headline.js';
import { SYSTEMS, hostsFor, opts, quick, type Mode, type SystemId } from './bench/options.js';
import {
  measureMemory,
  measureResume,
  type MemoryResult,
  type ResumeResult,
} from './bench/phases.js';
import { measureHostile, reportHostile } from './bench/hostile.js';
import { measureHeartbeatCost, reportHeartbeat } from './bench/heartbeat.js';
import { report } from './bench/report.js';
import {
  barePartyServer,
  cleanup,
  roomTarget,
  serverReady,
  startHosts,
  wsTarget,
  workerdOf,
  wsTargetFor,
  type Target,
} from './bench/targets.js';

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
  // Every server up front (idle ones cost nothing), so cells of the systems can interleave
  // and share whatever noise the machine has.
  const [ws, roomSat, ncSat, roomPaced, ncPaced, moSat, moPaced, bare] = await Promise.all([
    want('ws') ? wsTarget() : null,
    want('room') && (needSat || opts.phases.has('memory') || opts.phases.has('resume'))
      ? roomTarget('room', 'sat')
      : null,
    want('nc') && needSat ? roomTarget('nc', 'sat') : null,
    want('room') && needPaced ? roomTarget('room', 'paced') : null,
    want('nc') && needPaced ? roomTarget('nc', 'paced') : null,
    want('mo') && needSat ? roomTarget('mo', 'sat') : null,
    want('mo') && needPaced ? roomTarget('mo', 'paced') : null,
    want('room') && opts.phases.has('memory') ? barePartyServer() : null,
  ]);
  console.log(`  servers up in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  if (opts.phases.has('memory')) {
    if (roomSat)
      memory.push(
        await measureMemory('room', roomSat.base, roomSat.pid, hosts, opts.idle, roomSat.ready),
      );
    if (bare)
      memory.push(
        await measureMemory(
          'pk',
          `ws://${bare.host}`,
          () => workerdOf(bare),
          hosts,
          opts.idle,
          () => serverReady(bare),
        ),
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
      mo: moSat ?? undefined,
    },
    paced: {
      room: roomPaced ?? undefined,
      nc: ncPaced ?? undefined,
      ws: ws ? wsTargetFor(ws, 'paced') : undefined,
      mo: moPaced ?? undefined,
    },
  };
  // One unrecorded cell per server first: its first reply is when workerd compiles the room's hot
  // paths. Without it, a run of only --clients=500 had its first pair's paced p99 at 141 ms (room)
  // and 90 ms (metrics off), against about 72 ms for both over the 29 pairs after.
  const warmN = Math.min(...opts.clients);
  console.log(`  warm-up, one unrecorded cell per server at N=${warmN}:`);
  for (const mode of ['sat', 'paced'] as const) {
    if (!opts.phases.has(mode)) continue;
    for (const system of SYSTEMS) {
      const t = targets[mode][system];
      if (t) await runCell(t, hosts, warmN, 1);
    }
  }
  for (const mode of ['sat', 'paced'] as const) {
    if (!opts.phases.has(mode)) continue;
    for (const n of opts.clients) {
      for (const streams of opts.streams) {
        let slot = 0;
        for (const system of SYSTEMS) {
          const t = targets[mode][system];
          if (!t) continue;
          const row = await runCell(t, hosts, n, streams);
          row.pair = 0;
          row.slot = slot++;
          rows.push(row);
        }
      }
    }
  }
  // The headline cells again, so that each headline figure is a ratio over many pairs of runs made
  // back to back, with an interval, not one noisy sample.
  const head = pickHeadline(rows);
  const extra: Row[] = [];
  for (let k = 1; k < opts.headlineRuns; k++) {
    console.log(`  headline cells, run ${k + 1} of ${opts.headlineRuns}:`);
    const { sat, paced } = targets;
    // The room and the room without metrics swap places every run (the first pass ran the room
    // first), so that an order effect cannot read as the cost of metrics; the baseline of the
    // other figure runs right after them.
    const runAll = async (order: (Target | undefined)[], c: { n: number; s: number }) => {
      for (const [slot, t] of order.filter((x) => x !== undefined).entries()) {
        extra.push({ ...(await runCell(t, hosts, c.n, c.s)), pair: k, slot });
      }
    };
    const swapped = <T>(room: T, mo: T) => (k % 2 === 1 ? [mo, room] : [room, mo]);
    if (opts.phases.has('sat') && sat.room && (sat.nc || sat.mo)) {
      await runAll([...swapped(sat.room, sat.mo), sat.nc], head);
    }
    // head.m is head.y's cell when there is one, so the room runs serve both paced figures.
    const ws = head.y ? paced.ws : undefined;
    if (opts.phases.has('paced') && paced.room && (ws || paced.mo)) {
      await runAll([...swapped(paced.room, paced.mo), ws], head.m);
    }
  }
  const hostile = opts.phases.has('hostile') ? await measureHostile(quick) : null;
  const writes = opts.phases.has('writes') ? await measureWriteCost(quick) : null;
  const heartbeat = opts.phases.has('heartbeat') ? await measureHeartbeatCost(quick) : null;
  const wallS = (Date.now() - started) / 1000;
  if (hostile) reportHostile(hostile);
  if (writes) console.log(reportWriteCost(writes));
  if (heartbeat) console.log(reportHeartbeat(heartbeat));
  report(head, extra, rows, memory, resume, wallS, load);
}

try {
  await main();
} catch (err) {
  console.error(`bench failed: ${(err as Error).stack ?? err}`);
  console.log(lastLine({ gain: 'n/a', p99: 'n/a', metricsCostPct: 'n/a' }));
  process.exitCode = 1;
} finally {
  await cleanup();
}
