/**
 * The fuzz suite's side of a connection (fuzz.test.ts): a WebSocket peer that waits on events (the
 * suite makes tens of thousands of round trips; polling would take minutes), and the bookkeeping
 * that pairs each hostile frame with what the server answered to it.
 */
import fc from 'fast-check';
import WebSocket from 'ws';
import {
  CLOSE_CODES,
  ERROR_CODES,
  ErrorFrameSchema,
  ServerFrameSchema,
  type Role,
  type Tool,
} from '@realstream/protocol';
import type { Wire } from './fuzz-frames.js';
import { expectationOf, harmless, type Expect } from './fuzz-oracle.js';

export type Incoming = Record<string, unknown>;

export const HELLO = '{"type":"hello","protocol":1,"since":0}';
/** No pong (or welcome) this long after a frame: the room is not answering. */
const ANSWER_MS = 10_000;
/** How long an answer to an asynchronous command may come after its frame's pong. */
const LATE_MS = 3000;
/** Closes a client is told to handle whatever it sent (flooding, token expired): counted, not crashes. */
const LEGIT_CLOSES: number[] = [CLOSE_CODES.rate_limited, CLOSE_CODES.unauthorised];
/** Frames that answer a frame; the rest (events, typing, watchers, snapshots) are the room's. */
const ANSWERS = new Set(['error', 'ack', 'pong', 'welcome']);

export class Peer {
  closed: { code: number; reason: string } | null = null;
  /** Called for each frame the server sends: its JSON object, or null when it is not one. */
  onFrame: (frame: Incoming | null, raw: string) => void = () => {};
  private readonly wakers = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const raw = String(data);
      let frame: Incoming | null = null;
      try {
        const value: unknown = JSON.parse(raw);
        if (value && typeof value === 'object' && !Array.isArray(value)) frame = value as Incoming;
      } catch {
        /* reported as null */
      }
      this.onFrame(frame, raw);
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.wake();
    });
    ws.on('error', () => {});
  }

  /** Rejects when the server refuses the connection or does not accept it within 10 s. */
  static open(url: string): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const peer = new Peer(new WebSocket(url));
      const timer = setTimeout(() => {
        peer.ws.terminate();
        reject(new Error('the server did not accept a WebSocket within 10 s'));
      }, ANSWER_MS);
      const done = (fn: () => void) => () => (clearTimeout(timer), fn());
      peer.ws.once(
        'open',
        done(() => resolve(peer)),
      );
      peer.ws.once('error', (err) => done(() => reject(err))());
      peer.ws.once(
        'close',
        done(() => resolve(peer)),
      );
    });
  }

  send(data: string | Uint8Array, binary = false): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data, { binary });
  }

  /** Resolves true once `done()` holds (checked on every frame and at close), false at the deadline. */
  until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => (done() || this.closed ? finish() : undefined);
      const finish = () => {
        clearTimeout(timer);
        this.wakers.delete(check);
        resolve(done());
      };
      const timer = setTimeout(finish, timeoutMs);
      this.wakers.add(check);
    });
  }

  /**
   * Closes from our side. partykit dev is slow to finish a close handshake, so after a moment the
   * connection is dropped; nothing received after close() counts.
   */
  close(): void {
    this.onFrame = () => {};
    if (this.closed) return;
    this.ws.close(1000);
    setTimeout(() => this.ws.terminate(), 1000).unref();
  }

  private wake(): void {
    for (const check of [...this.wakers]) check();
  }
}

/** Shows a frame in the report: short, and bytes that are not UTF-8 as \x escapes. */
export function show(data: string | Uint8Array, binary = false): string {
  if (typeof data !== 'string') {
    const s = binary
      ? `binary[${Buffer.from(data.subarray(0, 24)).toString('hex')}${data.length > 24 ? '…' : ''}]`
      : Buffer.from(data)
          .toString('latin1')
          .replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    return s.length > 160 ? `${s.slice(0, 160)}… (${data.length} bytes)` : s;
  }
  return data.length > 160 ? `${data.slice(0, 160)}… (${data.length} chars)` : data;
}

export interface Sent {
  kind: string;
  data: string | Uint8Array;
  binary: boolean;
  expect: Expect;
  /** Types of the answer frames it got. */
  answers: string[];
}

/** What the whole run saw. */
export class Tally {
  frames = 0;
  sockets = 0;
  /** rate_limited errors: the bucket answered instead of the room (the fuzz's limits are high). */
  rateLimited = 0;
  unanswered = 0;
  readonly crashes: string[] = [];
  readonly untyped: string[] = [];
  readonly outsideProtocol: string[] = [];
  readonly legitCloses = new Map<number, number>();
  /** By what a frame was owed and what it got: how often, and the smallest example. */
  readonly byCause = new Map<string, { count: number; example: Sent }>();

  crash(what: string, sent: Sent | null): void {
    this.crashes.push(
      `${what}${sent ? ` after ${sent.kind}: ${show(sent.data, sent.binary)}` : ''}`,
    );
  }

  /** Counts `sent` as unanswered unless it got its due; `final`: no late answer can come now. */
  settle(sent: Sent, final: boolean): 'ok' | 'pending' | 'unanswered' {
    const { need, asyncId, why } = sent.expect;
    const { answers } = sent;
    if (need === 'none' || (need === 'error' ? answers.includes('error') : answers.length))
      return 'ok';
    if (!final && asyncId !== undefined && answers.length === 0) return 'pending';
    this.unanswered++;
    const got = answers.length
      ? `got ${[...new Set(answers)].join('+')}, not an error`
      : 'no answer';
    const cause = `${why}: ${got}`;
    const seen = this.byCause.get(cause);
    if (!seen) this.byCause.set(cause, { count: 1, example: sent });
    else {
      seen.count++;
      if (sent.data.length < seen.example.data.length) seen.example = sent;
    }
    return 'unanswered';
  }
}

