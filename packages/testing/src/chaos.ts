/**
 * `npm run chaos`: many clients in one room, concurrent long replies, messages sent while sockets are
 * cut underneath them (a TCP proxy resets connections at random), and a kill -9 and restart of the
 * server mid-run. At the end every client's transcript must equal the server's history byte for
 * byte, and every sent message must be there exactly once. All counts are measured.
 */
import WebSocket from 'ws';
import { connect, type RealstreamClient } from '@realstream/client';
import type { Message, MessagePage } from '@realstream/protocol';
import { startServer, waitFor, type TestServer } from './harness.js';
import { startProxy } from './chaos-proxy.js';

export interface ChaosOptions {
  clients: number;
  /** Replies triggered; half before the restart, half after. */
  replies: number;
  replyTokens: number;
  tokensPerSecond: number;
  /** Plain messages each client sends over the run. */
  messagesPerClient: number;
  /** The cutter fires every min..max ms and resets one random connection. */
  cutEveryMs: [number, number];
  restart: boolean;
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
  /** Clients whose transcript differs from the server's history. */
  mismatched: number;
  sent: number;
  serverMessages: number;
  details: string[];
  line: string;
}

/** mulberry32: a small seeded PRNG, so a failing schedule can be replayed with --seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fullHistory(server: TestServer, room: string): Promise<Message[]> {
  const out: Message[] = [];
  let before: number | null = null;
  for (;;) {
    const res: Response = await fetch(
      `${server.roomUrl(room)}/messages?limit=200${before ? `&before=${before}` : ''}`,
    );
    if (!res.ok) throw new Error(`GET messages: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as MessagePage;
    out.unshift(...page.messages);
    if (page.nextBefore === null) return out;
    before = page.nextBefore;
  }
}

const canonical = (m: Message) => JSON.stringify([m.id, m.seq, m.author.id, m.status, m.text]);

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const log = o.log ?? (() => {});
  const random = rng(o.seed);
  const room = `chaos-${o.seed}`;
  const server = await startServer({
    vars: {
      REALSTREAM_DEMO_TOKENS_PER_SECOND: o.tokensPerSecond,
      REALSTREAM_DEMO_REPLY_TOKENS: o.replyTokens,
      REALSTREAM_MAX_CONCURRENT_REPLIES: Math.max(16, o.replies),
      REALSTREAM_RATE_BURST: 1000,
    },
  });
  const proxy = await startProxy(server.port);
  const clients: RealstreamClient[] = [];
  const details: string[] = [];
  let drops = 0;
  let restarts = 0;
  let cutting = true;
  try {
    for (let i = 0; i < o.clients; i++) {
      clients.push(
        connect({
          host: `127.0.0.1:${proxy.port}`,
          room,
          name: `client-${i}`,
          uid: `chaos-${i}`,
          WebSocket: WebSocket as never,
          reconnectDelayMs: { min: 50, max: 1000 },
          stallTimeoutMs: 2000,
        }),
      );
    }
    await waitFor(
      'every client live',
      () => clients.every((c) => c.$status.get().state === 'live'),
      { timeoutMs: 30_000 },
    );
    log(`chaos: ${o.clients} clients live in room ${room} (seed ${o.seed})`);

    const cutter = (async () => {
      while (cutting) {
        await sleep(o.cutEveryMs[0] + random() * (o.cutEveryMs[1] - o.cutEveryMs[0]));
        if (cutting && proxy.cutRandom()) drops++;
      }
    })();

    const sends: Promise<unknown>[] = [];
    const sentIds: string[] = [];
    const track = (p: Promise<{ messageId: string }>) =>
      sends.push(
        p
          .then((ack) => sentIds.push(ack.messageId))
          .catch((err) => details.push(`send failed: ${err}`)),
      );
    const triggerReplies = (n: number, from: number) => {
      for (let i = 0; i < n; i++) {
        const c = clients[(from + i) % clients.length];
        track(c.send(`reply #${from + i}: tell me about resumable streams`, { reply: true }));
      }
    };
    const chatter = clients.map(async (c, i) => {
      for (let k = 0; k < o.messagesPerClient; k++) {
        await sleep(50 + random() * 400);
        track(c.send(`message ${k} from client-${i}`, { reply: false }));
      }
    });

    const before = Math.ceil(o.replies / 2);
    triggerReplies(before, 0);
    await sleep(1500);
    if (o.restart) {
      log('chaos: kill -9 and restart of the server');
      await server.restart();
      restarts++;
    }
    triggerReplies(o.replies - before, before);
    await Promise.all(chatter);
    await Promise.all(sends);
    // Let the replies started after the restart finish while links keep being cut.
    let streaming: string[] = [];
    await waitFor(
      'replies to finish',
      async () => {
        streaming = (await fullHistory(server, room))
          .filter((m) => m.status === 'streaming')
          .map((m) => m.id);
        return streaming.length === 0;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; still streaming: ${streaming.join(', ')}`);
    });
    cutting = false;
    await cutter;

    const { seq } = (await (await fetch(server.roomUrl(room))).json()) as { seq: number };
    await waitFor(
      `every client caught up to seq ${seq}`,
      () =>
        clients.every((c) => c.$status.get().state === 'live' && c.$status.get().lastSeq >= seq),
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    for (const c of clients) while (await c.loadOlder());

    const history = await fullHistory(server, room);
    const historyIds = history.map((m) => m.id);
    let lost = sentIds.filter((id) => !historyIds.includes(id)).length;
    let duplicated = historyIds.length - new Set(historyIds).size;
    let mismatched = 0;
    const expected = history.map(canonical);
    for (const [i, c] of clients.entries()) {
      const mine = c.transcript();
      const ids = mine.map((m) => m.id);
      duplicated += ids.length - new Set(ids).size;
      lost += historyIds.filter((id) => !ids.includes(id)).length;
      const got = mine.map(canonical);
      if (got.length !== expected.length || got.some((g, k) => g !== expected[k])) {
        mismatched++;
        const k = got.findIndex((g, j) => g !== expected[j]);
        details.push(
          `client-${i} differs at #${k}: got ${got[k]?.slice(0, 160)} want ${expected[k]?.slice(0, 160)}`,
        );
      }
    }
    const resumes = clients.reduce((n, c) => n + c.stats.resumes, 0);
    const snapshots = clients.reduce((n, c) => n + c.stats.snapshots, 0);
    const line = `chaos: clients=${o.clients} drops=${drops} restarts=${restarts} resumes=${resumes} snapshots=${snapshots} lost=${lost} duplicated=${duplicated}`;
    return {
      clients: o.clients,
      drops,
      restarts,
      resumes,
      snapshots,
      lost,
      duplicated,
      mismatched,
      sent: sentIds.length,
      serverMessages: history.length,
      details,
      line,
    };
  } finally {
    cutting = false;
    for (const c of clients) c.close();
    await proxy.close();
    await server.stop();
  }
}

async function main() {
  const args = Object.fromEntries(
    process.argv.slice(2).map((a) => {
      const [k, v] = a.replace(/^--/, '').split('=');
      return [k, v ?? 'true'];
    }),
  );
  const quick = args.quick === 'true';
  const result = await runChaos({
    clients: Number(args.clients ?? (quick ? 6 : 20)),
    replies: Number(args.replies ?? (quick ? 4 : 10)),
    replyTokens: Number(args.tokens ?? (quick ? 300 : 2000)),
    tokensPerSecond: Number(args.rate ?? (quick ? 300 : 250)),
    messagesPerClient: Number(args.messages ?? (quick ? 4 : 10)),
    cutEveryMs: [50, 500],
    restart: args['no-restart'] !== 'true',
    seed: Number(args.seed ?? Date.now() % 100_000),
    log: (l) => console.log(l),
  });
  console.log(
    `sent=${result.sent} server_messages=${result.serverMessages} mismatched_clients=${result.mismatched}`,
  );
  for (const d of result.details) console.log(`  ${d}`);
  console.log(result.line);
  process.exit(
    result.lost || result.duplicated || result.mismatched || result.details.length ? 1 : 0,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
