import type { Message, Role, Usage, User } from '@realstream/protocol';
import type { Config } from './config.js';
import type { EventLog } from './event-log.js';
import type { Logger } from './log.js';
import {
  messageKey,
  PIECE_PREFIXES,
  reasoningKey,
  storedReasoning,
  STREAMS_KEY,
  storedText,
  textKey,
  type MessageStore,
} from './messages.js';
import type {
  ContextMessage,
  ReasoningItem,
  Responder,
  ResponderInput,
  ToolCall,
} from './responders/types.js';
import type { AssistantTools } from './tools/assistant.js';
import type { RoomStorage } from './storage.js';

export const ASSISTANT = { kind: 'assistant', id: 'assistant', name: 'Assistant' } as const;

/** How many earlier messages a responder sees. */
const CONTEXT_MESSAGES = 40;

/**
 * Most characters one delta carries. The coalescing window is a timer, and workerd's clock and
 * timers only move on I/O: a source that yields text without I/O between chunks (the demo
 * responder at full speed, a cached or replayed reply) would otherwise starve the timer and send
 * its whole reply as one delta at the end. Past this size a stream sends at once, so frames stay
 * small and text keeps flowing whatever the clock does.
 */
export const MAX_DELTA_CHARS = 8192;

/**
 * The longest reply the room keeps: 4 MiB of characters, its text and reasoning together. A reply
 * that reaches it ends `failed` with `too_large`, keeping its text. Stored whole on every backend
 * (see ChunkedStorage).
 */
export const MAX_REPLY_CHARS = 4 * 1024 * 1024;

/** Why a reply ended when the room's storage failed under it (see EventLog). */
export const STORAGE_FAILED = {
  code: 'storage_failed',
  message:
    'the room could not store this reply and restarted; the text shown is all that was stored',
} as const;

/** What the metrics learn from replies. */
export interface ReplyEvents {
  started(): void;
  /** `n` tokens went out in one delta (counted per delta, not per token: tokens are the hot path). */
  tokens(n: number): void;
  /** Milliseconds from the reply's start to its first text. */
  firstToken(ms: number): void;
  /** Milliseconds from start to end, however it ended; `errorCode` when it failed. */
  ended(ms: number, responder: string, errorCode?: string): void;
}

const NO_EVENTS: ReplyEvents = {
  started: () => {},
  tokens: () => {},
  firstToken: () => {},
  ended: () => {},
};

interface Stream {
  message: Message;
  /** Text generated but not yet sent as a delta (coalescing). */
  pending: string;
  /** The same for reasoning (sent before the text: it came first). */
  pendingReasoning: string;
  /** When the model's current spell of reasoning began; null while it is not reasoning. */
  reasoningSince: number | null;
  /** Milliseconds of the spells of reasoning that have ended. */
  reasoningMs: number;
  abort: AbortController;
  /** When this stream last sent a delta: it may send again at the next tick coalesceMs later (dueOf). */
  lastFlushAt: number;
  /** Storage keys of the text pieces stored with its deltas, deleted once the reply is compacted. */
  pieces: string[];
  done: boolean;
  /** Some text arrived (the first token is timed once). */
  spoke: boolean;
  /** Tokens generated since the last delta. */
  tokens: number;
  /** The name of the responder writing it (the metrics count replies per responder). */
  responder: string;
}

/**
 * Assistant replies: runs the responder, turns its text into deltas (coalesced per stream under
 * load), and completes every reply exactly once.
 *
 * Every delta stores its piece of text (under textKey) in the write the event log makes durable
 * before the delta leaves, so whatever any client has read is in storage: a kill at any instant
 * takes nothing back. Storage appends, never rewrites: a long reply costs its length once. At the
 * end the text is compacted into the message's row and the pieces are deleted.
 */
export class Replies {
  private readonly streams = new Map<string, Stream>();
  /** One timer for every stream's next delta, so deltas due together leave in one frame. */
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private flushDue = 0;

