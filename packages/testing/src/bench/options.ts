/**
 * `npm run bench` flags (see bench.ts for the list and their defaults), the systems it compares and
 * the constants of its scenarios.
 */

export type SystemId = 'room' | 'nc' | 'ws' | 'mo';
/** 'pk': a partykit party that only answers hello (bench/party-baseline.ts); memory only. */
export type MemorySystem = SystemId | 'pk';
export type Mode = 'sat' | 'paced';
export const LABEL: Record<MemorySystem, string> = {
  room: 'room',
  nc: 'room no-coalesce',
  ws: 'bare ws',
  mo: 'room metrics off',
  pk: 'bare partykit party',
};
/** Order of a cell's systems: the metrics-off room right after the room, so they share the noise. */
export const SYSTEMS: readonly SystemId[] = ['room', 'mo', 'nc', 'ws'];
export const PACED_RATE = 50;
/** A paced cell "kept pace" when every token arrived and p99 stayed under 5 token intervals. */
export const KEPT_PACE_P99_MS = 100;

function flag(name: string): string | undefined {
  const hit = process.argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (!hit) return undefined;
  return hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : 'true';
}
export const quick = flag('quick') !== undefined;
const list = (name: string, fallback: string) =>
  (flag(name) ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const num = (name: string, full: number, small: number) => {
  const v = Number(flag(name) ?? (quick ? small : full));
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name}: expected a number`);
  return v;
};
export const opts = {
  clients: list('clients', quick ? '5,20' : '10,100,500').map(Number),
  streams: list('streams', quick ? '1,2' : '1,10').map(Number),
  /** Client host processes per cell; 0 = auto: one per 250 clients, at most 2. */
  hosts:
    flag('hosts') === undefined || flag('hosts') === 'auto'
      ? 0
      : Math.max(1, Math.min(4, num('hosts', 1, 1))),
  satMs: num('sat-ms', 3000, 700),
  satTokens: num('sat-tokens', 50_000, 5000),
  pacedTokens: Math.max(2, num('paced-tokens', 150, 25)),
  graceMs: num('grace-ms', 3000, 2000),
  idle: num('idle', 500, 50),
  missed: num('missed', 1000, 100),
  /**
   * Runs of the headline cells (the figures of the last line are ratios over these runs' pairs).
   * A paced p99 here moves by a factor of two or more from one run to the next, so three runs could
   * not tell a 10% difference. Even, so that the room and the room without metrics each run first
   * in half of them.
   */
  headlineRuns: Math.max(1, num('headline-runs', 10, 1)),
  systems: list('systems', 'room,nc,ws,mo') as SystemId[],
  phases: new Set(list('phases', 'memory,resume,sat,paced,writes,heartbeat')),
};
for (const n of [...opts.clients, ...opts.streams]) {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--clients / --streams: expected whole numbers >= 1, got ${n}`);
}
for (const s of opts.systems)
  if (!SYSTEMS.includes(s)) throw new Error(`--systems: unknown system ${s} (room, nc, ws, mo)`);

export const hostsFor = (n: number) => opts.hosts || Math.min(2, Math.ceil(n / 250));
