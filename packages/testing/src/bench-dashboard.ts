/**
 * `npm run bench:dashboard`: a soak of <realstream-dashboard> in headless Chromium against a real
 * `partykit dev`, with the room producing about 200 events a second (a demo reply streaming at 200
 * tokens/s, one delta event per token, one reply after another) while the dashboard shows live
 * metrics and the event tap. Memory must stay flat: every buffer in the element is bounded.
 *
 * Measured: the page's JS heap after a forced garbage collection (CDP HeapProfiler.collectGarbage,
 * then Runtime.getHeapUsage) once warmed up and then every --sample-s; long animation frames
 * (requestAnimationFrame gaps over 50 ms, counted in the page); the events the room produced, and
 * and the events the room streamed (its own metrics).
 *
 * Flags: --minutes=10 --sample-s=60 --warmup-s=30 --rate=200.
 * The page's client also holds the room's conversation (the replies streamed meanwhile): that text is
 * reported apart, so the dashboard's own growth can be judged.
 * Last line: `bench:dashboard: heap_growth_kb=X without_transcript_kb=T trend_kb_per_min=S long_frames=Y
 * events=Z minutes=M` (S: least-squares slope of the heap without the transcript over every sample).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { chromium } from 'playwright-core';
import { connect } from '@realstream/client';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';
import { startServer } from './harness.js';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'] as const;
  }),
);
const MINUTES = Number(args.get('minutes') ?? 10);
const SAMPLE_S = Number(args.get('sample-s') ?? 60);
const WARMUP_S = Number(args.get('warmup-s') ?? 30);
const RATE = Number(args.get('rate') ?? 200);

const bundle = fileURLToPath(new URL('../../elements/dist/realstream.min.js', import.meta.url));
assert.ok(existsSync(bundle), `${bundle} is missing: run \`npm run build\` first`);

const PAGE = (host: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8" /><title>dashboard soak</title>
<script type="module" src="/realstream.min.js"></script>
<style>html,body{margin:0;height:100%}realstream-dashboard{display:block;height:100vh}</style>
</head><body>
<realstream-dashboard host="${host}" room="soak" name="Ops"></realstream-dashboard>
</body></html>`;

async function main(): Promise<void> {
  const server = await startServer({
    front: true, // serves /realstream.min.js from packages/elements/dist
    persist: false,
    vars: {
      REALSTREAM_DEMO_TOKENS_PER_SECOND: RATE,
      REALSTREAM_DEMO_REPLY_TOKENS: RATE * 10,
      REALSTREAM_COALESCE_MS: 0,
    },
  });
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_ARGS, '--disable-features=LocalNetworkAccessChecks'],
  });
  const client = connect({ host: server.host, room: 'soak', name: 'Traffic', WebSocket });
  let stop = false;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // A string, not a function: tsx's helpers (__name) do not exist in the page.
    await page.addInitScript(`
      window.longFrames = 0;
      let last = performance.now();
      const tick = (t) => {
        if (t - last > 50) window.longFrames++;
        last = t;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    `);
    await page.route(`${server.url}/soak.html`, (route) =>
      route.fulfill({ contentType: 'text/html', body: PAGE(server.host) }),
    );
    await page.goto(`${server.url}/soak.html`);
    await page.locator('realstream-dashboard').waitFor();
    const cdp = await page.context().newCDPSession(page);
    const heapKiB = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      return usedSize / 1024;
    };

    // Traffic: one reply after another, each RATE tokens a second, so ~RATE events a second.
    const traffic = (async () => {
      for (let i = 0; !stop; i++) {
        const { messageId } = await client.send(`soak question ${i}`);
        await waitForReply(client, messageId, () => stop);
      }
    })();

    await sleep(WARMUP_S * 1000);
    const samples: { at: number; heapKiB: number; longFrames: number; textKiB: number }[] = [];
    const start = Date.now();
    const end = start + MINUTES * 60_000;
    const longFrames = () => page.evaluate('window.longFrames') as Promise<number>;
    // What the page's client holds of the room's conversation: the room's state, not a buffer of
    // the dashboard's, and it grows with the replies; reported apart so the rest can be judged.
    const transcriptKiB = async () =>
      // V8 keeps ASCII text (the demo's replies) at one byte a character.
      ((await page.evaluate(
        `document.querySelector('realstream-dashboard').client.$messages.get().reduce((n, m) => n + m.text.length, 0)`,
      )) as number) / 1024;
    samples.push({
      at: 0,
      heapKiB: await heapKiB(),
      longFrames: await longFrames(),
      textKiB: await transcriptKiB(),
    });
    while (Date.now() < end) {
      await sleep(Math.min(SAMPLE_S * 1000, end - Date.now()));
      samples.push({
        at: (Date.now() - start) / 1000,
        heapKiB: await heapKiB(),
        longFrames: await longFrames(),
        textKiB: await transcriptKiB(),
      });
      const last = samples.at(-1)!;
      console.log(
        `  ${last.at.toFixed(0).padStart(5)} s  heap ${last.heapKiB.toFixed(0).padStart(7)} KiB  transcript text ${last.textKiB.toFixed(0)} KiB  long frames ${last.longFrames}`,
      );
    }
    stop = true;
    await traffic.catch(() => {});
    const first = samples[0];
    const last = samples.at(-1)!;
    const metrics = await fetch(`${server.roomUrl('soak')}/metrics`).then((r) => r.json());
    const { total } = metrics as { total: { framesOut: number; tokens: number } };
    const events = total.tokens;
    const growth = last.heapKiB - first.heapKiB;
    const text = last.textKiB - first.textKiB;
    // One sample against the next wobbles by tens of KiB (what the collector keeps): the trend
    // over all samples says more about growth than the last minus the first.
    const trend = slopePerMinute(samples.map((x) => [x.at / 60, x.heapKiB - x.textKiB]));
    const range = samples.map((x) => x.heapKiB);
    console.log('');
    console.log(
      '| minutes | heap after warm-up (KiB) | heap at end (KiB) | samples min–max (KiB) | growth (KiB) | ' +
        'of which transcript text (KiB) | growth without it (KiB) | trend without it (KiB/min) | long frames | ' +
        'tokens streamed (events) | frames out of the room |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    console.log(
      `| ${MINUTES} | ${first.heapKiB.toFixed(0)} | ${last.heapKiB.toFixed(0)} | ` +
        `${Math.min(...range).toFixed(0)}–${Math.max(...range).toFixed(0)} | ${growth.toFixed(0)} | ${text.toFixed(0)} | ` +
        `${(growth - text).toFixed(0)} | ${trend.toFixed(1)} | ${last.longFrames - first.longFrames} | ${events} | ` +
        `${total.framesOut} |`,
    );
    if (errors.length) console.log(`page errors: ${errors.slice(0, 3).join('; ')}`);
    console.log(
      `bench:dashboard: heap_growth_kb=${growth.toFixed(0)} without_transcript_kb=${(growth - text).toFixed(0)} ` +
        `trend_kb_per_min=${trend.toFixed(1)} long_frames=${last.longFrames - first.longFrames} events=${events} minutes=${MINUTES}`,
    );
  } finally {
    stop = true;
    client.close();
    await browser.close();
    await server.stop();
  }
}

function waitForReply(
  client: ReturnType<typeof connect>,
  questionId: string,
  stopped: () => boolean,
): Promise<void> {
  return new Promise((resolve) => {
    const off = client.$messages.subscribe((ms) => {
      const reply = ms.find((m) => m.replyTo === questionId);
      if (stopped() || (reply && reply.status !== 'streaming')) {
        queueMicrotask(() => off());
        resolve();
      }
    });
  });
}

/** Least-squares slope of y over x: KiB per minute for [minutes, KiB] points. */
function slopePerMinute(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return num / den;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

main().catch((err) => {
  console.error(err);
  console.log(
    'bench:dashboard: heap_growth_kb=n/a without_transcript_kb=n/a trend_kb_per_min=n/a long_frames=n/a events=n/a minutes=n/a',
  );
  process.exitCode = 1;
});
