import {
  roleAtLeast,
  type Caller,
  type ErrorCode,
  type Role,
  type ServerFrame,
  type ToolCall,
  type ToolError,
  type ToolProgress,
  type User,
} from '@realstream/protocol';
import { canonicalJson } from '../command-ledger.js';
import type { EventLog } from '../event-log.js';
import { CLEARED_KEY } from '../messages.js';
import type { Logger } from '../log.js';
import { Trimmer, type Retention } from '../retention.js';
import type { RoomStorage } from '../storage.js';
import type { ToolRegistry } from './registry.js';
import { ToolFailure, type RoomView } from './types.js';

export const callKey = (seq: number): string => `call:${String(seq).padStart(15, '0')}`;
export const callIdKey = (id: string): string => `cid:${id}`;

/**
 * The seqs of the calls not ended yet, written with each start and end: after a restart every one
 * of them is failed, however many calls ended since it started.
 */
const OPEN_CALLS_KEY = 'calls:open';
/** How many calls the room has stored (see Trimmer). */
const CALL_COUNT_KEY = 'count:call';
/** Calls kept in memory for snapshots (running ones always are). */
const RECENT_CALLS = 100;
/** Progress text kept per call (the tail): enough to follow, bounded for snapshots. */
const PROGRESS_CHARS = 8000;

type Ended = 'done' | 'error' | 'timeout' | 'cancelled' | 'denied';

export interface CallRequest {
  callId: string;
  name: string;
  args: unknown;
  caller: Caller;
  /** The caller's role, checked against the tool's minimum (the asker's, for the assistant). */
  role: Role;
  /** The assistant reply the call belongs to. */
  messageId?: string;
  /** The asking reply's: once it is stopped, a call still starting never runs. */
  signal?: AbortSignal;
}

export type StartResult =
  | { ok: true; seq: Promise<number>; duplicate: boolean }
  | { ok: false; code: ErrorCode; message: string };

interface Live {
  call: ToolCall;
  /** seq of the call's started event: its storage key. */
  seq: number;
  abort: AbortController;
  timer?: ReturnType<typeof setTimeout>;
  /** The connection a client tool's call was sent to. */
  routedTo?: string;
  ended: Promise<ToolCall>;
  resolve(call: ToolCall): void;
}

export interface CallsHost {
  log: EventLog;
  storage: RoomStorage;
  registry: ToolRegistry;
  logger: Logger;
  maxConcurrent: number;
  /** How long an assistant's call waits for an operator's decision before it times out. */
  approvalMs: number;
  /** Sends a frame to one connection; false when it is gone. */
  sendTo(connId: string, frame: ServerFrame): boolean;
  roomView(): RoomView;
  /** A call ended: for the metrics. */
  ended(tool: string, status: Ended, ms: number): void;
  /** How many calls the room keeps, and for how long (their ids stop being duplicates then). */
  retention: Retention;
}

/**
 * Tool calls from start to end: checks (tool, switch, availability, role, arguments, concurrency),
 * approval, execution on the server or in the browser that implements the tool, progress, timeout,
 * cancel, and exactly one ended event per call. Calls are in the log, so they resume like messages.
 */
export class ToolCalls {
  private readonly live = new Map<string, Live>();
  /** Latest calls, oldest first (ended ones; running ones are in `live` too). */
  private recent: ToolCall[];
  /** Keeps the stored calls within retention, oldest first. */
  private trimmer!: Trimmer<ToolCall>;
  /** Calls before this seq were cleared (their rows are being purged). */
  private clearedAt = 0;

  private constructor(
    private readonly host: CallsHost,
    recent: ToolCall[],
  ) {
    this.recent = recent;
  }

