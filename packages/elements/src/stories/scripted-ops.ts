import type { WritableAtom } from 'nanostores';
import type {
  ClientStatus,
  RoomMetrics,
  TapBatch,
  TapEntry,
  TapFilter,
  User,
} from '@realstream/client';
import { OPS_T0, roomMetrics } from './scripted-figures.js';

export { OPS_T0, roomMetrics, scriptedDeployment } from './scripted-figures.js';

/**
 * The operators' views of a ScriptedClient: `$metrics` once a second while subscribed and tapped
 * frames four times a second, on the client's timers (so close() stops them). Deterministic.
 */

interface OpsClient {
  readonly room: string;
  readonly $metrics: WritableAtom<RoomMetrics | null>;
  readonly $presence: { get(): readonly User[] };
  readonly $status: { get(): ClientStatus };
  after(ms: number, fn: () => void): void;
}

/** The frames a busy room passes, in a loop: a question, its streamed reply, presence, a tool. */
const SCRIPT: [TapEntry['dir'], string, (n: number) => object][] = [
  [
    'in',
    'message.send',
    (n) => ({ type: 'message.send', id: `c-${n}`, text: 'How do resumes work?' }),
  ],
  [
    'out',
    'event:message.created',
    (n) => ({ type: 'event', seq: n, event: { type: 'message.created', id: `m-${n}` } }),
  ],
  [
    'out',
    'event:message.delta',
    (n) => ({
      type: 'event',
      seq: n,
      event: { type: 'message.delta', id: `m-${n}`, text: 'The client ' },
    }),
  ],
  [
    'out',
    'event:message.delta',
    (n) => ({
      type: 'event',
      seq: n,
      event: { type: 'message.delta', id: `m-${n}`, text: 'remembers its seq' },
    }),
  ],
  ['in', 'typing', () => ({ type: 'typing', typing: true })],
  ['out', 'presence', () => ({ type: 'presence', users: [{ id: 'u-ada', name: 'Ada Lovelace' }] })],
  [
    'out',
    'event:message.completed',
    (n) => ({ type: 'event', seq: n, event: { type: 'message.completed', id: `m-${n}` } }),
  ],
  [
    'in',
    'tool.invoke',
    (n) => ({
      type: 'tool.invoke',
      id: `t-${n}`,
      name: 'math.evaluate',
      args: { expression: '6*7' },
    }),
  ],
  [
    'out',
    'event:tool.call.ended',
    (n) => ({
      type: 'event',
      seq: n,
      event: { type: 'tool.call.ended', callId: `t-${n}`, result: 42 },
    }),
  ],
];

export class ScriptedOps {
  /** Figures per 10 s bucket scale with this; 0 is a room where nothing has happened yet. */
  load = 4;
  /** The tap samples: each batch says it dropped frames. */
  sampled = false;
  private metricsSubscribers = 0;
  private taps = new Map<(batch: TapBatch) => void, TapFilter>();
  private tick = 0;
  private n = 0;

  constructor(private readonly client: OpsClient) {}

  subscribeMetrics(): () => void {
    if (++this.metricsSubscribers === 1) this.publish();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.metricsSubscribers--;
    };
  }

  subscribeTap(filter: TapFilter, listener: (batch: TapBatch) => void): () => void {
    // One filter per client, as the real one: the latest call's wins.
    for (const key of this.taps.keys()) this.taps.set(key, filter);
    const first = this.taps.size === 0;
    this.taps.set(listener, filter);
    if (first) this.client.after(250, () => this.flush());
    return () => this.taps.delete(listener);
  }

  /** The figures now, as a subscribed operator would get them. */
  metrics(): RoomMetrics {
    return roomMetrics(this.client.room, this.tick, this.client.$presence.get(), this.load);
  }

  private publish(): void {
    if (!this.metricsSubscribers) return;
    // No frames reach a client whose link is down: the figures it shows go stale.
    if (this.client.$status.get().state === 'live') {
      this.client.$metrics.set(this.metrics());
      this.tick++;
    }
    this.client.after(1000, () => this.publish());
  }

  private flush(): void {
    if (!this.taps.size) return;
    if (this.load && this.client.$status.get().state === 'live') {
      const count = this.sampled ? 6 : 2 + (this.n % 3);
      const entries: TapEntry[] = [];
      for (let i = 0; i < count; i++) entries.push(this.entry());
      const [filter] = [...this.taps.values()];
      const kept = entries.filter(
        (e) =>
          (!filter.types?.length || filter.types.some((t) => e.type.startsWith(t))) &&
          (!filter.connection || e.connection === filter.connection || e.connection === '*'),
      );
      const batch = { entries: kept, sampled: this.sampled, dropped: this.sampled ? 37 : 0 };
      if (kept.length || this.sampled) for (const listener of this.taps.keys()) listener(batch);
    }
    this.client.after(250, () => this.flush());
  }

  private entry(): TapEntry {
    const n = ++this.n;
    const [dir, type, body] = SCRIPT[n % SCRIPT.length];
    const frame = JSON.stringify(body(n));
    const people = this.client.$presence.get();
    const who = people[n % Math.max(1, people.length)]?.id ?? 'me';
    return {
      at: OPS_T0 + this.tick * 1000 + (n % 4) * 250,
      dir,
      type,
      ...(type.startsWith('event:') ? { seq: n, latencyMs: 1 + (n % 5) } : {}),
      bytes: frame.length,
      connection: dir === 'in' || type === 'presence' ? `conn-${who}` : '*',
      frame,
    };
  }
}
