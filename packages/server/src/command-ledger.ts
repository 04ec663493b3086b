import type { ErrorCode, ServerFrame } from '@realstream/protocol';

/** What a command led to: the seq of the event it produced (once sent), or why it was refused. */
export type Outcome = { seq: Promise<number> } | { code: ErrorCode; message: string };

const RECENT_COMMANDS = 10_000;

/**
 * Recently applied command ids and the seq each produced, so a command resent after a reconnect
 * is answered again instead of applied twice. Messages are also indexed in storage; other commands
 * are remembered for the latest 10,000.
 */
export class CommandLedger {
  private readonly seqs = new Map<string, number | Promise<number>>();

  get(id: string): number | Promise<number> | undefined {
    return this.seqs.get(id);
  }

  has(id: string): boolean {
    return this.seqs.has(id);
  }

  remember(id: string, seq: number | Promise<number>): void {
    this.seqs.delete(id);
    this.seqs.set(id, seq);
    if (this.seqs.size > RECENT_COMMANDS) this.seqs.delete(this.seqs.keys().next().value!);
  }

  /**
   * Runs a command once per id and answers it with `ack` or `error`: a duplicate gets the first
   * run's answer, and one arriving while the first still runs waits for it.
   */
  async answer(
    id: string,
    run: () => Outcome | Promise<Outcome>,
    reply: (frame: ServerFrame) => void,
  ): Promise<void> {
    const earlier = this.seqs.get(id);
    if (earlier !== undefined) {
      try {
        return reply({ type: 'ack', id, seq: await earlier, duplicate: true });
      } catch (refusal) {
        const { code, message } = refusal as { code: ErrorCode; message: string };
        return reply({ type: 'error', id, code, message });
      }
    }
    const outcome = Promise.resolve().then(run);
    const seq = outcome.then((o) => ('code' in o ? Promise.reject(o) : o.seq));
    seq.catch(() => {}); // duplicates and the code below handle the refusal
    this.remember(id, seq);
    const o = await outcome;
    if ('code' in o) {
      this.seqs.delete(id);
      return reply({ type: 'error', id, code: o.code, message: o.message });
    }
    const done = await o.seq;
    this.remember(id, done);
    reply({ type: 'ack', id, seq: done });
  }
}