  constructor(
    private readonly room: string,
    private readonly log: EventLog,
    private readonly messages: MessageStore,
    private readonly storage: RoomStorage,
    private readonly config: Config,
    /** The room's responder and prompt now: an operator may change them between replies. */
    private readonly current: () => { responder: Responder; systemPrompt: string | null },
    private readonly logger: Logger,
    /** The room's tools, offered to the model; null runs replies without tools. */
    private readonly tools: AssistantTools | null = null,
    private readonly events: ReplyEvents = NO_EVENTS,
  ) {}

  get active(): number {
    return this.streams.size;
  }

  /** The streaming messages as clients have seen them (text up to the last sent delta). */
  streamingMessages(): Message[] {
    return [...this.streams.values()].map((s) => s.message);
  }

  isStreaming(messageId: string): boolean {
    return this.streams.has(messageId);
  }

  private liveSeqs(): number[] {
    return [...this.streams.values()].map((s) => s.message.seq);
  }

  /**
   * Starts a reply to `userMessage` (again, for a retry of reply `retryOf`). `created` resolves with
   * the seq of the new message once it is sent; `done` when the reply has ended, however it ended.
   */
  start(userMessage: Message, retryOf?: string): { created: Promise<number>; done: Promise<void> } {
    const now = Date.now();
    const message: Message = {
      id: `a-${crypto.randomUUID()}`,
      seq: 0,
      author: { ...ASSISTANT },
      text: '',
      status: 'streaming',
      createdAt: now,
      updatedAt: now,
      replyTo: userMessage.id,
      ...(retryOf ? { retryOf } : {}),
    };
    const { frame, sent } = this.log.append((seq) => {
      message.seq = seq;
      return {
        event: { type: 'message.created', message: { ...message } },
        writes: { ...this.messages.add(message), [STREAMS_KEY]: [...this.liveSeqs(), seq] },
      };
    });
    this.events.started();
    const created = sent.then(() => frame.seq);
    if (this.streams.size >= this.config.maxConcurrentReplies) {
      const done = sent.then(() =>
        this.fail(
          message,
          'busy',
          `too many replies streaming in this room (limit ${this.config.maxConcurrentReplies})`,
        ),
      );
      return { created, done };
    }
    const stream: Stream = {
      message,
      pending: '',
      pendingReasoning: '',
      reasoningSince: null,
      reasoningMs: 0,
      lastFlushAt: 0,
      abort: new AbortController(),
      pieces: [],
      done: false,
      spoke: false,
      tokens: 0,
      responder: this.current().responder.name,
    };
    this.streams.set(message.id, stream);
    // The context is taken now: a retry must not see the reply it replaces, nor later messages.
    const context = this.contextFor(userMessage);
    const asker = userMessage.author.role ?? 'member';
    return { created, done: sent.then(() => this.run(stream, context, asker)) };
  }

  private async run(stream: Stream, context: ContextMessage[], asker: Role): Promise<void> {
    let usage: Usage | undefined;
    const { responder, systemPrompt } = this.current();
    stream.responder = responder.name;
    const messages = [...context];
    const maxRounds = this.config.tools.maxAssistantRounds;
    try {
      for (let round = 1; ; round++) {
        const input: ResponderInput = { room: this.room, messages };
        const offers = this.tools?.offers(asker) ?? [];
        if (offers.length) input.tools = offers;
        if (systemPrompt !== null) input.systemPrompt = systemPrompt;
        const calls: ToolCall[] = [];
        const items: ReasoningItem[] = [];
        let said = '';
        let reason: string | undefined;
        const speak = (part: 'text' | 'reasoning', text: string) => {
          if (!text) return;
          if (part === 'text') said += text;
          stream.tokens++;
          if (!stream.spoke) {
            stream.spoke = true;
            this.events.firstToken(Date.now() - stream.message.createdAt);
          }
          this.append(stream, part, text);
        };
        for await (const chunk of responder.respond(input, stream.abort.signal)) {
          if (stream.done) break;
          if (chunk.type === 'text' || chunk.type === 'reasoning') speak(chunk.type, chunk.text);
          else if (chunk.type === 'reasoning-item') {
            items.push(chunk.item);
            if (chunk.redacted) this.markRedacted(stream);
          } else if (chunk.type === 'tool-call') calls.push(chunk);
          else if (chunk.type === 'finish') {
            usage = addUsage(usage, chunk.usage);
            reason = chunk.reason;
          } else {
            // Keep the provider's own code (timeout, rate_limited, ...) so a UI can say what went wrong.
            this.failStream(stream, chunk.code, chunk.message);
            return;
          }
        }
        if (stream.done || reason !== 'tool-calls' || !calls.length || !this.tools) break;
        if (round >= maxRounds) {
          this.append(stream, 'text', `\n\n_Stopped after ${maxRounds} rounds of tool calls._`);
          break;
        }
        await this.runTools(stream, messages, { said, calls, items }, asker);
        if (stream.done) return;
      }
    } catch (err) {
      if (!stream.done) {
        this.logger.error('responder threw', { messageId: stream.message.id, error: String(err) });
        this.failStream(
          stream,
          'responder_failed',
          `the ${responder.name} responder failed: ${(err as Error).message}`,
        );
      }
      return;
    }
    if (!stream.done) this.complete(stream, 'complete', { usage });
  }