  /** Loads the latest calls; any not ended died with the previous process and are failed. */
  static async open(host: CallsHost): Promise<ToolCalls> {
    // Calls from before the room was last cleared stay cleared, also while their rows are purged.
    const clearedAt = (await host.storage.get<number>(CLEARED_KEY)) ?? 0;
    const rows = await host.storage.list<ToolCall>({
      prefix: 'call:',
      start: callKey(clearedAt),
      reverse: true,
      limit: RECENT_CALLS,
    });
    const calls = new ToolCalls(host, [...rows.values()].reverse());
    calls.clearedAt = clearedAt;
    if (clearedAt > 0) calls.purge(clearedAt).catch(() => {});
    calls.trimmer = await Trimmer.open<ToolCall>(
      host.storage,
      CALL_COUNT_KEY,
      {
        prefix: 'call:',
        start: () => callKey(calls.clearedAt),
        alsoDelete: (call) => [callIdKey(call.callId)],
        madeAt: (call) => call.startedAt,
        inUse: (call) => !isEnded(call),
        forget: (gone) => {
          const ids = new Set(gone.map((c) => c.callId));
          calls.recent = calls.recent.filter((c) => !ids.has(c.callId));
        },
      },
      host.retention,
      host.logger,
    );
    // The latest rows too: a room stored before the open-calls key has only those.
    const unended = new Map([...rows].filter(([, call]) => !isEnded(call)));
    for (const seq of (await host.storage.get<number[]>(OPEN_CALLS_KEY)) ?? []) {
      if (seq < clearedAt) continue;
      const key = callKey(seq);
      if (unended.has(key) || rows.has(key)) continue;
      const call = await host.storage.get<ToolCall>(key);
      if (call && !isEnded(call)) unended.set(key, call);
    }
    for (const [key, call] of unended) {
      calls.finishStored(key, call, 'error', {
        code: 'interrupted',
        message: 'the server restarted while this call was running',
      });
    }
    return calls;
  }

  get running(): number {
    let n = 0;
    for (const l of this.live.values()) if (l.call.status === 'running') n++;
    return n;
  }

  /** The latest calls plus every live one, oldest first, as a snapshot shows them. */
  list(): ToolCall[] {
    const byId = new Map(this.recent.map((c) => [c.callId, c]));
    for (const l of this.live.values()) byId.set(l.call.callId, l.call);
    return [...byId.values()].sort((a, b) => a.startedAt - b.startedAt).map((c) => ({ ...c }));
  }

  /** Starts a call, or says why not (nothing runs then). A known call id is a duplicate. */
  async start(req: CallRequest): Promise<StartResult> {
    const known = this.live.get(req.callId);
    if (known)
      return (
        sameCall(known.call, req) ?? { ok: true, seq: Promise.resolve(known.seq), duplicate: true }
      );
    const stored = await this.host.storage.get<number>(callIdKey(req.callId));
    if (stored !== undefined) {
      const call = await this.host.storage.get<ToolCall>(callKey(stored));
      return (
        (call && sameCall(call, req)) ?? { ok: true, seq: Promise.resolve(stored), duplicate: true }
      );
    }
    // Checked again after the await: the same id may have started meanwhile, or the reply that
    // asks may have been stopped (its cancelFor() could not see this call yet).
    if (this.live.has(req.callId)) return this.start(req);
    if (req.signal?.aborted) return refuse('conflict', 'the reply that made this call was stopped');

    const { registry } = this.host;
    const entry = registry.get(req.name);
    if (!entry) return refuse('not_found', `no tool ${req.name} in this room`);
    const { tool } = entry;
    if (!tool.enabled) return refuse('tool_disabled', `${tool.name} is switched off in this room`);
    if (!tool.available) {
      return refuse(
        'tool_unavailable',
        `${tool.name} runs in a browser, and none that implements it is connected`,
      );
    }
    if (!roleAtLeast(req.role, tool.minRole)) {
      return refuse('forbidden', `${tool.name} needs the ${tool.minRole} role`);
    }
    const problem = registry.argsProblem(tool.name, req.args);
    if (problem) return refuse('invalid_arguments', `${tool.name} arguments: ${problem}`);
    const awaiting = req.caller.kind === 'assistant' && tool.requiresApproval;
    if (!awaiting && this.running >= this.host.maxConcurrent) {
      return refuse(
        'too_many_calls',
        `${this.host.maxConcurrent} tool calls are already running in this room`,
      );
    }

    const now = Date.now();
    const call: ToolCall = {
      callId: req.callId,
      name: tool.name,
      args: req.args,
      caller: req.caller,
      ...(req.messageId ? { messageId: req.messageId } : {}),
      status: awaiting ? 'awaiting_approval' : 'running',
      progressText: '',
      startedAt: now,
    };
    let resolve!: (c: ToolCall) => void;
    const ended = new Promise<ToolCall>((r) => (resolve = r));
    const live: Live = { call, seq: 0, abort: new AbortController(), ended, resolve };
    const { frame, sent } = this.host.log.append((seq) => {
      live.seq = seq;
      return {
        event: { type: 'tool.call.started', call: { ...call } },
        writes: {
          [callKey(seq)]: call,
          [callIdKey(call.callId)]: seq,
          [OPEN_CALLS_KEY]: [...this.openSeqs(), seq],
          ...this.trimmer.added(),
        },
      };
    }, now);
    this.live.set(call.callId, live);
    if (!awaiting) sent.then(() => this.execute(live)).catch((err) => this.crashed(live, err));
    else {
      // Nobody deciding must not hold the reply (and its slot) for ever.
      live.timer = setTimeout(() => {
        const error = {
          code: 'approval_timeout',
          message: `no operator approved or denied the call within ${Math.round(this.host.approvalMs / 1000)} s`,
        };
        void this.end(live, 'timeout', { error });
      }, this.host.approvalMs);
    }
    return { ok: true, seq: sent.then(() => frame.seq), duplicate: false };
  }