/** Deterministic values from a seed, drawn in chunks as they are needed. */
export class Stream<T> {
  private buffer: T[] = [];
  private chunk = 0;
  constructor(
    private readonly arb: fc.Arbitrary<T>,
    private readonly seed: number,
  ) {}
  next(): T {
    if (!this.buffer.length)
      this.buffer = fc.sample(this.arb, { seed: this.seed * 7919 + this.chunk++, numRuns: 64 });
    return this.buffer.shift()!;
  }
}

let markers = 0;

/**
 * One fuzzing connection from its first frame to its close. Each hostile frame is followed by a
 * ping with a unique `t`; what arrives before that pong answers the frame. The room answers some
 * commands asynchronously, so a command still unanswered at the pong waits for an answer carrying
 * its id.
 */
export class Session {
  private current: Sent | null = null;
  private marker = 0;
  private markerSeen = false;
  private readonly pending: Sent[] = [];
  private welcomed = false;

  constructor(
    readonly peer: Peer,
    readonly role: Role,
    private readonly tally: Tally,
    /** The room's tools, for harmless(). */
    private readonly tools: Tool[],
  ) {
    peer.onFrame = (frame, raw) => this.receive(frame, raw);
  }

  /** The first frame of the connection, then (unless it was a good hello) our hello. */
  async first(wire: Wire, hostile = true): Promise<boolean> {
    const sent = this.sent(wire, false, hostile);
    const hello = sent.expect.why === 'welcome';
    this.current = sent;
    this.peer.send(sent.data, sent.binary);
    if (!hello) this.peer.send(HELLO);
    const ok = await this.peer.until(() => this.welcomed, ANSWER_MS);
    this.current = null;
    // The welcome answered our hello. Frames before hello are refused at the door, synchronously,
    // so the hostile frame's answers all came before it.
    if (!hello && sent.answers.at(-1) === 'welcome') sent.answers.pop();
    if (!ok) return this.gone(sent, 'no welcome within 10 s');
    this.tally.settle(sent, true);
    return true;
  }

  /** One hostile frame and the ping that closes its window; false when the socket is gone. */
  async step(wire: Wire, rewrite = true): Promise<boolean> {
    const safe = rewrite ? harmless(wire, this.role, this.tools) : wire;
    const sent = this.sent(safe, true);
    this.current = sent;
    this.markerSeen = false;
    this.marker = -1e12 - ++markers - 0.25;
    this.peer.send(sent.data, sent.binary);
    this.peer.send(`{"type":"ping","t":${this.marker}}`);
    const ok = await this.peer.until(() => this.markerSeen, ANSWER_MS);
    this.current = null;
    if (!ok) return this.gone(sent, 'no pong within 10 s');
    if (this.tally.settle(sent, false) === 'pending') this.pending.push(sent);
    return true;
  }

  /** Waits for late answers, then closes. */
  async finish(): Promise<void> {
    await this.peer.until(() => this.pending.length === 0, LATE_MS);
    for (const p of this.pending.splice(0)) this.tally.settle(p, true);
    this.peer.close();
  }

  private sent(wire: Wire, ready: boolean, hostile = true): Sent {
    const data = typeof wire.data === 'function' ? wire.data() : wire.data;
    if (hostile) this.tally.frames++;
    const expect = expectationOf(data, wire.binary, this.role, ready);
    return { kind: wire.kind, data, binary: wire.binary, expect, answers: [] };
  }

  private receive(frame: Incoming | null, raw: string): void {
    const { tally } = this;
    if (
      (!frame || !ServerFrameSchema.safeParse(frame).success) &&
      tally.outsideProtocol.length < 100
    )
      tally.outsideProtocol.push(show(raw));
    if (!frame) return;
    if (frame.type === 'error') {
      if (frame.code === 'rate_limited') tally.rateLimited++;
      const typed =
        ErrorFrameSchema.safeParse(frame).success &&
        typeof frame.code === 'string' &&
        Object.hasOwn(ERROR_CODES, frame.code);
      if (!typed)
        tally.untyped.push(`${show(raw)} after ${this.current ? show(this.current.data) : '?'}`);
    }
    if (frame.type === 'welcome') this.welcomed = true;
    if (frame.type === 'pong' && frame.t === this.marker) {
      this.markerSeen = true;
      return;
    }
    const type = String(frame.type);
    if (!ANSWERS.has(type)) return;
    const current = this.markerSeen ? null : this.current;
    const id = typeof frame.id === 'string' ? frame.id : undefined;
    if (id !== undefined && current?.expect.asyncId !== id) {
      const at = this.pending.findIndex((p) => p.expect.asyncId === id);
      if (at >= 0) {
        const [late] = this.pending.splice(at, 1);
        late.answers.push(type);
        tally.settle(late, true);
        return;
      }
    }
    current?.answers.push(type);
  }

  /** The socket is gone: legitimately after this frame, or a crash. */
  private gone(sent: Sent, what: string): false {
    const { closed } = this.peer;
    const { tally } = this;
    if (closed && (sent.expect.closes.includes(closed.code) || LEGIT_CLOSES.includes(closed.code)))
      tally.legitCloses.set(closed.code, (tally.legitCloses.get(closed.code) ?? 0) + 1);
    else if (closed) tally.crash(`socket closed ${closed.code} "${closed.reason}"`, sent);
    else {
      tally.crash(what, sent);
      this.peer.ws.terminate();
    }
    tally.settle(sent, true);
    for (const p of this.pending.splice(0)) tally.settle(p, true);
    return false;
  }
}
