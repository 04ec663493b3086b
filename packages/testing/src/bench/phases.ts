/**
 * The memory and resume phases of `npm run bench`: RSS per idle connection, and the catch-up time
 * of a client that missed `--missed` events.
 */
import WebSocket from 'ws';
import type { TestServer } from '../harness.js';
import { median } from './format.js';
import { LABEL, type MemorySystem } from './options.js';
import { Rpc, rssKiBOf, sleep, waitIdle, wallNow } from './shared.js';
import {
  RELOAD_SYMPTOM,
  Restarted,
  isRestart,
  closeClients,
  connectClients,
  restarts,
  serverReady,
  workerdOf,
} from './targets.js';

export interface MemoryResult {
  system: MemorySystem;
  count: number;
  beforeKiB: number;
  afterKiB: number;
  perConnKiB: number;
  error?: string;
}

export async function measureMemory(
  system: MemorySystem,
  base: string,
  pidOf: () => Promise<number>,
  hosts: Rpc[],
  count: number,
  ready: () => Promise<void>,
  gc: () => Promise<unknown> = async () => {},
): Promise<MemoryResult> {
  for (let attempt = 1; ; attempt++) {
    await ready();
    const result = await measureMemoryOnce(system, base, pidOf, hosts, count, gc);
    if (!isRestart(result.error) || attempt === 3) return result;
    restarts.count++;
  }
}

async function measureMemoryOnce(
  system: MemorySystem,
  base: string,
  pidOf: () => Promise<number>,
  hosts: Rpc[],
  count: number,
  gc: () => Promise<unknown>,
): Promise<MemoryResult> {
  const result: MemoryResult = { system, count, beforeKiB: NaN, afterKiB: NaN, perConnKiB: NaN };
  try {
    const pid = await pidOf();
    // One connection first, so the room (and the worker) exist before the baseline reading.
    await connectClients(hosts.slice(0, 1), base, 'idle', 1);
    await sleep(500);
    await waitIdle(pid);
    await gc();
    result.beforeKiB = rssKiBOf(pid);
    result.count = await connectClients(hosts, base, 'idle', count);
    await sleep(1500);
    await waitIdle(pid);
    await gc();
    result.afterKiB = rssKiBOf(pid);
    const pidNow = await pidOf();
    if (pidNow !== pid) throw new Restarted(`workerd ${pid} replaced by ${pidNow}`);
    result.perConnKiB = (result.afterKiB - result.beforeKiB) / result.count;
  } catch (err) {
    const msg = (err as Error).message;
    const reload =
      err instanceof Restarted ||
      /ENOENT/.test(msg) ||
      (system !== 'ws' && RELOAD_SYMPTOM.test(msg));
    result.error = reload && !(err instanceof Restarted) ? new Restarted(msg).message : msg;
  } finally {
    await closeClients(hosts);
  }
  console.log(
    `  memory ${LABEL[system]}: ${result.error ?? `${result.perConnKiB.toFixed(1)} KiB per idle connection`}`,
  );
  return result;
}

export interface ResumeResult {
  missed: number;
  /** ms from new socket to caught up (connect + hello + replay applied), per repetition. */
  total: number[];
  /** ms from hello sent to caught up. */
  fromHello: number[];
  bytes: number;
  error?: string;
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const t = setTimeout(() => (ws.terminate(), reject(new Error('connect timeout'))), 10_000);
    ws.once('open', () => (clearTimeout(t), resolve(ws)));
    ws.once('error', (err) => (clearTimeout(t), reject(err)));
  });
}

export async function measureResume(
  server: TestServer,
  missed: number,
  reps: number,
): Promise<ResumeResult> {
  for (let attempt = 1; ; attempt++) {
    await serverReady(server);
    const pid = await workerdOf(server);
    const result = await measureResumeOnce(server, missed, reps, `resume-${attempt}`);
    const reload = (await workerdOf(server)) !== pid || RELOAD_SYMPTOM.test(result.error ?? '');
    if (!reload || attempt === 3) return result;
    restarts.count++;
    console.log(
      `    workerd restarted (source change?): measuring resume again; seen: ${result.error ?? `workerd ${pid} replaced`}`,
    );
  }
}

