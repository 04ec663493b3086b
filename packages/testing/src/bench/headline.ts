/**
 * The headline figures of `npm run bench`: which cells they come from, their medians over
 * --headline-runs, and the last line.
 */
import type { Row } from './cells.js';
import { fmt, fmtMs, median, plural, ratio } from './format.js';
import { opts, type Mode, type SystemId } from './options.js';

export interface Headline {
  /** The coalescing_gain cell (saturation). */
  n: number;
  s: number;
  /** The paced_p99_vs_ws cell, and why it was chosen. */
  y: { n: number; s: number } | null;
  yWhy: string;
  /** The paced cell of metrics_cost_pct: Y's cell, else the largest. */
  m: { n: number; s: number };
}

/**
 * X: the largest cell. Y: the same cell if the bare ws baseline kept pace there; otherwise the most
 * loaded cell (offered token deliveries per second, then N) in which it did: a baseline that fell
 * behind measures the machine (its clients), not a server.
 */
export function pickHeadline(rows: Row[]): Headline {
  const n = Math.max(...opts.clients);
  const s = Math.max(...opts.streams);
  const cell = (m: Mode, cn: number, cs: number, sys: SystemId) =>
    rows.find(
      (r) => r.mode === m && r.n === cn && r.streams === cs && r.system === sys && !r.error,
    );
  const big = cell('paced', n, s, 'ws');
  if (big?.keptPace && cell('paced', n, s, 'room')) {
    return { n, s, y: { n, s }, yWhy: `N=${n}, ${s} streams (the largest cell)`, m: { n, s } };
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
        m: { n: ok.n, s: ok.streams },
        yWhy:
          `N=${ok.n}, ${plural(ok.streams, 'stream')}, the most loaded cell in which bare ws kept pace (at N=${n}, ${plural(s, 'stream')} ` +
          `it fell behind; the single-run ratio there is ${there})`,
      }
    : { n, s, y: null, yWhy: `n/a: bare ws kept pace in no paced cell`, m: { n, s } };
}

export interface Figures {
  /** Summary lines, one per figure. */
  lines: string[];
  gain: string;
  p99: string;
  metricsCostPct: string;
}

/** The headline figures: each a ratio of medians over the headline cell's runs. */
export function figures(head: Headline, rows: Row[], extra: Row[]): Figures {
  const out: string[] = [];
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

  let metricsCostPct = 'n/a';
  if (opts.systems.includes('mo')) {
    // The verdict is the server's CPU per token for the same fixed paced work: what recording
    // costs. Saturation tokens/s is shown too, but across runs of one unchanged room it spreads by
    // a factor of two or more here, so a 10% difference in its medians says little either way.
    const roomCpu = xs('paced', 'room', head.m, (r) => r.perSrvCpuSec);
    const moCpu = xs('paced', 'mo', head.m, (r) => r.perSrvCpuSec);
    const extraCpu = median(moCpu) / median(roomCpu) - 1;
    if (Number.isFinite(extraCpu)) {
      metricsCostPct = (extraCpu * 100).toFixed(1);
      if (metricsCostPct === '-0.0') metricsCostPct = '0.0';
    }
    const moSat = xs('sat', 'mo', head, (r) => r.tokensPerSec);
    const roomP99 = xs('paced', 'room', head.m, (r) => r.p99);
    const moP99 = xs('paced', 'mo', head.m, (r) => r.p99);
    const share = median(roomSat) / median(moSat);
    // The first pass ran the room first, then the runs alternate: with an odd count it led once more.
    const runs = Math.min(roomP99.length, moP99.length);
    const order =
      runs % 2 === 1
        ? `; order unbalanced: the room ran first in ${(runs + 1) / 2} of ${runs} paced runs (pass an even --headline-runs)`
        : '';
    const spread = (v: number[]) =>
      v.length > 1 ? ` (spread ${fmt(Math.min(...v))}–${fmt(Math.max(...v))})` : '';
    out.push(
      `- metrics cost (aim: within 10%): server CPU per token delivered with metrics ` +
        `${Number.isFinite(extraCpu) ? `${extraCpu >= 0 ? '+' : ''}${(extraCpu * 100).toFixed(1)}%` : 'n/a'} against without ` +
        `(paced, N=${head.m.n}, ${plural(head.m.s, 'stream')}, the same work for both; medians of tokens per server CPU-second over ` +
        `${roomCpu.length} / ${moCpu.length} runs: room ${list(roomCpu, fmt)}, metrics off ${list(moCpu, fmt)}); ` +
        `paced p99 with metrics / without = ${ratio(median(roomP99), median(moP99))} (room ${list(roomP99, fmtMs)}, ` +
        `metrics off ${list(moP99, fmtMs)} ms${order}); saturation tokens/s with metrics = ` +
        `${Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : 'n/a'} of without, medians over ${roomSat.length} / ` +
        `${moSat.length} runs at N=${head.n}, ${plural(head.s, 'stream')}: room ${list(roomSat, fmt)}${spread(roomSat)}, ` +
        `metrics off ${list(moSat, fmt)}${spread(moSat)} tokens/s`,
    );
  } else
    out.push('- metrics cost: n/a (--systems without mo, the room with REALSTREAM_METRICS=off)');
  return { lines: out, gain, p99, metricsCostPct };
}

export const lastLine = (f: Pick<Figures, 'gain' | 'p99' | 'metricsCostPct'>) =>
  `bench: coalescing_gain=${f.gain} paced_p99_vs_ws=${f.p99} metrics_cost_pct=${f.metricsCostPct}`;
