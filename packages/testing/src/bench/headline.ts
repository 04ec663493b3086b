/**
 * The headline figures of `npm run bench`: which cells they come from, their ratios over the pairs
 * of runs of --headline-runs, and the last line.
 */
import type { Row } from './cells.js';
import { fmt, fmtMs, plural } from './format.js';
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
  const there = `bare ws p99 ${fmtMs(big?.p99)} ms, the room's ${fmtMs(cell('paced', n, s, 'room')?.p99)} ms`;
  return ok
    ? {
        n,
        s,
        y: { n: ok.n, s: ok.streams },
        m: { n: ok.n, s: ok.streams },
        yWhy:
          `N=${ok.n}, ${plural(ok.streams, 'stream')}, the most loaded cell in which bare ws kept pace (at N=${n}, ${plural(s, 'stream')} ` +
          `it fell behind: ${there})`,
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

/**
 * The headline figures: each the geometric mean ratio of the pairs of runs made back to back in
 * the headline runs (see paired), with its 95% interval.
 */
export function figures(head: Headline, rows: Row[], extra: Row[]): Figures {
  const out: string[] = [];
  const cells = (mode: Mode, sys: SystemId, c: { n: number; s: number }) =>
    [...rows, ...extra].filter(
      (r) => r.mode === mode && r.system === sys && r.n === c.n && r.streams === c.s && !r.error,
    );
  const list = (v: number[], f: (x: number) => string) => `[${v.map(f).join(', ')}]`;
  const shown = (v: Row[], pick: (r: Row) => number | undefined, f: (x: number) => string) =>
    list(v.map(pick).filter(isNumber), f);
  const tps = (r: Row) => r.tokensPerSec;
  const p99Of = (r: Row) => r.p99;
  const ofPairs = 'runs back to back in each headline run';
  const roomSat = cells('sat', 'room', head);
  const ncSat = cells('sat', 'nc', head);
  const gainPair = paired(roomSat, ncSat, tps);
  const gain = fixed(gainPair.ratio);
  out.push(
    `- coalescing_gain: saturation, N=${head.n}, ${plural(head.s, 'stream')}; room tokens/s over no-coalesce tokens/s = ` +
      `${fmtPaired(gainPair)}, the two ${ofPairs}: room ${shown(roomSat, tps, fmt)}, no-coalesce ${shown(ncSat, tps, fmt)}`,
  );
  let p99 = 'n/a';
  if (head.y) {
    const roomPaced = cells('paced', 'room', head.y);
    // A baseline run that fell behind measured the loaded machine, not a reference: its pair is
    // left out. Such a pair has a low ratio, so leaving it out can only raise Y: it never flatters
    // the room.
    const ws = cells('paced', 'ws', head.y);
    const wsLate = ws.filter((r) => !r.keptPace);
    const p99Pair = paired(
      roomPaced,
      ws.filter((r) => r.keptPace),
      p99Of,
    );
    p99 = fixed(p99Pair.ratio);
    out.push(
      `- paced_p99_vs_ws: ${head.yWhy}; room p99 over bare ws p99 = ${fmtPaired(p99Pair)}, the two ${ofPairs}: ` +
        `room ${shown(roomPaced, p99Of, fmtMs)} ms, bare ws ${shown(ws, (r) => (r.keptPace ? r.p99 : undefined), fmtMs)} ms` +
        (wsLate.length
          ? ` (left out with their pairs: bare ws runs that fell behind, p99 ${shown(wsLate, p99Of, fmtMs)} ms)`
          : ''),
    );
  } else out.push(`- paced_p99_vs_ws: ${head.yWhy}`);

  let metricsCostPct = 'n/a';
  if (opts.systems.includes('mo')) {
    // metrics_cost_pct is the server's CPU per token for the same fixed paced work: what recording
    // costs. The aim is judged on all three figures, each by the worse end of its 95% interval.
    const room = { sat: cells('sat', 'room', head), paced: cells('paced', 'room', head.m) };
    const mo = { sat: cells('sat', 'mo', head), paced: cells('paced', 'mo', head.m) };
    const cpu = (r: Row) => r.perSrvCpuSec;
    // Tokens per CPU-second without over with: how much more CPU a token takes with metrics.
    const extraCpu = paired(mo.paced, room.paced, cpu);
    if (Number.isFinite(extraCpu.ratio)) {
      metricsCostPct = ((extraCpu.ratio - 1) * 100).toFixed(1);
      if (metricsCostPct === '-0.0') metricsCostPct = '0.0';
    }
    const latency = paired(room.paced, mo.paced, p99Of);
    const share = paired(room.sat, mo.sat, tps);
    const worse: Worse[] = [
      { name: 'server CPU per token', at: extraCpu.ratio, end: extraCpu.hi },
      { name: 'paced p99', at: latency.ratio, end: latency.hi },
      { name: 'saturation tokens/s', at: 1 / share.ratio, end: 1 / share.lo },
    ];
    const verdict = metricsVerdict(worse);
    const spread = (v: Row[]) => {
      const t = v.map(tps).filter(isNumber);
      return t.length > 1 ? ` (spread ${fmt(Math.min(...t))}–${fmt(Math.max(...t))})` : '';
    };
    out.push(
      `- metrics cost (aim: within 10%): server CPU per token delivered with metrics ${fmtPaired(extraCpu, true)} ` +
        `against without (paced, N=${head.m.n}, ${plural(head.m.s, 'stream')}, the same work for both; tokens per server ` +
        `CPU-second over ${room.paced.length} / ${mo.paced.length} runs: room ${shown(room.paced, cpu, fmt)}, metrics off ` +
        `${shown(mo.paced, cpu, fmt)}); paced p99 with metrics / without = ${fmtPaired(latency)} ` +
        `(room ${shown(room.paced, p99Of, fmtMs)}, metrics off ${shown(mo.paced, p99Of, fmtMs)} ms); saturation tokens/s with ` +
        `metrics / without = ${fmtPaired(share)} at N=${head.n}, ${plural(head.s, 'stream')}: room ` +
        `${shown(room.sat, tps, fmt)}${spread(room.sat)}, metrics off ${shown(mo.sat, tps, fmt)}${spread(mo.sat)} tokens/s. ` +
        `Each figure is the pairs' ratio (the two run back to back and take turns to go first; the geometric mean ` +
        `with the order effect taken out, as in an AB/BA crossover) with its 95% interval; an interval that ` +
        `crosses 0.9 or 1.1 (-10% or +10%) means the runs cannot tell a 10% difference, and more --headline-runs can. ` +
        verdict,
    );
  } else
    out.push('- metrics cost: n/a (--systems without mo, the room with REALSTREAM_METRICS=off)');
  return { lines: out, gain, p99, metricsCostPct };
}

/** A figure of the metrics cost as how much worse with metrics (1.1 = 10% worse), and the worse end of its interval. */
export interface Worse {
  name: string;
  at: number;
  end: number;
}

/** Within 10% only when the worse end of every interval is; a figure not measured is named. */
export function metricsVerdict(worse: Worse[]): string {
  const measured = worse.filter((f) => Number.isFinite(f.at));
  const missing = worse.filter((f) => !Number.isFinite(f.at)).map((f) => f.name);
  if (!measured.length) return 'Verdict: n/a';
  const past = measured.filter((f) => f.at > 1.1).map((f) => f.name);
  const unsure = measured.filter((f) => f.at <= 1.1 && !(f.end <= 1.1)).map((f) => f.name);
  const verdict = past.length
    ? `Verdict: past 10% for ${past.join(', ')}`
    : unsure.length
      ? `Verdict: every figure within 10%, but the interval of ${unsure.join(', ')} still reaches past ` +
        `10%: too few pairs to be sure (--headline-runs=30 narrows it about twofold)`
      : 'Verdict: within 10% at the worse end of every 95% interval';
  return missing.length ? `${verdict} (not measured: ${missing.join(', ')})` : verdict;
}

export interface Paired {
  /** a/b, geometric, with the order effect taken out. */
  ratio: number;
  /** Its 95% interval (Student's t on the logs of the pairs' ratios). */
  lo: number;
  hi: number;
  pairs: number;
  /**
   * How much going first multiplies a figure: exp of half the difference between the two turns'
   * mean log ratios (NaN with a turn missing). It is taken out of `ratio`; shown, since an order
   * effect is a fault of the measurement.
   */
  first: number;
}

/**
 * a over b, from runs made in pairs (same `pair` number, run back to back; the lower `slot` went
 * first): the pairs share whatever the machine was doing, so their ratios spread far less than
 * either system's runs. When a and b take turns to go first, this is the AB/BA crossover estimate:
 * the mean log ratio of the pairs where a went first and that of the pairs where b went first,
 * averaged, so an order effect cancels instead of widening the interval (a run started while the
 * last cell's server was still busy once moved figures 1.3-1.6×). With a turn missing (a baseline
 * that always runs after the room), it is the plain mean of the pairs.
 */
export function paired(a: Row[], b: Row[], pick: (r: Row) => number | undefined): Paired {
  const turns: [number[], number[]] = [[], []]; // a went first, b went first
  for (const x of a) {
    const y = b.find((r) => r.pair === x.pair);
    const [u, v] = [x, y].map((r) => (r ? pick(r) : undefined));
    const l = u !== undefined && v !== undefined ? Math.log(u / v) : NaN;
    if (Number.isFinite(l)) turns[(x.slot ?? 0) < (y?.slot ?? 0) ? 0 : 1].push(l);
  }
  const all = [...turns[0], ...turns[1]];
  const k = all.length;
  if (!k) return { ratio: NaN, lo: NaN, hi: NaN, pairs: 0, first: NaN };
  let first = NaN;
  let mean: number;
  let se: number;
  let df: number;
  if (turns[0].length >= 2 && turns[1].length >= 2) {
    const [m0, m1] = turns.map(avg);
    mean = (m0 + m1) / 2;
    first = Math.exp((m0 - m1) / 2);
    se = Math.sqrt(turns.reduce((s, t, i) => s + variance(t, [m0, m1][i]) / t.length, 0)) / 2;
    df = k - 2;
  } else {
    mean = avg(all);
    se = Math.sqrt(variance(all, mean) / k);
    df = k - 1;
  }
  const half = tQuantile975(df) * se;
  return {
    ratio: Math.exp(mean),
    lo: Math.exp(mean - half),
    hi: Math.exp(mean + half),
    pairs: k,
    first,
  };
}

const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
/** Sample variance (NaN for fewer than two values). */
const variance = (xs: number[], mean: number) =>
  xs.length > 1 ? xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1) : NaN;

