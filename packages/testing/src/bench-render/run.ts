/**
 * `npm run bench:render`: streaming-render cost of <realstream-chat> against deep-chat, in
 * headless Chromium, in the same run.
 *
 * Both pages stream the same deterministic 20,000-token markdown reply (reply.ts), one token per
 * macrotask (a MessageChannel pump: the producer never waits, each consumer decides what a token
 * costs it), until the reply's final paragraph is in the element's DOM and that frame has
 * rendered. Each system runs in a fresh page (fresh browser context), same viewport, alternating,
 * --runs times (default 2); the table shows medians.
 *
 * Measured from a Chrome trace (devtools.timeline categories) of each run, between the page's
 * console.timeStamp marks: main-thread ms = sum of top-level RunTask durations on the page's
 * renderer main thread (clipped to the window), longest task = the longest such RunTask; frames >
 * 50 ms = requestAnimationFrame gaps over 50 ms counted in the page over the same window. The cpu
 * columns are the same sums from the tasks' thread time (tdur): on a busy machine a task's wall
 * duration includes the time its thread was descheduled; its thread time does not.
 *
 * A run stops pushing once --budget-ms (default 120 000) of wall time has passed: deep-chat re-renders
 * the whole reply per token, so the full 20,000 tokens would take it over an hour. A capped run is
 * shown with the tokens it took; its main-thread time is then a lower bound of the full run's, and
 * vs_deepchat (realstream, complete, over capped deep-chat) an upper bound of the real ratio.
 *
 * Flags: --runs=2 --tokens=20000 --budget-ms=120000 --only=realstream|deepchat --keep (keep the temp
 * dir and traces).
 * Last line: `bench:render: vs_deepchat=X longest_task_ms=Y` (X = realstream main-thread ms /
 * deep-chat main-thread ms, Y = realstream's longest task).
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import type { PageResult } from './page-common.js';
import { CHROMIUM_ARGS, chromiumPath } from '../chromium.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'] as const;
  }),
);
const RUNS = Number(args.get('runs') ?? 2);
const TOKENS = Number(args.get('tokens') ?? 20_000);
const KEEP = args.has('keep');
const ONLY = args.get('only');
/** Wall-time budget per run: a renderer that re-renders everything per token would take hours. */
const BUDGET_MS = Number(args.get('budget-ms') ?? 120_000);

const here = fileURLToPath(new URL('.', import.meta.url));
const SYSTEMS = [
  { key: 'realstream', label: '<realstream-chat>', entry: 'page-realstream.ts' },
  { key: 'deepchat', label: 'deep-chat', entry: 'page-deepchat.ts' },
].filter((s) => !ONLY || s.key === ONLY);

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'toplevel',
].join(',');

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time: without the time the thread was descheduled on a busy machine. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { data?: { message?: string } };
}

interface TaskStats {
  mainThreadMs: number;
  longestTaskMs: number;
  /** The same from thread time (tdur): what the tasks cost in CPU, free of scheduling noise. */
  mainThreadCpuMs: number;
  longestTaskCpuMs: number;
  tasksOver50: number;
  tasks: number;
  /** The longest tasks' start offsets and durations, for the report. */
  top: { atMs: number; ms: number }[];
}

