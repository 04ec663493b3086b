/**
 * `npm run bench -- --phases=heartbeat` (in the default phases): what the client's heartbeat costs
 * the server. N idle clients (hello said, nothing streaming) sit in one room of a `partykit dev` for
 * T seconds twice, in the same run on the same server: once silent (the baseline), once each sending
 * the heartbeat ping every PING_MS and waiting for its pong. The figures are workerd's CPU time and
 * resident memory over each condition; the cost per ping is the CPU difference over the pings sent,
 * and from it what the shipped 10 s interval costs N clients.
 *
 * PartyKit runs every ping through the room (it cannot register an auto-response), so this is the
 * worst case; under partyserver on Cloudflare the runtime answers heartbeats without waking the
 * room (see docs/protocol.md, "Heartbeat and stalls").
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { HEARTBEAT_PING, HEARTBEAT_PONG } from '@realstream/protocol';
import { DEFAULTS } from '../../../client/src/options.js';
import { startServer, type TestServer } from '../harness.js';
import { cpuMsOf, rssKiBOf, sleep, waitIdle } from './shared.js';
import { workerdOf } from './targets.js';

/** The measured rate: ten times the shipped one, so the cost stands out of the noise in seconds. */
const PING_MS = 1000;

export interface HeartbeatRow {
  condition: 'silent' | 'heartbeat';
  clients: number;
  seconds: number;
  pings: number;
  pongs: number;
  cpuMs: number;
  rssKiB: number;
  /** Times the room started meanwhile (woke from hibernation: opened again, sockets restored). */
  wakes: number;
}

export interface HeartbeatCost {
  rows: HeartbeatRow[];
  error?: string;
}

async function openIdle(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('connect timeout')), 10_000);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: 1, since: 0 })));
    ws.on('message', (data) => {
      if (String(data).startsWith('{"type":"welcome"')) {
        clearTimeout(t);
        resolve();
      }
    });
    ws.once('error', (err) => (clearTimeout(t), reject(err)));
    ws.once('close', (code, reason) => {
      clearTimeout(t);
      reject(new Error(`closed with ${code} ${String(reason)} before the welcome`));
    });
  });
  return ws;
}

const wakesIn = (logFile: string) =>
  (readFileSync(logFile, 'utf8').match(/room started/g) ?? []).length;

async function condition(
  server: TestServer,
  sockets: WebSocket[],
  pid: number,
  kind: HeartbeatRow['condition'],
  seconds: number,
): Promise<HeartbeatRow> {
  let pongs = 0;
  const onMessage = (data: WebSocket.RawData) => {
    if (String(data) === HEARTBEAT_PONG) pongs++;
  };
  for (const ws of sockets) ws.on('message', onMessage);
  await waitIdle(pid);
  const cpuBefore = cpuMsOf(pid);
  const wakesBefore = wakesIn(server.logFile);
  let pings = 0;
  // Each client on its own phase of the interval, as real clients are.
  const timers =
    kind === 'heartbeat'
      ? sockets.map((ws, i) =>
          setTimeout(
            () => {
              const tick = () => {
                ws.send(HEARTBEAT_PING);
                pings++;
              };
              tick();
              timers[i] = setInterval(tick, PING_MS);
            },
            (i * PING_MS) / sockets.length,
          ),
        )
      : [];
  await sleep(seconds * 1000);
  for (const t of timers) clearInterval(t);
  await sleep(300); // the last pongs
  const row: HeartbeatRow = {
    condition: kind,
    clients: sockets.length,
    seconds,
    pings,
    pongs,
    cpuMs: cpuMsOf(pid) - cpuBefore,
    rssKiB: rssKiBOf(pid),
    wakes: wakesIn(server.logFile) - wakesBefore,
  };
  for (const ws of sockets) ws.off('message', onMessage);
  console.log(
    `  heartbeat ${kind}: ${row.cpuMs} ms workerd CPU over ${seconds} s, ${pings} pings, ${pongs} pongs, ${row.wakes} room wakes, RSS ${row.rssKiB} KiB`,
  );
  return row;
}

export async function measureHeartbeatCost(quick: boolean): Promise<HeartbeatCost> {
  const clients = quick ? 50 : 200;
  const seconds = quick ? 3 : 10;
  let server: TestServer | null = null;
  const sockets: WebSocket[] = [];
  try {
    server = await startServer({
      persist: false,
      vars: {
        REALSTREAM_MAX_CONNECTIONS_PER_USER: 32_000,
        REALSTREAM_MAX_CONNECTIONS_PER_ADDRESS: 32_000,
        // `info` logs every start of the room ("room started"), a wake from hibernation included.
        REALSTREAM_LOG_LEVEL: 'info',
        REALSTREAM_RATE_BURST: 100_000,
        REALSTREAM_RATE_PER_SECOND: 100_000,
      },
    });
    const url = `ws://${server.host}/parties/main/heartbeat-bench`;
    // One uid for all: presence stays one entry, as in the bench's other idle clients.
    for (let i = 0; i < clients; i++)
      sockets.push(await openIdle(`${url}?name=idle-${i}&uid=bench`));
    const pid = await workerdOf(server);
    // One unmeasured ping per client first: compiling the ping path is not what a ping costs.
    for (const ws of sockets) ws.send(HEARTBEAT_PING);
    await sleep(1000);
    // The log must show the room's first start, or a count of 0 wakes would mean nothing.
    if (wakesIn(server.logFile) < 1) throw new Error(`no "room started" in ${server.logFile}`);
    const silent = await condition(server, sockets, pid, 'silent', seconds);
    const beating = await condition(server, sockets, pid, 'heartbeat', seconds);
    return { rows: [silent, beating] };
  } catch (err) {
    return { rows: [], error: (err as Error).message };
  } finally {
    for (const ws of sockets) ws.terminate();
    await server?.stop();
  }
}

export function reportHeartbeat({ rows, error }: HeartbeatCost): string {
  if (error || rows.length !== 2) return `\nheartbeat cost: failed (${error ?? 'no rows'})`;
  const [silent, beating] = rows as [HeartbeatRow, HeartbeatRow];
  const perPingUs = ((beating.cpuMs - silent.cpuMs) * 1000) / Math.max(1, beating.pings);
  const shippedPerS = beating.clients / (DEFAULTS.pingIntervalMs / 1000);
  const shippedCpuPct = (perPingUs * shippedPerS) / 10_000;
  const lines = [
    '',
    `### Heartbeat cost (${beating.clients} idle clients in one room, ${beating.seconds} s per condition, partykit dev)`,
    '',
    '| condition | pings | pongs | room wakes | workerd CPU ms | CPU ms/s | RSS KiB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.condition === 'silent' ? 'no heartbeat (baseline)' : `ping every ${PING_MS / 1000} s`} | ${r.pings} | ${r.pongs} | ${r.wakes} | ${r.cpuMs} | ${(r.cpuMs / r.seconds).toFixed(1)} | ${r.rssKiB} |`,
    ),
    '',
    `- per ping: ${perPingUs.toFixed(1)} µs of workerd CPU (difference over the baseline / pings); memory: ` +
      `${beating.rssKiB - silent.rssKiB} KiB RSS difference (workerd does not return RSS, so this is growth).`,
    `- at the shipped interval (${DEFAULTS.pingIntervalMs / 1000} s): ${shippedPerS.toFixed(0)} pings/s for ` +
      `${beating.clients} clients, about ${shippedCpuPct.toFixed(2)}% of one core. Under partyserver the ` +
      'runtime answers them (auto-response): no room CPU, no wake-up.',
  ];
  return lines.join('\n');
}
