import type { ErrorCode, ServerFrame } from '@realstream/protocol';
import type { Logger } from './log.js';

/** What a command led to: the seq of the event it produced (once sent), or why it was refused. */
export type Outcome = { seq: Promise<number> } | { code: ErrorCode; message: string };

const RECENT_COMMANDS = 10_000;

/**
 * Who used a command id, and for what. A resend is the same user's same kind of command; any other
 * use of an id already taken (another user's, or another command's) is refused, so no one can
 * read another's outcome or have a command skipped as a "duplicate" of something else.
 */
export interface Claim {
  user: string;
  kind: string;
  /** The command without its id (canonical JSON): a resend must carry the same, see answer(). */
  body?: string;
}

/** JSON with object keys sorted, so that `{a, b}` and `{b, a}` are the same body. */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
    ) ?? 'undefined'
  );
}

/** The refusal of a resend that asks for something else than the first use of its id did. */
export function mismatchRefusal(id: string): { code: ErrorCode; message: string } {
  return {
    code: 'idempotency_mismatch',
    message: `command id ${id} was used before with another body; use a fresh id for each command`,
  };
}

interface Entry {
  claim: Claim;
  seq: number | Promise<number>;
}

/** The refusal of an id already taken by another user or another kind of command. */
export function takenRefusal(id: string): { code: ErrorCode; message: string } {
  return {
    code: 'conflict',
    message: `command id ${id} is taken by another command; use a fresh id for each command`,
  };
}

/**
 * Recently applied command ids and the seq each produced, so a command resent after a reconnect
 * is answered again instead of applied twice. Messages are also indexed in storage; other commands
 * are remembered for the latest 10,000.
 */
export class CommandLedger {
  private readonly seqs = new Map<string, Entry>();

  constructor(private readonly logger?: Logger) {}

  /** A command that threw: logged, and answered as `internal`. */
  private failed(id: string, err: unknown): { code: ErrorCode; message: string } {
    if (!isRefusal(err)) this.logger?.error('command failed', { id, error: String(err) });
    return internalError(err);
  }

  get(id: string): Entry | undefined {
    return this.seqs.get(id);
  }

  remember(id: string, claim: Claim, seq: number | Promise<number>): void {
    this.seqs.delete(id);
    this.seqs.set(id, { claim, seq });
    if (this.seqs.size > RECENT_COMMANDS) this.seqs.delete(this.seqs.keys().next().value!);
  }

  /**
   * Runs a command once per id and answers it with `ack` or `error`: a duplicate (the same claim)
   * gets the first run's answer, and one arriving while the first still runs waits for it.
   */
  async answer(
    id: string,
    claim: Claim,
    run: () => Outcome | Promise<Outcome>,
    reply: (frame: ServerFrame) => void,
  ): Promise<void> {
    const earlier = this.seqs.get(id);
    if (earlier !== undefined) {
      if (!sameClaim(earlier.claim, claim))
        return reply({ type: 'error', id, ...takenRefusal(id) });
      // Answering another body with the first one's ack would drop it without a word.
      if (earlier.claim.body !== claim.body)
        return reply({ type: 'error', id, ...mismatchRefusal(id) });
      try {
        return reply({ type: 'ack', id, seq: await earlier.seq, duplicate: true });
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
    this.remember(id, claim, seq);
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
    this.remember(id, claim, done);
    reply({ type: 'ack', id, seq: done });
  }
}

export function sameClaim(a: Claim, b: Claim): boolean {
  return a.user === b.user && a.kind === b.kind;
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