/** Sums the top-level RunTask events of the page's main thread between the page's marks. */
export function taskStats(events: TraceEvent[]): TaskStats {
  const mark = (m: string) =>
    events.find((e) => e.name === 'TimeStamp' && e.args?.data?.message === m);
  const start = mark('bench-render:start');
  const end = mark('bench-render:end');
  if (!start || !end) throw new Error('trace has no bench-render marks');
  const { pid, tid } = start;
  const tasks = events
    .filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.name === 'RunTask')
    .sort((a, b) => a.ts - b.ts);
  let total = 0;
  let longest = 0;
  let cpu = 0;
  let longestCpu = 0;
  let over = 0;
  let count = 0;
  let coveredUntil = -Infinity;
  const top: { atMs: number; ms: number }[] = [];
  for (const t of tasks) {
    const tEnd = t.ts + (t.dur ?? 0);
    if (t.ts < coveredUntil) continue; // nested in a task already counted
    coveredUntil = tEnd;
    const from = Math.max(t.ts, start.ts);
    const to = Math.min(tEnd, end.ts);
    if (to <= from) continue;
    // Tasks cut by the window count only their part inside it, but their full length is what a
    // user waits for, so the longest task uses the whole duration.
    total += to - from;
    cpu += (t.tdur ?? 0) * (t.dur ? (to - from) / t.dur : 1);
    longestCpu = Math.max(longestCpu, (t.tdur ?? 0) / 1000);
    count++;
    const ms = (t.dur ?? 0) / 1000;
    longest = Math.max(longest, ms);
    if (ms > 50) over++;
    top.push({ atMs: (t.ts - start.ts) / 1000, ms });
  }
  top.sort((a, b) => b.ms - a.ms);
  return {
    mainThreadMs: total / 1000,
    longestTaskMs: longest,
    mainThreadCpuMs: cpu / 1000,
    longestTaskCpuMs: longestCpu,
    tasksOver50: over,
    tasks: count,
    top: top.slice(0, 5),
  };
}

async function bundle(dir: string): Promise<void> {
  for (const s of SYSTEMS) {
    await build({
      entryPoints: [join(here, s.entry)],
      outfile: join(dir, `${s.key}.js`),
      bundle: true,
      format: 'esm',
      target: 'es2022',
      platform: 'browser',
      minify: true,
      sourcemap: false,
      logLevel: 'error',
      define: { 'process.env.NODE_ENV': '"production"' },
      tsconfigRaw: {
        compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false },
      },
    });
    await writeFile(
      join(dir, `${s.key}.html`),
      `<!doctype html><html><head><meta charset="utf-8"><title>${s.key}</title>` +
        `<style>body{margin:20px;font-family:sans-serif}</style></head>` +
        `<body><script type="module" src="/${s.key}.js"></script></body></html>`,
    );
  }
}

function serve(dir: string): Promise<{ server: Server; origin: string }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/+/, '');
    try {
      if (!/^[\w.-]+$/.test(path)) throw new Error('bad path');
      const body = await readFile(join(dir, path));
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({ server, origin: `http://127.0.0.1:${port}` });
    });
  });
}

interface RunResult extends PageResult, TaskStats {}

