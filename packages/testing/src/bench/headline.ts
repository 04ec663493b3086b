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
      .filter(isNumber);
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
    const cells = (mode: Mode, sys: SystemId, c: { n: number; s: number }) =>
      [...rows, ...extra].filter(
        (r) => r.mode === mode && r.system === sys && r.n === c.n && r.streams === c.s && !r.error,
      );
    const room = { sat: cells('sat', 'room', head), paced: cells('paced', 'room', head.m) };
    const mo = { sat: cells('sat', 'mo', head), paced: cells('paced', 'mo', head.m) };
    const cpu = (r: Row) => r.perSrvCpuSec;
    const p99 = (r: Row) => r.p99;
    const tps = (r: Row) => r.tokensPerSec;
    const extraCpu = crossover(mo.paced, room.paced, cpu) - 1;
    if (Number.isFinite(extraCpu)) {
      metricsCostPct = (extraCpu * 100).toFixed(1);
      if (metricsCostPct === '-0.0') metricsCostPct = '0.0';
    }
    const share = crossover(room.sat, mo.sat, tps);
    const shown = (v: Row[], pick: (r: Row) => number | undefined, f: (x: number) => string) =>
      list(v.map(pick).filter(isNumber), f);
    const spread = (v: Row[]) => {
      const t = v.map(tps).filter(isNumber);
      return t.length > 1 ? ` (spread ${fmt(Math.min(...t))}–${fmt(Math.max(...t))})` : '';
    };
    out.push(
      `- metrics cost (aim: within 10%): server CPU per token delivered with metrics ` +
        `${Number.isFinite(extraCpu) ? `${extraCpu >= 0 ? '+' : ''}${(extraCpu * 100).toFixed(1)}%` : 'n/a'} against without ` +
        `(paced, N=${head.m.n}, ${plural(head.m.s, 'stream')}, the same work for both; tokens per server CPU-second over ` +
        `${room.paced.length} / ${mo.paced.length} runs: room ${shown(room.paced, cpu, fmt)}, metrics off ${shown(mo.paced, cpu, fmt)}); ` +
        `paced p99 with metrics / without = ${fmtRatio(crossover(room.paced, mo.paced, p99))} (room ${shown(room.paced, p99, fmtMs)}, ` +
        `metrics off ${shown(mo.paced, p99, fmtMs)} ms); saturation tokens/s with metrics = ` +
        `${Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : 'n/a'} of without over ${room.sat.length} / ` +
        `${mo.sat.length} runs at N=${head.n}, ${plural(head.s, 'stream')}: room ${shown(room.sat, tps, fmt)}${spread(room.sat)}, ` +
        `metrics off ${shown(mo.sat, tps, fmt)}${spread(mo.sat)} tokens/s. The two take turns to run first, and which one ` +
        `runs first shifts the figures by 20-30% here, so each figure compares medians within a turn (first with ` +
        `first, second with second) and takes the geometric mean of the two ratios`,
    );
  } else
    out.push('- metrics cost: n/a (--systems without mo, the room with REALSTREAM_METRICS=off)');
  return { lines: out, gain, p99, metricsCostPct };
}

/**
 * a over b, from runs that took turns to go first: medians compared within each turn, then the
 * geometric mean of the two ratios, so an order effect cancels instead of deciding the medians.
 * Falls back to plain medians when a turn has no runs (a single run, or runs lost to errors).
 */
function crossover(a: Row[], b: Row[], pick: (r: Row) => number | undefined): number {
  const at = (rows: Row[], first?: boolean) =>
    median(
      rows
        .filter((r) => first === undefined || r.ranFirst === first)
        .map(pick)
        .filter(isNumber),
    );
  const turns = [true, false]
    .map((first) => at(a, first) / at(b, first))
    .filter((r) => Number.isFinite(r));
  if (turns.length === 2) return Math.sqrt(turns[0] * turns[1]);
  return at(a) / at(b);
}

/** A figure a run produced (a failed or empty cell gives undefined or NaN). */
function isNumber(v: number | undefined): v is number {
  return v !== undefined && !Number.isNaN(v);
}

const fmtRatio = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

export const lastLine = (f: Pick<Figures, 'gain' | 'p99' | 'metricsCostPct'>) =>
  `bench: coalescing_gain=${f.gain} paced_p99_vs_ws=${f.p99} metrics_cost_pct=${f.metricsCostPct}`;