  /** Resolves with the call once it has ended (at once for an ended one we still know). */
  async outcome(callId: string): Promise<ToolCall | undefined> {
    const live = this.live.get(callId);
    if (live) return live.ended;
    const seq = await this.host.storage.get<number>(callIdKey(callId));
    return seq === undefined ? undefined : this.host.storage.get<ToolCall>(callKey(seq));
  }

  /** The call, live or stored. */
  async get(callId: string): Promise<ToolCall | undefined> {
    const live = this.live.get(callId);
    if (live) return { ...live.call };
    return this.recent.find((c) => c.callId === callId) ?? this.outcome(callId);
  }

  cancel(
    callId: string,
    by: User,
  ): { seq: Promise<number> } | { code: ErrorCode; message: string } {
    const live = this.live.get(callId);
    if (!live) return { code: 'conflict', message: `call ${callId} is not running` };
    return { seq: this.end(live, 'cancelled', { error: cancelled(by), by }) };
  }

  decide(
    callId: string,
    approve: boolean,
    by: User,
  ): { seq: Promise<number> } | { code: ErrorCode; message: string } {
    const live = this.live.get(callId);
    if (!live || live.call.status !== 'awaiting_approval') {
      return { code: 'conflict', message: `call ${callId} is not waiting for approval` };
    }
    if (approve && this.running >= this.host.maxConcurrent) {
      return {
        code: 'too_many_calls',
        message: `${this.host.maxConcurrent} tool calls are already running; approve again when one ends`,
      };
    }
    clearTimeout(live.timer);
    live.call = { ...live.call, decidedBy: by.name || by.id };
    if (!approve) {
      const error = { code: 'denied', message: `${by.name || by.id} denied this call` };
      return { seq: this.end(live, 'denied', { error, by }) };
    }
    live.call = { ...live.call, status: 'running', startedAt: Date.now() };
    const { frame, sent } = this.host.log.append(() => ({
      event: { type: 'tool.call.approved', callId, by },
      writes: { [callKey(live.seq)]: live.call },
    }));
    sent.then(() => this.execute(live)).catch((err) => this.crashed(live, err));
    return { seq: sent.then(() => frame.seq) };
  }

  /** Progress from a tool (server side or the implementing connection). */
  progress(callId: string, update: ToolProgress, from?: string): void {
    const live = this.live.get(callId);
    if (!live || live.call.status !== 'running' || (from && live.routedTo !== from)) return;
    const text = update.text ?? '';
    live.call = {
      ...live.call,
      progressText: (live.call.progressText + text).slice(-PROGRESS_CHARS),
      ...(update.percent !== undefined ? { percent: update.percent } : {}),
    };
    this.host.log.append(() => ({
      event: {
        type: 'tool.call.progress',
        callId,
        ...(update.text !== undefined ? { text: update.text } : {}),
        ...(update.percent !== undefined ? { percent: update.percent } : {}),
      },
    }));
  }

