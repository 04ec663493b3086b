/**
 * What the chaos run's clients saw, and whether the room took any of it back. Every client's view of
 * every message is recorded as it changes; a view that a later one does not extend (it shrank, or a
 * snapshot replaced it with other text) is kept too. At the end each kept view must be a prefix of
 * the message as stored, and a message any client saw must be stored at all. Characters that fail
 * that are `taken_back`, or `failed_writes_delivered` when an injected storage fault explains them
 * (the room delivered what it had not stored; see `verdict`).
 */
import type { Message } from '@realstream/protocol';
import type { RealstreamClient } from '@realstream/client';

/** A fault the server logged (`storage fault injected`). */
export interface Fault {
  at: number;
  keys: string[];
}

interface View {
  text: string;
  status: Message['status'];
  /** The client's snapshot count when this view was taken. */
  snapshots: number;
}

interface Life {
  /** When any client first saw it, and first saw it settled (not streaming). */
  firstSeen: number;
  settled: number | null;
  replyTo?: string;
  seq: number;
}

export interface Verdict {
  takenBack: number;
  failedWritesDelivered: number;
  /** Messages with characters taken back, and the ones a fault explains. */
  takenBackMessages: number;
  failedWriteMessages: number;
  /** Replies live at a restart (cut by it). */
  cut: number;
  details: string[];
}