async function runOnce(
  browser: Browser,
  origin: string,
  key: string,
  dir: string,
  n: number,
): Promise<RunResult> {
  const context = await browser.newContext({ viewport: { width: 800, height: 900 } });
  try {
    // Loopback only: anything else (fonts, analytics) is refused, not waited for.
    await context.route('**/*', (route) =>
      route.request().url().startsWith(origin) ? route.continue() : route.abort(),
    );
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${origin}/${key}.html?tokens=${TOKENS}`);
    await page.waitForFunction(() => !!window.__bench);
    await page.evaluate(() => window.__bench.ready);
    await browser.startTracing(page, { categories: CATEGORIES.split(',') });
    const result = await page.evaluate((budget) => window.__bench.run(budget), BUDGET_MS);
    const buf = await browser.stopTracing();
    if (KEEP) await writeFile(join(dir, `trace-${key}-${n}.json`), buf);
    const trace = JSON.parse(buf.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
    const events = Array.isArray(trace) ? trace : trace.traceEvents;
    if (errors.length)
      console.error(`  ${key} #${n} page errors: ${errors.slice(0, 3).join(' | ')}`);
    return { ...result, ...taskStats(events) };
  } finally {
    await context.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-render-'));
  let browser: Browser | undefined;
  let server: Server | undefined;
  const stop = async () => {
    await browser?.close().catch(() => {});
    server?.close();
    if (!KEEP) await rm(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    await bundle(dir);
    ({ server } = await serve(dir).then((s) => ((origin = s.origin), s)));
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: CHROMIUM_ARGS,
      headless: true,
    });
    console.log(
      `bench:render: ${TOKENS} tokens, ${RUNS} runs per system, chromium ${browser.version()}, ` +
        `load avg ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}${KEEP ? `, traces in ${dir}` : ''}`,
    );
    const results = new Map<string, RunResult[]>(SYSTEMS.map((s) => [s.key, []]));
    for (let n = 1; n <= RUNS; n++) {
      for (const s of SYSTEMS) {
        const r = await runOnce(browser, origin, s.key, dir, n);
        results.get(s.key)!.push(r);
        console.log(
          `  ${s.key} #${n}: main ${r.mainThreadMs.toFixed(0)} ms in ${r.tasks} tasks, longest ` +
            `${r.longestTaskMs.toFixed(1)} ms (cpu: main ${r.mainThreadCpuMs.toFixed(0)}, longest ${r.longestTaskCpuMs.toFixed(1)}), tasks>50 ${r.tasksOver50}, frames>50 ${r.framesOver50}/${r.frames}, ` +
            `wall ${r.wallMs.toFixed(0)} ms, tokens ${r.tokensTaken}/${r.tokens}${r.capped ? ' (CAPPED)' : ''}, blocks ${r.sentinelsFound}/${r.sentinels}, ` +
            `${r.missing.length ? `(missing ${r.missing.join(' ')}) ` : ''}final ${r.finalParagraph ? 'yes' : 'NO'}, text ${r.domTextChars} chars; longest at ` +
            r.top.map((t) => `${t.atMs.toFixed(0)}ms:${t.ms.toFixed(1)}`).join(' '),
        );
      }
    }
    console.log(
      `  (load avg after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})`,
    );
    const rows = SYSTEMS.map((s) => {
      const rs = results.get(s.key)!;
      return {
        system: s.label,
        main: median(rs.map((r) => r.mainThreadMs)),
        longest: median(rs.map((r) => r.longestTaskMs)),
        cpu: median(rs.map((r) => r.mainThreadCpuMs)),
        longestCpu: median(rs.map((r) => r.longestTaskCpuMs)),
        frames: median(rs.map((r) => r.framesOver50)),
        wall: median(rs.map((r) => r.wallMs)),
        tokens: rs[0].tokens,
        taken: median(rs.map((r) => r.tokensTaken)),
        capped: rs.some((r) => r.capped),
        complete: rs.every(
          (r) => r.sentinelsFound === r.sentinels && (r.capped || r.finalParagraph),
        ),
      };
    });
    const head = [
      'system',
      'main-thread ms',
      'longest task ms',
      'cpu ms',
      'longest cpu ms',
      'frames > 50 ms',
      'wall ms',
      'tokens',
      'all blocks',
    ];
    const body = rows.map((r) => [
      r.system,
      r.main.toFixed(0),
      r.longest.toFixed(1),
      r.cpu.toFixed(0),
      r.longestCpu.toFixed(1),
      String(r.frames),
      r.wall.toFixed(0),
      r.capped ? `${r.taken.toFixed(0)}/${r.tokens} (capped)` : String(r.tokens),
      r.complete ? 'yes' : 'NO',
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells: string[]) =>
      '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
    console.log(`\nmedians of ${RUNS} runs`);
    console.log(line(head));
    console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
    for (const b of body) console.log(line(b));
    const incomplete = rows.filter((r) => !r.complete);
    if (incomplete.length)
      console.log(`\nWARNING: incomplete render: ${incomplete.map((r) => r.system).join(', ')}`);
    const rsRow = rows.find((r) => r.system === '<realstream-chat>');
    const dcRow = rows.find((r) => r.system === 'deep-chat');
    if (rsRow?.capped)
      console.log(`\nWARNING: <realstream-chat> did not take the whole reply within the budget`);
    if (dcRow?.capped) {
      console.log(
        `\ndeep-chat ran out of the ${BUDGET_MS} ms budget after ${dcRow.taken.toFixed(0)} of ${dcRow.tokens} tokens: ` +
          `its main-thread time is a lower bound, so vs_deepchat is an upper bound (realstream took all ${rsRow?.tokens ?? '?'}).`,
      );
    }
    const ratio = rsRow && dcRow ? (rsRow.main / dcRow.main).toFixed(3) : 'n/a';
    console.log(
      `bench:render: vs_deepchat=${ratio} longest_task_ms=${rsRow ? rsRow.longest.toFixed(1) : 'n/a'}`,
    );
    if (incomplete.length) process.exitCode = 1;
  } finally {
    await stop();
  }
}

let origin = '';
await main();