  /** A client tool's answer. Only the connection the call was sent to may give it. */
  clientResult(connId: string, callId: string, result: unknown, error?: ToolError): boolean {
    const live = this.live.get(callId);
    if (!live || live.routedTo !== connId || live.call.status !== 'running') return false;
    if (error) void this.end(live, 'error', { error });
    else {
      const problem = this.host.registry.resultProblem(live.call.name, result);
      if (problem) {
        const message = `result does not match the output schema: ${problem}`;
        void this.end(live, 'error', { error: { code: 'invalid_output', message } });
      } else void this.end(live, 'done', { result });
    }
    return true;
  }

  /**
   * A client tool gained an implementer: calls left without one (their browser went away) are
   * sent to it, so a reconnecting implementer picks its work back up.
   */
  adopt(name: string): void {
    for (const live of this.live.values()) {
      if (live.call.name === name && live.call.status === 'running' && !live.routedTo) {
        this.route(live);
      }
    }
  }

  /** A connection left: its calls wait for another implementer until their timeout. */
  connectionGone(connId: string): void {
    for (const live of this.live.values()) {
      if (live.routedTo === connId) {
        live.routedTo = undefined;
        this.route(live);
      }
    }
  }

  /** The calls of a reply being stopped. */
  cancelFor(messageId: string, by: User): void {
    for (const live of [...this.live.values()]) {
      if (live.call.messageId === messageId)
        void this.end(live, 'cancelled', { error: cancelled(by), by });
    }
  }

  /** Cancels everything running (the room is cleared) and forgets the recent calls. */
  async clear(by: User): Promise<void> {
    await Promise.all(
      [...this.live.values()].map((l) => this.end(l, 'cancelled', { error: cancelled(by), by })),
    );
    this.recent = [];
  }

  /** Entries to store with the room's clear: the count starts again. */
  clearedEntries(): Record<string, number> {
    return this.trimmer.cleared();
  }

  /** How many calls are stored, by the retention count. */
  get stored(): number {
    return this.trimmer.count;
  }

  /** Resolves when no retention pass is running. */
  trimmed(): Promise<void> {
    return this.trimmer.idle();
  }

  /**
   * The room was cleared at `seq`: deletes the rows (and id index entries) of every call before it,
   * a chunk at a time, in the background. One cut short (a restart, a failed delete) goes on at the
   * next start; until then the room's cleared seq hides what is left.
   */
  async purge(seq: number): Promise<void> {
    this.clearedAt = Math.max(this.clearedAt, seq);
    const end = callKey(seq);
    for (;;) {
      const rows = await this.host.storage.list<ToolCall>({ prefix: 'call:', end, limit: 64 });
      if (rows.size === 0) return;
      const keys = [...rows.keys()];
      for (const call of rows.values()) keys.push(callIdKey(call.callId));
      await this.host.storage.delete(keys);
    }
  }

  // ---- execution ------------------------------------------------------------------------

  private execute(live: Live): void {
    const { registry, logger } = this.host;
    const entry = registry.get(live.call.name);
    const timeoutMs = entry?.tool.timeoutMs ?? 30_000;
    live.timer = setTimeout(() => {
      const error = {
        code: 'timeout',
        message:
          live.routedTo === undefined && entry?.tool.kind === 'client'
            ? `no browser implementing ${live.call.name} answered within ${timeoutMs} ms`
            : `${live.call.name} did not finish within ${timeoutMs} ms`,
      };
      void this.end(live, 'timeout', { error });
    }, timeoutMs);
    if (!entry?.server) return this.route(live);
    const server = entry.server;
    const ctx = {
      signal: live.abort.signal,
      progress: (p: ToolProgress) => this.progress(live.call.callId, p),
      room: this.host.roomView(),
      callId: live.call.callId,
      caller: live.call.caller,
    };
    server.run(live.call.args, ctx).then(
      (result) => {
        if (this.live.get(live.call.callId) === live) void this.end(live, 'done', { result });
      },
      (err: unknown) => {
        if (this.live.get(live.call.callId) !== live) return;
        const error =
          err instanceof ToolFailure
            ? err.toJSON()
            : { code: 'tool_failed', message: err instanceof Error ? err.message : String(err) };
        if (!(err instanceof ToolFailure))
          logger.warn('tool threw', { tool: live.call.name, error: error.message });
        void this.end(live, error.code === 'timeout' ? 'timeout' : 'error', { error });
      },
    );
  }