/** Length of the common prefix of two strings. */
export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  if (b.startsWith(a.slice(0, n)) || a.startsWith(b.slice(0, n))) return n;
  let lo = 0;
  let hi = n;
  // Binary search on startsWith: native compares, not a character loop over a mebibyte.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (a.startsWith(b.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export class Observer {
  /** Per client: each message's latest view, and earlier views a later one did not extend. */
  private readonly latest: Map<string, View>[] = [];
  private readonly kept: Map<string, View[]>[] = [];
  private readonly lives = new Map<string, Life>();
  /** Assistant message id by the id of the user message it answers. */
  private readonly replies = new Map<string, string>();
  private readonly seenObjects = new WeakSet<object>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records every change `client` publishes; returns the unsubscribe. */
  watch(client: RealstreamClient, index: number): () => void {
    return client.$messages.subscribe((messages) =>
      this.record(index, messages, client.stats.snapshots),
    );
  }

  record(client: number, messages: readonly Message[], snapshots: number): void {
    const latest = (this.latest[client] ??= new Map());
    const kept = (this.kept[client] ??= new Map());
    const now = this.now();
    for (const m of messages) {
      // Messages are replaced, never mutated, when they change: an object seen before is unchanged.
      if (this.seenObjects.has(m)) continue;
      this.seenObjects.add(m);
      if ((m as { local?: string }).local || !m.seq) continue;
      let life = this.lives.get(m.id);
      if (!life) {
        life = { firstSeen: now, settled: null, replyTo: m.replyTo, seq: m.seq };
        this.lives.set(m.id, life);
        if (m.replyTo && m.author.kind === 'assistant') this.replies.set(m.replyTo, m.id);
      }
      if (m.status !== 'streaming' && life.settled === null) life.settled = now;
      const before = latest.get(m.id);
      const view: View = { text: m.text, status: m.status, snapshots };
      latest.set(m.id, view);
      if (!before || before.text === m.text) continue;
      // Deltas only ever extend a view: only a shrink, a snapshot or the final text (a completion
      // carries the whole text) can replace it, so only then is the full compare worth its cost.
      const cheap = before.snapshots === snapshots && before.status === m.status;
      const extends_ =
        m.text.length >= before.text.length && (cheap || m.text.startsWith(before.text));
      if (!extends_) {
        const list = kept.get(m.id) ?? [];
        list.push(before);
        kept.set(m.id, list);
      }
    }
  }

  /** The reply to user message `userMessageId` as some client saw it: settled or not. */
  reply(userMessageId: string): { id: string; seq: number; settled: boolean } | null {
    const id = this.replies.get(userMessageId);
    const life = id && this.lives.get(id);
    if (!id || !life) return null;
    return { id, seq: life.seq, settled: life.settled !== null };
  }

  /**
   * The room says message `id` has settled. A client drops a message older than a snapshot's page
   * from its view until it pages back, and so never sees that message end: the run asks the room.
   */
  settledElsewhere(id: string): void {
    const life = this.lives.get(id);
    if (life && life.settled === null) life.settled = this.now();
  }

  /** What clients saw of message `id`, for a report: its longest view and when it was first seen. */
  describe(id: string): string {
    const life = this.lives.get(id);
    if (!life) return `${id}: never seen`;
    let longest: View | null = null;
    for (const latest of this.latest) {
      const v = latest?.get(id);
      if (v && (!longest || v.text.length > longest.text.length)) longest = v;
    }
    const age = Math.round((this.now() - life.firstSeen) / 1000);
    return `${id} (seq ${life.seq}, first seen ${age} s ago, ${longest?.text.length ?? 0} chars ${longest?.status})`;
  }

  /** How many distinct messages any client saw. */
  get messagesSeen(): number {
    return this.lives.size;
  }

  /**
   * Compares what clients saw with `stored` (the room's history after the run, read after a final
   * restart so it is what storage holds). `restarts` are the times of the kill -9s.
   */
  verdict(
    stored: readonly Message[],
    faults: readonly Fault[],
    restarts: readonly number[],
  ): Verdict {
    const byId = new Map(stored.map((m) => [m.id, m]));
    const end = this.now();
    const slack = 1000;
    const verdict: Verdict = {
      takenBack: 0,
      failedWritesDelivered: 0,
      takenBackMessages: 0,
      failedWriteMessages: 0,
      cut: 0,
      details: [],
    };
    for (const [id, life] of this.lives) {
      const from = life.firstSeen - slack;
      const to = (life.settled ?? end) + slack;
      const wasCut =
        life.settled !== null && restarts.some((t) => t >= life.firstSeen && t <= life.settled!);
      if (wasCut) verdict.cut++;
      const storedMessage = byId.get(id);
      // A fault explains a loss when its keys name the message (by id or zero-padded seq), when the
      // room failed the message for it, or when the message is not stored at all and a fault came
      // while it was live (its creation was the write that failed).
      const seq = String(life.seq).padStart(15, '0');
      const faulted =
        faults.some((f) => f.keys.some((k) => k.includes(id) || k.includes(seq))) ||
        storedMessage?.error?.code === 'storage_failed' ||
        (!storedMessage && faults.some((f) => f.at >= from && f.at <= to));
      let worst = 0;
      let worstView: View | null = null;
      for (let c = 0; c < this.latest.length; c++) {
        const views = [...(this.kept[c]?.get(id) ?? [])];
        const last = this.latest[c]?.get(id);
        if (last) views.push(last);
        for (const v of views) {
          const lost = storedMessage
            ? v.text.length - commonPrefix(v.text, storedMessage.text)
            : Math.max(1, v.text.length);
          if (lost > worst) {
            worst = lost;
            worstView = v;
          }
        }
      }
      if (!worst) continue;
      const where = storedMessage
        ? `stored ${storedMessage.status} with ${storedMessage.text.length} chars`
        : 'not stored';
      const line = `${id} (seq ${life.seq}): a client saw ${worstView!.text.length} chars (${worstView!.status}), ${where}: ${worst} taken back`;
      if (faulted) {
        verdict.failedWritesDelivered += worst;
        verdict.failedWriteMessages++;
        verdict.details.push(`failed write delivered: ${line}`);
      } else {
        verdict.takenBack += worst;
        verdict.takenBackMessages++;
        verdict.details.push(`taken back: ${line}`);
      }
    }
    return verdict;
  }
}

/** The faults a server log records, one JSON line each (partykit may prefix terminal escapes). */
export function faultsInLog(log: string): Fault[] {
  const out: Fault[] = [];
  for (const line of log.split('\n')) {
    if (!line.includes('"storage fault injected"')) continue;
    // wrangler wraps a warning in colour codes, partykit puts cursor moves before it.
    const json = line.slice(line.indexOf('{"'), line.lastIndexOf('}') + 1);
    try {
      const entry = JSON.parse(json) as { t: string; keys?: string[] };
      out.push({ at: Date.parse(entry.t), keys: entry.keys ?? [] });
    } catch {
      /* a line cut by a kill -9 */
    }
  }
  return out;
}
