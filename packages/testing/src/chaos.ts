/**
 * `npm run chaos -- --minutes=N`: for N minutes, many clients in one room, replies from a kilobyte to
 * past a mebibyte streaming at once (from a local server speaking OpenAI's wire format), messages
 * sent while a TCP proxy cuts sockets underneath them, kill -9 restarts of the server at random (at
 * least one a minute), and storage writes failed on purpose (REALSTREAM_STORAGE_FAULTS). After a
 * final kill -9, so that what is compared is what storage holds:
 * - every client's transcript equals the server's history byte for byte, and every acknowledged
 *   message is there exactly once (`lost`, `duplicated`);
 * - every text any client was shown is a prefix of the message as stored (`taken_back`, and
 *   `failed_writes_delivered` where an injected fault explains it: see chaos-observer.ts);
 * - every reply stored `complete` has exactly the text the model sent.
 * The engine is whatever `startServer()` starts; the run only uses start, restart and stop.
 */
import WebSocket from 'ws';
import { readFileSync } from 'node:fs';
import { connect, type RealstreamClient } from '@realstream/client';
import { startServer, waitFor, type TestServer } from './harness.js';
import { startProxy } from './chaos-proxy.js';
import { faultsInLog, Observer } from './chaos-observer.js';
import { pace, replyPrompt, startChaosUpstream } from './chaos-upstream.js';
import { checkReplies, compareTranscripts, fullHistory, messageAt } from './chaos-checks.js';
import { rng } from '../../server/src/faulty-storage.js';

export interface ChaosOptions {
  /** How long load runs; then replies finish, a last restart, and the checks. */
  minutes: number;
  clients: number;
  /** Replies streaming at once: each lane asks for the next when its reply has settled. */
  lanes: number;
  /** Reply lengths in characters, log-uniform over this range. */
  replyChars: [number, number];
  /** The first reply's length: past a mebibyte, so every run has one. */
  longChars: number;
  /** Each client sends a plain message every min..max ms. */
  messageEveryMs: [number, number];
  /** The cutter fires every min..max ms and resets one random connection. */
  cutEveryMs: [number, number];
  /** Keep cutting links after the replies have ended until there have been this many drops. */
  minDrops?: number;
  /** kill -9 restarts per minute of load (at least one in all), spread over the run. */
  restartsPerMinute: number;
  /** REALSTREAM_STORAGE_FAULTS for the server; null injects none. */
  faults: string | null;
  seed: number;
  log?: (line: string) => void;
}

