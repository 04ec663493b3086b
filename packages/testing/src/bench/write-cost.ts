/**
 * What streaming costs in storage: writes and bytes written per streamed second, for the room as
 * it is (every delta's text stored before it is sent, group-committed) and for the scheme it
 * replaced (the whole reply rewritten every 250 ms), the latter replayed over the very same stream:
 * at each 250 ms tick it would have written the whole text so far.
 *
 * The room runs in this process over in-memory storage that answers at once, so each coalesced
 * delta is its own write: an upper bound for writes (with real storage latency, deltas that come
 * during a write share the next one).
 */
import { readConfig } from '../../../server/src/config.js';
import { Logger } from '../../../server/src/log.js';
import { Room } from '../../../server/src/room.js';
import { MemoryStorage, type ListOptions, type RoomStorage } from '../../../server/src/storage.js';

const OLD_CHECKPOINT_MS = 250;

export interface WriteCost {
  label: string;
  seconds: number;
  chars: number;
  now: { writes: number; bytes: number };
  old: { writes: number; bytes: number };
}

/** Counts puts and the JSON characters they store. */
class CountingStorage implements RoomStorage {
  readonly inner = new MemoryStorage(Infinity);
  puts = 0;
  bytes = 0;
  get<T>(key: string) {
    return this.inner.get<T>(key);
  }
  list<T>(options: ListOptions) {
    return this.inner.list<T>(options);
  }
  delete(keys: string[]) {
    return this.inner.delete(keys);
  }
  put(entries: Record<string, unknown>) {
    this.puts++;
    for (const [k, v] of Object.entries(entries))
      this.bytes += k.length + (typeof v === 'string' ? v.length : JSON.stringify(v).length);
    return this.inner.put(entries);
  }
}

async function streamOnce(
  label: string,
  tokensPerSecond: number,
  tokenChars: number,
  seconds: number,
): Promise<WriteCost> {
  const storage = new CountingStorage();
  const config = readConfig({ REALSTREAM_METRICS: 'off' });
  const total = Math.round(tokensPerSecond * seconds);
  /** The length of the text at each old checkpoint tick. */
  const ticks: number[] = [];
  let generated = 0;
  const responders = new Map([
    [
      'demo',
      {
        name: 'demo',
        async *respond() {
          const started = Date.now();
          let nextTick = started + OLD_CHECKPOINT_MS;
          for (let i = 0; i < total; i++) {
            const due = started + (i * 1000) / tokensPerSecond;
            if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
            while (Date.now() >= nextTick) {
              ticks.push(generated);
              nextTick += OLD_CHECKPOINT_MS;
            }
            generated += tokenChars;
            yield { type: 'text' as const, text: 'x'.repeat(tokenChars - 1) + ' ' };
          }
          yield { type: 'finish' as const, reason: 'stop' as const };
        },
      },
    ],
  ]);
  const room = await Room.open({
    name: 'bench-writes',
    storage,
    config,
    logger: new Logger('error', {}, () => {}),
    responders,
    serverTools: [],
  });
  const base = { puts: storage.puts, bytes: storage.bytes };
  const socket = { id: 's', send: () => {}, close: () => {} };
  room.connect(socket, { id: 'u', name: 'u', role: 'member', exp: null });
  await room.message('s', JSON.stringify({ type: 'hello', protocol: 1, since: 0 }));
  await room.message('s', JSON.stringify({ type: 'message.send', id: 'w1', text: 'go' }));
  while (room.replies.active > 0 || !room.log.idle) await new Promise((r) => setTimeout(r, 20));
  const now = { writes: storage.puts - base.puts, bytes: storage.bytes - base.bytes };
  // The old scheme's durable writes were the same (the user's message, the reply's start and end,
  // each with its row); on top it rewrote the reply's row, text and all, at every tick.
  const durable = { writes: 3, bytes: 3 * 400 + 2 * generated };
  const row = 400;
  const old = {
    writes: durable.writes + ticks.length,
    bytes: durable.bytes + ticks.reduce((sum, chars) => sum + chars + row, 0),
  };
  return { label, seconds, chars: generated, now, old };
}

export async function measureWriteCost(quick: boolean): Promise<WriteCost[]> {
  const s = quick ? 2 : 6;
  return [
    await streamOnce('a chat reply, 50 tokens/s of 4 chars', 50, 4, s),
    await streamOnce('a fast model, 400 tokens/s of 4 chars', 400, 4, s),
    await streamOnce('a long reply, 64 KiB/s', 256, 256, s),
  ];
}

export function reportWriteCost(rows: WriteCost[]): string {
  const out = ['', 'Storage cost of streaming (per streamed second):'];
  const fmt = (n: number) =>
    n >= 1024 * 1024
      ? `${(n / 1024 / 1024).toFixed(2)} MiB`
      : n >= 1024
        ? `${(n / 1024).toFixed(1)} KiB`
        : `${Math.round(n)} B`;
  out.push(
    '  stream                                   chars    scheme                         writes/s  written/s',
  );
  for (const r of rows) {
    const line = (scheme: string, c: { writes: number; bytes: number }) =>
      `  ${r.label.padEnd(40)} ${String(r.chars).padStart(7)}  ${scheme.padEnd(30)} ${(c.writes / r.seconds).toFixed(1).padStart(8)}  ${fmt(c.bytes / r.seconds).padStart(9)}`;
    out.push(line('stored before sent (now)', r.now));
    out.push(line('checkpoint 250 ms (before)', r.old));
  }
  return out.join('\n');
}