  /**
   * Runs the calls the model asked for (as room calls everyone sees, in parallel) and adds the
   * model's turn and their results to `messages` for the next round.
   */
  private async runTools(
    stream: Stream,
    messages: ContextMessage[],
    turn: { said: string; calls: ToolCall[]; items: ReasoningItem[] },
    asker: Role,
  ): Promise<void> {
    const { said, calls, items } = turn;
    messages.push({
      role: 'assistant',
      name: ASSISTANT.name,
      text: said,
      toolCalls: calls,
      ...(items.length && { reasoningItems: items }),
    });
    const results = await Promise.all(
      calls.map((c) =>
        this.tools!.run({
          name: c.name,
          argumentsText: c.arguments,
          messageId: stream.message.id,
          role: asker,
          signal: stream.abort.signal,
        }),
      ),
    );
    calls.forEach((c, i) =>
      messages.push({ role: 'tool', callId: c.id, name: c.name, ...results[i] }),
    );
    // The answer that uses the results starts a new paragraph after the lead-in.
    if (said.trim() && !stream.done) this.append(stream, 'text', '\n\n');
  }

  private contextFor(userMessage: Message): ContextMessage[] {
    const upTo = this.messages.recent.filter(
      (m) => m.seq <= userMessage.seq && m.status !== 'failed' && m.text,
    );
    // A message older than the latest page is still what is being answered.
    if (!upTo.some((m) => m.id === userMessage.id)) upTo.push(userMessage);
    return upTo.slice(-CONTEXT_MESSAGES).map((m) => ({
      role: m.author.kind,
      name: m.author.name,
      text: m.text,
    }));
  }

  /** Adds text to the reply's answer or to its reasoning, to go out with the next delta. */
  private append(stream: Stream, part: 'text' | 'reasoning', text: string): void {
    if (!text || stream.done) return;
    if (part === 'text') this.endSpell(stream);
    else text = this.startSpell(stream, text);
    const { message: m } = stream;
    const used =
      m.text.length +
      stream.pending.length +
      (m.reasoning?.text.length ?? 0) +
      stream.pendingReasoning.length;
    const room = MAX_REPLY_CHARS - used;
    const tooLarge = text.length > room;
    if (tooLarge) {
      let cut = Math.max(0, room);
      if (cut > 0 && isLowSurrogate(text.charCodeAt(cut))) cut--;
      text = text.slice(0, cut);
    }
    if (part === 'text') stream.pending += text;
    else stream.pendingReasoning += text;
    if (tooLarge) {
      stream.abort.abort();
      this.failStream(
        stream,
        'too_large',
        `the reply reached the longest a reply may be (${MAX_REPLY_CHARS} characters)`,
      );
      return;
    }
    const waiting = stream.pending.length + stream.pendingReasoning.length;
    if (this.config.coalesceMs === 0 || waiting >= MAX_DELTA_CHARS) return this.flush(stream);
    // Nagle for tokens, per stream: a stream that was quiet for coalesceMs sends at once (next
    // task); a busy one sends at most one delta per coalesceMs, carrying everything meanwhile
    // (up to MAX_DELTA_CHARS, above).
    this.scheduleFlush(this.dueOf(stream));
  }

