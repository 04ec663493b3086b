import type { ErrorCode, ServerFrame } from '@realstream/protocol';
import type { Logger } from './log.js';

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

  constructor(private readonly logger?: Logger) {}

  /** A command that threw: logged, and answered as `internal`. */
  private failed(id: string, err: unknown): { code: ErrorCode; message: string } {
    if (!isRefusal(err)) this.logger?.error('command failed', { id, error: String(err) });
    return internalError(err);
  }

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
        const { code, message } = internalError(refusal);
        return reply({ type: 'error', id, code, message });
      }
    }
    // A command that throws (a bug, or a resource limit such as a stack overflow) is answered
    // `internal` and forgotten, like a refusal: its id must not stay bound to a broken outcome.
    const outcome = Promise.resolve()
      .then(run)
      .catch((err: unknown) => this.failed(id, err));
    const seq = outcome.then((o) =>
      'code' in o
        ? Promise.reject(o)
        : o.seq.catch((err: unknown) => Promise.reject(this.failed(id, err))),
    );
    seq.catch(() => {}); // duplicates and the code below handle the refusal
    this.remember(id, seq);
    const o = await outcome;
    if ('code' in o) {
      this.seqs.delete(id);
      return reply({ type: 'error', id, code: o.code, message: o.message });
    }
    let done: number;
    try {
      done = await o.seq;
    } catch (refusal) {
      this.seqs.delete(id);
      const { code, message } = internalError(refusal);
      return reply({ type: 'error', id, code, message });
    }
    this.remember(id, done);
    reply({ type: 'ack', id, seq: done });
  }
}

function internalError(err: unknown): { code: ErrorCode; message: string } {
  if (isRefusal(err)) return err;
  return { code: 'internal', message: 'the command failed on the server; see its log' };
}

function isRefusal(err: unknown): err is { code: ErrorCode; message: string } {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { code?: unknown }).code === 'string' &&
    typeof (err as { message?: unknown }).message === 'string' &&
    !(err instanceof Error)
  );
}