  /** Sends a client tool's call to the first connection implementing it, if any is left. */
  private route(live: Live): void {
    const entry = this.host.registry.get(live.call.name);
    for (const connId of entry?.implementers ?? []) {
      const sent = this.host.sendTo(connId, {
        type: 'tool.run',
        callId: live.call.callId,
        name: live.call.name,
        args: live.call.args,
        caller: live.call.caller,
        timeoutMs: entry!.tool.timeoutMs,
      });
      if (sent) {
        live.routedTo = connId;
        return;
      }
    }
  }

  private end(
    live: Live,
    status: Ended,
    outcome: { result?: unknown; error?: ToolError; by?: User },
  ): Promise<number> {
    const { callId } = live.call;
    this.live.delete(callId);
    clearTimeout(live.timer);
    live.abort.abort();
    if (live.routedTo && (status === 'cancelled' || status === 'timeout')) {
      this.host.sendTo(live.routedTo, {
        type: 'tool.abort',
        callId,
        reason: status === 'cancelled' ? 'cancelled' : 'timeout',
      });
    }
    const endedAt = Date.now();
    const durationMs = endedAt - live.call.startedAt;
    const call: ToolCall = { ...live.call, status, endedAt };
    if (outcome.result !== undefined) call.result = outcome.result;
    if (outcome.error) call.error = outcome.error;
    this.remember(call);
    this.host.ended(call.name, status, durationMs);
    const { frame, sent } = this.host.log.append(() => ({
      event: {
        type: 'tool.call.ended',
        callId,
        status,
        durationMs,
        ...(outcome.result !== undefined ? { result: outcome.result } : {}),
        ...(outcome.error ? { error: outcome.error } : {}),
        ...(outcome.by ? { by: outcome.by } : {}),
      },
      writes: { [callKey(live.seq)]: call, [OPEN_CALLS_KEY]: this.openSeqs() },
    }));
    live.resolve(call);
    return sent.then(() => frame.seq);
  }

  /** Fails a call found running in storage at start (its process is gone). */
  private finishStored(key: string, stored: ToolCall, status: Ended, error: ToolError): void {
    const call: ToolCall = { ...stored, status, error, endedAt: Date.now() };
    this.remember(call);
    this.host.log.append(() => ({
      event: {
        type: 'tool.call.ended',
        callId: call.callId,
        status,
        error,
        durationMs: call.endedAt! - call.startedAt,
      },
      // Nothing is live while the room opens: every open call is one of these.
      writes: { [key]: call, [OPEN_CALLS_KEY]: this.openSeqs() },
    }));
  }

  private openSeqs(): number[] {
    return [...this.live.values()].map((l) => l.seq);
  }

  private remember(call: ToolCall): void {
    const i = this.recent.findIndex((c) => c.callId === call.callId);
    if (i >= 0) this.recent.splice(i, 1);
    this.recent.push(call);
    if (this.recent.length > RECENT_CALLS) this.recent.shift();
  }

  private crashed(live: Live, err: unknown): void {
    this.host.logger.error('tool call crashed', { callId: live.call.callId, error: String(err) });
    if (this.live.get(live.call.callId) === live) {
      void this.end(live, 'error', { error: { code: 'internal', message: 'the call crashed' } });
    }
  }
}

function isEnded(call: ToolCall): boolean {
  return call.status !== 'running' && call.status !== 'awaiting_approval';
}

function refuse(code: ErrorCode, message: string): StartResult {
  return { ok: false, code, message };
}

/**
 * A resend of a call (same id) must ask for the same thing: the same tool with the same arguments.
 * Anything else would be answered with another call's outcome, so it is refused, nothing run.
 */
function sameCall(call: ToolCall, req: CallRequest): StartResult | null {
  if (call.name === req.name && canonicalJson(call.args) === canonicalJson(req.args)) return null;
  return refuse(
    'idempotency_mismatch',
    `call id ${req.callId} was used for another call (${call.name} with other arguments); use a fresh id for each call`,
  );
}

function cancelled(by: User): ToolError {
  return { code: 'cancelled', message: `cancelled by ${by.name || by.id}` };
}