  /**
   * The model reasons: a new spell of reasoning begins unless one is going on. Returns the text to
   * add: a spell after some answer starts a new paragraph of the reasoning.
   */
  private startSpell(stream: Stream, text: string): string {
    if (stream.reasoningSince !== null) return text;
    const now = Date.now();
    stream.reasoningSince = now;
    const m = stream.message;
    if (!m.reasoning) {
      m.reasoning = { text: '', startedAt: now };
      return text;
    }
    // Reasoning again: no duration until this spell ends too.
    delete m.reasoning.ms;
    const before = m.reasoning.text + stream.pendingReasoning;
    return before.trim() ? `\n\n${text.replace(/^\s+/, '')}` : text;
  }

  /** The answer goes on (or the reply ends): the current spell of reasoning, if any, is over. */
  private endSpell(stream: Stream): void {
    const { message: m } = stream;
    if (stream.reasoningSince === null || !m.reasoning) return;
    stream.reasoningMs += Date.now() - stream.reasoningSince;
    stream.reasoningSince = null;
    m.reasoning.ms = stream.reasoningMs;
  }

  /** The provider withheld some reasoning (it still took time, and goes back in the next round). */
  private markRedacted(stream: Stream): void {
    const { message: m } = stream;
    m.reasoning ??= { text: '', startedAt: Date.now() };
    m.reasoning.redacted = true;
  }

  /**
   * When a stream may send its next delta: coalesceMs after its last one, rounded up to the room's
   * grid of coalesceMs ticks. Concurrent busy streams so send on the same ticks, and their deltas
   * leave in one batch frame, whatever the phase each started in (each on its own clock, two
   * streams' windows rarely met once storage writes got fast). Two milliseconds of slack let a
   * timer that fired a little late still make the next tick.
   */
  private dueOf(stream: Stream): number {
    const every = this.config.coalesceMs;
    const earliest = stream.lastFlushAt + every - Math.min(2, every / 4);
    return Math.ceil(earliest / every) * every;
  }

  private scheduleFlush(due: number): void {
    if (this.flushTimer && this.flushDue <= due) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushDue = due;
    this.flushTimer = setTimeout(() => this.flushDueStreams(), Math.max(0, due - Date.now()));
  }

  /** Sends every stream whose window is open, together in one batch frame; waits for the rest. */
  private flushDueStreams(): void {
    this.flushTimer = null;
    const now = Date.now();
    let next = Infinity;
    this.log.cork();
    for (const stream of this.streams.values()) {
      if (!stream.pending && !stream.pendingReasoning) continue;
      const due = this.dueOf(stream);
      // A millisecond of slack: timers fire a little early or late.
      if (due <= now + 1) this.flush(stream);
      else next = Math.min(next, due);
    }
    this.log.uncork();
    if (next !== Infinity) this.scheduleFlush(next);
  }

  private flush(stream: Stream): void {
    if (!stream.pending && !stream.pendingReasoning) return;
    this.events.tokens(stream.tokens);
    stream.tokens = 0;
    stream.lastFlushAt = Date.now();
    stream.message.updatedAt = stream.lastFlushAt;
    // Reasoning first: it came before the answer it leads to.
    this.sendPieces(stream, 'reasoning', stream.pendingReasoning);
    stream.pendingReasoning = '';
    this.sendPieces(stream, 'text', stream.pending);
    stream.pending = '';
  }

  /**
   * Sends text as deltas, each storing its piece with it. One chunk from a source can be larger
   * than a delta may be: it goes out in pieces, never cutting a surrogate pair.
   */
  private sendPieces(stream: Stream, part: 'text' | 'reasoning', text: string): void {
    const { message: m } = stream;
    while (text) {
      let cut = Math.min(text.length, MAX_DELTA_CHARS);
      if (cut < text.length && isLowSurrogate(text.charCodeAt(cut))) cut--;
      const piece = text.slice(0, cut);
      text = text.slice(cut);
      if (part === 'text') {
        const offset = m.text.length;
        m.text += piece;
        const key = textKey(m.seq, offset);
        stream.pieces.push(key);
        this.log.append(() => ({
          event: { type: 'message.delta', messageId: m.id, offset, text: piece },
          writes: { [key]: piece },
        }));
        continue;
      }
      const reasoning = m.reasoning!;
      const offset = reasoning.text.length;
      reasoning.text += piece;
      const key = reasoningKey(m.seq, offset);
      stream.pieces.push(key);
      const writes: Record<string, unknown> = { [key]: piece };
      // With the first piece, the row learns when the reasoning began, for a restart to find.
      // Its text is left to the text pieces, all still stored.
      if (offset === 0) {
        writes[messageKey(m.seq)] = {
          ...m,
          text: '',
          reasoning: { text: '', startedAt: reasoning.startedAt },
        };
      }
      this.log.append(() => ({
        event: { type: 'message.delta', messageId: m.id, offset, text: piece, part },
        writes,
      }));
    }
  }

