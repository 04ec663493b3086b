import type { Command } from '@realstream/protocol';
import type { RealstreamError } from './errors.js';

export interface Ack {
  id: string;
  seq: number;
  duplicate: boolean;
}

interface Entry {
  command: Command;
  /** How many times it went on the wire; more than once means a resend. */
  sends: number;
  promise: Promise<Ack>;
  resolve(ack: Ack): void;
  reject(error: RealstreamError): void;
}

/**
 * Commands not yet answered by `ack` or `error`, in the order they were made. A dropping link can
 * lose the frame in flight, so the client keeps its own copy and sends every pending
 * command again after each reconnect; the server dedupes by id, so a resend is applied once.
 */
export class Outbox {
  private readonly entries = new Map<string, Entry>();

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Queues a command; adding an id that is already pending returns the same promise. */
  add(command: Command): Promise<Ack> {
    const existing = this.entries.get(command.id);
    if (existing) return existing.promise;
    let resolve!: (ack: Ack) => void;
    let reject!: (error: RealstreamError) => void;
    const promise = new Promise<Ack>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // The outcome is also shown in the stores, so a caller that ignores the promise must not get an
    // unhandled rejection (which kills a node process and pollutes a browser console).
    promise.catch(() => {});
    this.entries.set(command.id, { command, sends: 0, promise, resolve, reject });
    return promise;
  }

  /** Pending commands, oldest first. */
  pending(): Command[] {
    return [...this.entries.values()].map((e) => e.command);
  }

  /** Records that the command went on the wire; returns how many times it has now. */
  markSent(id: string): number {
    const entry = this.entries.get(id);
    if (!entry) return 0;
    return ++entry.sends;
  }

  /** Settles a command with its ack; false if it was not pending (a late duplicate answer). */
  ack(id: string, seq: number, duplicate = false): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    entry.resolve({ id, seq, duplicate });
    return true;
  }

  /** Settles a command with an error; returns the command, or undefined if it was not pending. */
  fail(id: string, error: RealstreamError): Command | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    entry.reject(error);
    return entry.command;
  }

  /** Fails everything (a final close); returns the commands in order. */
  failAll(error: RealstreamError): Command[] {
    const commands = this.pending();
    for (const c of commands) this.fail(c.id, error);
    return commands;
  }
}