/** Student's t, two-sided 95%: T975[i] for DF[i] degrees of freedom. */
const DF = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 30, 60, 120, 1000];
const T975 = [
  12.71, 4.3, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.18, 2.13, 2.09, 2.04, 2.0, 1.98,
  1.96,
];

/** The t value for `df` degrees of freedom (the table's entry at or below it: never too narrow). */
function tQuantile975(df: number): number {
  let t = NaN;
  DF.forEach((d, i) => df >= d && (t = T975[i]));
  return t;
}

/**
 * "0.97 (95%: 0.85–1.11, 20 pairs; going first ×1.05)", or as a change: "+3.1% (95%: -2.0% to
 * +8.4%, 10 pairs; ...)".
 */
function fmtPaired(p: Paired, asChange = false): string {
  if (!Number.isFinite(p.ratio)) return 'n/a';
  const pct = (x: number) => `${x >= 1 ? '+' : ''}${((x - 1) * 100).toFixed(1)}%`;
  const interval = Number.isFinite(p.lo)
    ? asChange
      ? `95%: ${pct(p.lo)} to ${pct(p.hi)}, `
      : `95%: ${p.lo.toFixed(2)}–${p.hi.toFixed(2)}, `
    : '';
  const first = Number.isFinite(p.first) ? `; going first ×${p.first.toFixed(2)}` : '';
  return `${asChange ? pct(p.ratio) : p.ratio.toFixed(2)} (${interval}${plural(p.pairs, 'pair')}${first})`;
}

/** A ratio for the last line: two decimals, or n/a. */
const fixed = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

/** A figure a run produced (a failed or empty cell gives undefined or NaN). */
function isNumber(v: number | undefined): v is number {
  return v !== undefined && !Number.isNaN(v);
}

export const lastLine = (f: Pick<Figures, 'gain' | 'p99' | 'metricsCostPct'>) =>
  `bench: coalescing_gain=${f.gain} paced_p99_vs_ws=${f.p99} metrics_cost_pct=${f.metricsCostPct}`;