  /** Stops a streaming reply, keeping its text. Returns the seq of the completion, or null if not streaming. */
  stop(messageId: string, by: User): Promise<number> | null {
    const stream = this.streams.get(messageId);
    if (!stream || stream.done) return null;
    stream.abort.abort();
    const completion = this.complete(stream, 'stopped', { stoppedBy: by.id });
    this.tools?.cancelFor(messageId, by);
    return completion;
  }

  /** Stops every streaming reply (the room is being cleared); resolves when all are completed. */
  stopAll(by: User): Promise<number[]> {
    const stops = [...this.streams.keys()].map((id) => this.stop(id, by));
    return Promise.all(stops.filter((p): p is Promise<number> => p !== null));
  }

  private endStream(stream: Stream): void {
    this.endSpell(stream);
    this.flush(stream);
    stream.done = true;
    this.streams.delete(stream.message.id);
  }

  /**
   * Deletes a finished reply's text pieces once its row, holding the whole text, is stored. Those
   * left by a failure here or a restart are swept when the room next opens (sweepPieces).
   */
  private dropPieces(pieces: string[], stored: Promise<unknown>): void {
    if (!pieces.length) return;
    stored
      .then(() => this.storage.delete(pieces))
      .catch((err: unknown) => this.logger.warn('text pieces left behind', { error: String(err) }));
  }

  private complete(
    stream: Stream,
    status: 'complete' | 'stopped',
    extra: { usage?: Usage; stoppedBy?: string },
  ): Promise<number> {
    this.endStream(stream);
    const message: Message = { ...stream.message, status, updatedAt: Date.now() };
    this.events.ended(message.updatedAt - message.createdAt, stream.responder);
    if (extra.usage) message.usage = extra.usage;
    this.messages.replace(message);
    const { frame, sent } = this.log.append(() => ({
      event: {
        type: 'message.completed',
        messageId: message.id,
        status,
        text: message.text,
        ...extra,
        ...(message.reasoning && { reasoning: { ...message.reasoning } }),
      },
      writes: { [messageKey(message.seq)]: message, [STREAMS_KEY]: this.liveSeqs() },
    }));
    this.dropPieces(stream.pieces, sent);
    return sent.then(() => frame.seq);
  }

  private failStream(stream: Stream, code: string, text: string): void {
    this.endStream(stream);
    this.dropPieces(stream.pieces, this.fail(stream.message, code, text, stream.responder));
  }

  private fail(
    base: Message,
    code: string,
    text: string,
    responder = this.current().responder.name,
  ): Promise<void> {
    const error = { code, message: text };
    const message: Message = { ...base, status: 'failed', error, updatedAt: Date.now() };
    this.events.ended(message.updatedAt - message.createdAt, responder, code);
    this.messages.replace(message);
    this.logger.warn('reply failed', { messageId: message.id, code, error: text });
    const reasoning = message.reasoning && { reasoning: { ...message.reasoning } };
    return this.log.append(() => ({
      event: {
        type: 'message.failed',
        messageId: message.id,
        text: message.text,
        error,
        ...reasoning,
      },
      writes: { [messageKey(message.seq)]: message, [STREAMS_KEY]: this.liveSeqs() },
    })).sent;
  }

