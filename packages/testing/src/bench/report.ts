/** The report `npm run bench` prints: what was measured, the results and ratio tables, the headline. */
import { cpus } from 'node:os';
import type { Row } from './cells.js';
import { fmt, fmtMs, median, ratio, table } from './format.js';
import { figures, lastLine, type Headline } from './headline.js';
import {
  KEPT_PACE_P99_MS,
  LABEL,
  PACED_RATE,
  hostsFor,
  opts,
  type Mode,
  type SystemId,
} from './options.js';
import type { MemoryResult, ResumeResult } from './phases.js';
import { START_TOKENS } from './shared.js';
import { restarts } from './targets.js';

export function report(
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
      `(load average ${load.toFixed(2)} at start; another engineer's tests may run concurrently, so numbers are noisy). ` +
      `Every server first serves one unrecorded warm-up cell (N=${Math.min(...opts.clients)}, 1 stream), so no recorded run pays for compiling its hot paths.`,
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
  if (opts.systems.includes('mo'))
    out.push(
      '- room metrics off = the same room (REALSTREAM_COALESCE_MS=16) with REALSTREAM_METRICS=off; room / metrics off ' +
        'is what recording metrics (counters on every frame and delta, histograms on every reply and tool call, the 5 s ' +
        'report to the ops party) costs. "paced srv cpu per token: room / metrics off" = server CPU per token delivered ' +
        'with metrics over without, for the same paced work; metrics_cost_pct is its geometric mean over the pairs of ' +
        'the headline paced cell, as a percentage over 1.',
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
      ...(r.mode === 'paced' && !r.error && (r.system === 'room' || r.system === 'mo')
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
        ratio(sr?.tokensPerSec, cell('sat', n, s, 'mo')?.tokensPerSec),
        ratio(pr?.p99, cell('paced', n, s, 'mo')?.p99),
        ratio(cell('paced', n, s, 'mo')?.perSrvCpuSec, pr?.perSrvCpuSec),
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
        'sat tok/s: room / metrics off',
        'paced p99: room / metrics off',
        'paced srv cpu per token: room / metrics off',
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
  const mp = memory.find((m) => m.system === 'pk' && !m.error);
  if (mr && mp) {
    out.push(
      `- memory the room adds per connection over a bare partykit party: ${(mr.perConnKiB - mp.perConnKiB).toFixed(1)} KiB ` +
        `(the party's ${mp.perConnKiB.toFixed(1)} KiB is workerd's and partykit's own cost of a WebSocket)`,
    );
  }
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

  const f = figures(head, rows, extra);
  out.push(...f.lines);
  if (restarts.count)
    out.push(
      `- ${restarts.count} cell(s) failed with workerd replaced, or with the symptoms of it (a source file changed, or see what each FAILED line above says it saw); they were run again`,
    );
  out.push(`- wall time of the run: ${wallS.toFixed(0)} s`);
  out.push('');
  out.push(lastLine(f));
  console.log(out.join('\n'));
}