export interface ChaosResult {
  clients: number;
  drops: number;
  restarts: number;
  resumes: number;
  snapshots: number;
  lost: number;
  duplicated: number;
  /** Characters clients saw that storage does not hold, not explained by an injected fault. */
  takenBack: number;
  /** The same where an injected storage fault explains it (see Observer.verdict). */
  failedWritesDelivered: number;
  /** Faults the server log says were injected. */
  faults: number;
  /** Clients whose transcript differs from the server's history. */
  mismatched: number;
  sent: number;
  /** Sends the server refused (with faults on, a refused send is allowed: it was not acknowledged). */
  refused: number;
  replies: number;
  /** Replies asked for that history does not hold (allowed only where faults were injected). */
  unanswered: number;
  /** Replies stored complete, and the longest of them in characters. */
  completeReplies: number;
  longestComplete: number;
  /** Replies live when a restart came. */
  cut: number;
  serverMessages: number;
  seconds: number;
  details: string[];
  line: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const log = o.log ?? (() => {});
  const random = rng(o.seed);
  const between = ([min, max]: [number, number]) => min + random() * (max - min);
  const room = `chaos-${o.seed}`;
  const started = Date.now();
  const upstream = await startChaosUpstream();
  let server: TestServer | null = null;
  let proxy: Awaited<ReturnType<typeof startProxy>> | null = null;
  const clients: RealstreamClient[] = [];
  const observer = new Observer();
  const details: string[] = [];
  let drops = 0;
  let restarts = 0;
  const restartTimes: number[] = [];
  let cutting = true;
  try {
    server = await startServer({
      vars: {
        REALSTREAM_RESPONDER: 'openai',
        REALSTREAM_OPENAI_BASE_URL: `${upstream.url}/v1`,
        REALSTREAM_OPENAI_MODEL: 'chaos',
        REALSTREAM_MAX_CONCURRENT_REPLIES: Math.max(16, o.lanes * 2),
        REALSTREAM_RATE_BURST: 1000,
        ...(o.faults ? { REALSTREAM_STORAGE_FAULTS: o.faults } : {}),
      },
    });
    const srv = server;
    proxy = await startProxy(srv.port);
    for (let i = 0; i < o.clients; i++) {
      const client = connect({
        host: `127.0.0.1:${proxy.port}`,
        room,
        name: `client-${i}`,
        uid: `chaos-${i}`,
        WebSocket: WebSocket as never,
        reconnectDelayMs: { min: 50, max: 1000 },
        stallTimeoutMs: 2000,
      });
      clients.push(client);
      observer.watch(client, i);
    }
    await waitFor(
      'every client live',
      () => clients.every((c) => c.$status.get().state === 'live'),
      { timeoutMs: 30_000 },
    );
    const engine = process.env.REALSTREAM_ENGINE ?? 'partykit';
    log(
      `chaos: ${o.clients} clients live in room ${room} on ${engine} (seed ${o.seed}), ${o.minutes} min`,
    );

    const runMs = o.minutes * 60_000;
    const deadline = Date.now() + runMs;
    const cutter = (async () => {
      while (cutting) {
        await sleep(between(o.cutEveryMs));
        if (cutting && proxy!.cutRandom()) drops++;
      }
    })();

    // Spread over the run: one in each equal slot, somewhere in its middle half.
    const plannedRestarts = Math.max(1, Math.round(o.minutes * o.restartsPerMinute));
    const restarter = (async () => {
      const slot = runMs / plannedRestarts;
      for (let i = 0; i < plannedRestarts; i++) {
        await sleep(deadline - runMs + slot * (i + 0.25 + random() * 0.5) - Date.now());
        log(`chaos: kill -9 and restart ${i + 1}/${plannedRestarts}`);
        restartTimes.push(Date.now());
        await srv.restart();
        restarts++;
      }
    })();

    const sends: Promise<unknown>[] = [];
    const sentIds: string[] = [];
    let refused = 0;
    const track = <T extends { messageId: string }>(p: Promise<T>): Promise<T | null> => {
      const tracked = p.then(
        (ack) => (sentIds.push(ack.messageId), ack),
        (err: { code?: string }) => {
          refused++;
          // With faults on, a send refused for its failed write is honest; anything else is not.
          if (!o.faults || !/storage/.test(String(err.code))) details.push(`send failed: ${err}`);
          return null;
        },
      );
      sends.push(tracked);
      return tracked;
    };

    /** Whether the reply to `userMessageId` has ended: as a client saw it, or, every 2 s, the room. */
    const askedRoom = new Map<string, number>();
    const settled = async (userMessageId: string): Promise<boolean> => {
      const reply = observer.reply(userMessageId);
      if (!reply) return false;
      if (reply.settled) return true;
      if (Date.now() - (askedRoom.get(reply.id) ?? 0) < 2000) return false;
      askedRoom.set(reply.id, Date.now());
      const stored = await messageAt(srv, room, reply.seq).catch(() => null);
      if (stored?.id !== reply.id || stored.status === 'streaming') return false;
      observer.settledElsewhere(reply.id);
      return true;
    };
    /** What each reply was asked for, by the id of the user message that asked. */
    const asked = new Map<string, { k: number; chars: number }>();
    let nextReply = 0;
    const [minChars, maxChars] = o.replyChars;
    const lanes = Array.from({ length: o.lanes }, async () => {
      while (Date.now() < deadline) {
        const k = nextReply++;
        const chars = Math.round(
          k === 0 ? o.longChars : minChars * Math.exp(random() * Math.log(maxChars / minChars)),
        );
        const ack = await track(
          clients[k % clients.length].send(replyPrompt(k, chars), { reply: true }),
        );
        if (!ack) continue;
        asked.set(ack.messageId, { k, chars });
        const streamMs = (chars / pace(chars).pieceChars) * pace(chars).gapMs;
        // Moves on when it did not settle in time: the wait for every reply to end, below, reports it.
        await waitFor('a reply to settle', () => settled(ack.messageId), {
          timeoutMs: 10_000 + 2 * streamMs,
          intervalMs: 100,
        }).catch(() => {});
      }
    });
    const chatter = clients.map(async (c, i) => {
      for (let k = 0; ; k++) {
        await sleep(between(o.messageEveryMs));
        if (Date.now() >= deadline) return;
        void track(c.send(`message ${k} from client-${i}`, { reply: false }));
      }
    });

    await Promise.all([restarter, ...lanes, ...chatter]);
    log(`chaos: load over after ${Math.round((Date.now() - started) / 1000)} s; settling`);
    await Promise.all(sends);
    // Settled as the clients see it: a reply the room completed but failed to store may still read
    // as streaming from storage, and only the last restart, below, shows what became of it.
    const unsettled = () => [...asked.keys()].filter((id) => !observer.reply(id)?.settled);
    // Each lane has waited for its own reply already: what is left after this is stuck.
    const allSettled = async () => {
      for (const id of unsettled()) await settled(id);
      return unsettled().length === 0;
    };
    await waitFor('every reply to settle', allSettled, {
      timeoutMs: 30_000,
      intervalMs: 250,
    }).catch(() => {
      for (const id of unsettled()) {
        const reply = observer.reply(id);
        const what = reply ? observer.describe(reply.id) : `none seen, asked by ${id}`;
        details.push(
          `reply #${asked.get(id)?.k} of ${asked.get(id)?.chars} chars never settled: ${what}`,
        );
      }
    });
    if (drops < (o.minDrops ?? 0)) {
      log(`chaos: cutting on to ${o.minDrops} drops (${drops} so far)`);
      await waitFor('enough drops', () => drops >= o.minDrops!, { timeoutMs: 120_000 }).catch(() =>
        details.push(`only ${drops} drops of the ${o.minDrops} asked for`),
      );
    }
    cutting = false;
    await cutter;

    // A last kill -9: from here on, what the room serves is what its storage held.
    log('chaos: final kill -9 and restart');
    restartTimes.push(Date.now());
    await srv.restart();
    restarts++;
    await waitFor('the room to open again', async () => (await fetch(srv.roomUrl(room))).ok, {
      timeoutMs: 30_000,
    });
    const { seq } = (await (await fetch(srv.roomUrl(room))).json()) as { seq: number };
    await waitFor(
      `every client caught up to seq ${seq}`,
      () =>
        clients.every((c) => c.$status.get().state === 'live' && c.$status.get().lastSeq >= seq),
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    for (const c of clients) while (await c.loadOlder());

    const history = await fullHistory(srv, room);
    const transcripts = compareTranscripts(
      history,
      clients.map((c) => c.transcript()),
      sentIds,
    );
    const { lost, duplicated, mismatched } = transcripts;
    details.push(...transcripts.details);
    const replies = checkReplies(history, asked);
    details.push(...replies.details);
    const { unanswered } = replies;

    const faults = faultsInLog(readFileSync(srv.logFile, 'utf8'));
    // A reply whose creation failed to store may be gone for good; with no fault, none may be.
    if (unanswered.length && !faults.length) {
      details.push(`asked, never answered: ${unanswered.join(', ')}`);
    }
    const verdict = observer.verdict(history, faults, restartTimes);
    details.push(...verdict.details.slice(0, 20));
    if (verdict.details.length > 20) details.push(`... and ${verdict.details.length - 20} more`);
    const resumes = clients.reduce((n, c) => n + c.stats.resumes, 0);
    const snapshots = clients.reduce((n, c) => n + c.stats.snapshots, 0);
    const line =
      `chaos: clients=${o.clients} drops=${drops} restarts=${restarts} resumes=${resumes}` +
      ` snapshots=${snapshots} lost=${lost} duplicated=${duplicated}` +
      ` taken_back=${verdict.takenBack} failed_writes_delivered=${verdict.failedWritesDelivered}`;
    return {
      clients: o.clients,
      drops,
      restarts,
      resumes,
      snapshots,
      lost,
      duplicated,
      takenBack: verdict.takenBack,
      failedWritesDelivered: verdict.failedWritesDelivered,
      faults: faults.length,
      mismatched,
      sent: sentIds.length,
      refused,
      replies: asked.size,
      unanswered: unanswered.length,
      completeReplies: replies.complete,
      longestComplete: replies.longestComplete,
      cut: verdict.cut,
      serverMessages: history.length,
      seconds: Math.round((Date.now() - started) / 1000),
      details,
      line,
    };
  } finally {
    cutting = false;
    for (const c of clients) c.close();
    await proxy?.close();
    await server?.stop();
    await upstream.close();
  }
}

/** The default fault spec: puts and deletes fail about `perMinute` times a minute, repeatably. */
export const defaultFaults = (seed: number, perMinute = 6) =>
  `put:0.25,delete:0.25,gap:${Math.round(60_000 / perMinute)},seed:${seed}`;

async function main() {
  const args = Object.fromEntries(
    process.argv.slice(2).map((a) => {
      const [k, ...v] = a.replace(/^--/, '').split('=');
      return [k, v.length ? v.join('=') : 'true'];
    }),
  );
  const seed = Number(args.seed ?? Date.now() % 100_000);
  // The harness picks the engine from REALSTREAM_ENGINE; the run itself only starts and restarts.
  if (args.engine) process.env.REALSTREAM_ENGINE = args.engine;
  const minutes = Number(args.minutes ?? 2);
  const result = await runChaos({
    minutes,
    clients: Number(args.clients ?? 20),
    lanes: Number(args.lanes ?? 4),
    replyChars: [1024, Number(args['max-chars'] ?? 1.5 * 1024 * 1024)],
    longChars: Number(args['long-chars'] ?? 1.25 * 1024 * 1024),
    messageEveryMs: [1000, 4000],
    cutEveryMs: [5, 150],
    // 500 a minute: the default run's 2 minutes make the 1,000 drops it promises.
    minDrops: Number(args['min-drops'] ?? 500 * minutes),
    restartsPerMinute: Number(args['restarts-per-minute'] ?? 3),
    faults: args['no-faults'] === 'true' ? null : (args.faults ?? defaultFaults(seed)),
    seed,
    log: (l) => console.log(l),
  });
  console.log(
    `sent=${result.sent} refused=${result.refused} server_messages=${result.serverMessages}` +
      ` replies=${result.replies} unanswered=${result.unanswered} complete=${result.completeReplies}` +
      ` longest_complete=${result.longestComplete} cut=${result.cut} faults=${result.faults}` +
      ` mismatched_clients=${result.mismatched} seconds=${result.seconds}`,
  );
  for (const d of result.details) console.log(`  ${d}`);
  console.log(result.line);
  const bad =
    result.lost ||
    result.duplicated ||
    result.takenBack ||
    result.failedWritesDelivered ||
    result.mismatched ||
    result.details.length;
  process.exit(bad ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