async function measureResumeOnce(
  server: TestServer,
  missed: number,
  reps: number,
  room: string,
): Promise<ResumeResult> {
  const result: ResumeResult = { missed, total: [], fromHello: [], bytes: 0 };
  const url = `ws://${server.host}/parties/main/${room}?name=r&uid=resume`;
  const sockets: WebSocket[] = [];
  try {
    // A keeper with the same uid stays connected, so the resuming client's leave / join adds no events.
    const keeper = await openSocket(url);
    sockets.push(keeper);
    keeper.send(JSON.stringify({ type: 'hello', protocol: 1, since: 0 }));
    const a = await openSocket(url);
    sockets.push(a);
    const lastSeq = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no snapshot')), 10_000);
      a.on('message', (d) => {
        const f = JSON.parse(String(d));
        if (f.type === 'snapshot') {
          clearTimeout(t);
          resolve(f.seq);
        }
      });
      a.send(JSON.stringify({ type: 'hello', protocol: 1, since: 0 }));
    });
    a.close();
    await new Promise((r) => a.once('close', r));
    // `missed` durable events while it is away: messages without replies, 16 requests in flight.
    let target = lastSeq;
    let nextKey = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (nextKey < missed) {
          const i = nextKey++;
          const res = await fetch(`${server.roomUrl(room)}/messages`, {
            method: 'POST',
            signal: AbortSignal.timeout(10_000),
            headers: { 'content-type': 'application/json', 'idempotency-key': `missed-${i}` },
            body: JSON.stringify({ text: `missed event ${i}`, reply: false }),
          });
          if (res.status !== 201)
            throw new Error(`POST messages: ${res.status} ${await res.text()}`);
          // Awaited first: `Math.max(target, await ...)` would read `target` before the await, and
          // with 16 requests in flight a late one would put back a lower seq.
          const { seq } = (await res.json()) as { seq: number };
          target = Math.max(target, seq);
        }
      }),
    );
    if (target - lastSeq !== missed)
      throw new Error(`expected ${missed} missed events, the room made ${target - lastSeq}`);
    for (let rep = 0; rep < reps; rep++) {
      const t0 = wallNow();
      const ws = await openSocket(url);
      sockets.push(ws);
      let bytes = 0;
      const { tHello, tDone } = await new Promise<{ tHello: number; tDone: number }>(
        (resolve, reject) => {
          let applied = lastSeq;
          let resume = '';
          const transcript = new Map<string, string>();
          const timer = setTimeout(
            () => reject(new Error(`resume stalled at seq ${applied} of ${target}`)),
            15_000,
          );
          const apply = (f: any) => {
            if (f.seq <= applied) return;
            if (f.seq !== applied + 1) throw new Error(`gap: seq ${f.seq} after ${applied}`);
            applied = f.seq;
            if (f.event.type === 'message.created')
              transcript.set(f.event.message.id, f.event.message.text);
          };
          ws.on('message', (d: Buffer) => {
            bytes += d.length;
            try {
              const f = JSON.parse(d.toString());
              if (f.type === 'welcome') resume = f.resume;
              else if (f.type === 'event') apply(f);
              else if (f.type === 'batch') for (const e of f.events) apply(e);
              else if (f.type === 'snapshot')
                throw new Error(`got a snapshot, not a replay (welcome said ${resume})`);
            } catch (err) {
              clearTimeout(timer);
              reject(err);
            }
            if (applied >= target) {
              clearTimeout(timer);
              if (transcript.size !== missed)
                reject(new Error(`replay applied ${transcript.size} messages`));
              else resolve({ tHello, tDone: wallNow() });
            }
          });
          const tHello = wallNow();
          ws.send(JSON.stringify({ type: 'hello', protocol: 1, since: lastSeq }));
        },
      );
      result.total.push(tDone - t0);
      result.fromHello.push(tDone - tHello);
      result.bytes = bytes;
      ws.close();
    }
  } catch (err) {
    result.error = (err as Error).message;
  } finally {
    for (const s of sockets) s.terminate();
  }
  console.log(
    `  resume: ${result.error ?? `${median(result.total).toFixed(1)} ms median to catch up on ${missed} events`}`,
  );
  return result;
}