  /**
   * After a restart: replies whose generation died with the old process are completed as
   * `interrupted` with every character they had stored, which is every character anyone saw, so
   * nothing is silently dropped or taken back. Those in `failed` (their storage failed under them,
   * see EventLog) end `failed` with STORAGE_FAILED instead; one whose very start failed to store
   * is created now, failed, so the message it answers does not look unanswered.
   */
  async recoverInterrupted(failed: ReadonlyMap<string, Message> = new Map()): Promise<void> {
    const seqs = (await this.storage.get<number[]>(STREAMS_KEY)) ?? [];
    const dead = new Map<string, Message>();
    for (const m of this.messages.recent) if (m.status === 'streaming') dead.set(m.id, m);
    for (const seq of seqs) {
      const m = await this.storage.get<Message>(messageKey(seq));
      if (m?.status === 'streaming' && !dead.has(m.id)) dead.set(m.id, m);
    }
    for (const m of dead.values()) {
      const text = await storedText(this.storage, m);
      // How long it reasoned died with the process; what it reasoned did not.
      const reasoning = m.reasoning && {
        reasoning: { ...m.reasoning, text: await storedReasoning(this.storage, m) },
      };
      const now = Date.now();
      const lost = failed.has(m.id);
      const message: Message = lost
        ? {
            ...m,
            ...reasoning,
            text,
            status: 'failed',
            error: { ...STORAGE_FAILED },
            updatedAt: now,
          }
        : { ...m, ...reasoning, text, status: 'interrupted', updatedAt: now };
      this.messages.replace(message);
      this.logger.warn(
        lost ? 'reply lost to a storage failure' : 'reply interrupted by a restart',
        {
          messageId: m.id,
          chars: text.length,
        },
      );
      const { sent } = this.log.append(() => ({
        event: lost
          ? {
              type: 'message.failed',
              messageId: m.id,
              text,
              error: { ...STORAGE_FAILED },
              ...reasoning,
            }
          : {
              type: 'message.completed',
              messageId: m.id,
              status: 'interrupted',
              text,
              ...reasoning,
            },
        writes: { [messageKey(m.seq)]: message, [STREAMS_KEY]: [] },
      }));
      await this.delivered(sent);
    }
    for (const m of failed.values()) {
      if (dead.has(m.id) || (await this.messages.get(m.id))) continue;
      // Not when what it answers was lost too: the asker's resend gets a reply of its own.
      if (m.replyTo && !(await this.messages.get(m.replyTo))) continue;
      await this.recordLost(m);
    }
    await this.sweepPieces();
  }

  /** A reply whose creation never reached storage, created now as failed (see recoverInterrupted). */
  private async recordLost(lost: Message): Promise<void> {
    const now = Date.now();
    const message: Message = {
      ...lost,
      seq: 0,
      text: '',
      status: 'failed',
      error: { ...STORAGE_FAILED },
      updatedAt: now,
    };
    this.logger.warn('reply lost to a storage failure before it started', { messageId: lost.id });
    const { sent } = this.log.append((seq) => {
      message.seq = seq;
      return {
        event: { type: 'message.created', message: { ...message } },
        writes: this.messages.add(message),
      };
    });
    await this.delivered(sent);
  }

  /** Waits for an event to go out; throws, rather than hangs, when storage fails under it. */
  private async delivered(sent: Promise<void>): Promise<void> {
    const failure = await Promise.race([sent.then(() => null), this.log.broken]);
    if (failure) throw failure;
  }

  /**
   * Deletes text pieces no streaming reply owns: those of replies compacted just before a restart,
   * or whose deletion failed. Runs when the room opens, when nothing streams yet, a page at a time.
   */
  private async sweepPieces(): Promise<void> {
    for (const prefix of PIECE_PREFIXES) {
      for (;;) {
        const rows = await this.storage.list<string>({ prefix, limit: 128 });
        if (!rows.size) break;
        await this.storage.delete([...rows.keys()]);
        if (rows.size < 128) break;
      }
    }
  }

  /** Aborts every stream (the room is shutting down). */
  abortAll(): void {
    for (const s of this.streams.values()) s.abort.abort();
  }
}

function addUsage(total: Usage | undefined, more: Usage | undefined): Usage | undefined {
  if (!more) return total;
  if (!total) return { ...more };
  return {
    inputTokens: total.inputTokens + more.inputTokens,
    outputTokens: total.outputTokens + more.outputTokens,
  };
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
