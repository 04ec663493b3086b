import type {
  Author,
  ClientFrame,
  Command,
  ErrorFrame,
  McpApproval,
  McpServerSpec,
  RoomSettings,
} from '@realstream/protocol';
import { RealstreamError } from './errors.js';
import { makeId } from './ids.js';
import { Outbox, type Ack } from './outbox.js';
import type { RoomState } from './room-state.js';
import type { ClientEvent, ClientMessage, InvokeAck, SendAck } from './types.js';

/** Command errors that say "not now" rather than "no": the command stays in the outbox. */
const TRANSIENT = new Set(['rate_limited', 'hello_required', 'unauthorised']);

type SendCommand = Extract<Command, { type: 'message.send' }>;

/** What Commands needs from the client that owns it. */
export interface CommandsHost {
  readonly state: RoomState;
  /** Caught up with the room: commands may go on the wire. */
  live(): boolean;
  wire(frame: ClientFrame): boolean;
  emit(event: ClientEvent): void;
  /** Local messages changed: publish. */
  changed(): void;
  /** Who local messages are from, as best known. */
  author(): Author;
  /** The server's message length limit, once the welcome said it. */
  maxChars(): number | undefined;
  /** Set while the link is down for good: commands fail at once with it. */
  refusal(): RealstreamError | null;
  /** Why a frame is too large for the room, or null (see frameProblem). */
  tooLarge(frame: ClientFrame): string | null;
}

/** A promise the caller may ignore: its outcome is shown in the stores anyway. */
export function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/**
 * The outbound half of the client: commands with client-made ids, kept in the outbox until the
 * server answers, resent after every reconnect, and shown optimistically in the timeline.
 */
export class Commands {
  /** Commands sent again after a reconnect (or a rate-limit wait). */
  resent = 0;
  private readonly outbox = new Outbox();
  /** Sends the server refused, kept so retry() can send them again with the same id. */
  private readonly refused = new Map<string, SendCommand>();

  constructor(private readonly host: CommandsHost) {}

  send(text: string, opts: { reply?: boolean }): Promise<SendAck> {
    const limit = this.host.maxChars();
    if (!text) return rejected('invalid_frame', 'text: a message cannot be empty');
    if (limit !== undefined && text.length > limit) {
      return rejected(
        'message_too_long',
        `message is ${text.length} characters; the limit is ${limit}`,
      );
    }
    const id = makeId('m');
    const now = Date.now();
    const local: ClientMessage = {
      id,
      seq: 0,
      author: this.host.author(),
      text,
      status: 'complete',
      createdAt: now,
      updatedAt: now,
      local: 'sending',
    };
    this.host.state.addLocal(local);
    this.host.changed();
    return this.dispatchSend({ type: 'message.send', id, text, reply: opts.reply });
  }

  stop(messageId: string): Promise<{ seq: number }> {
    return this.seqOf(this.dispatch({ type: 'message.stop', id: makeId('s'), messageId }));
  }

  /** Asks for a new answer in place of the room's latest reply. */
  retryReply(messageId: string): Promise<{ seq: number }> {
    return this.seqOf(this.dispatch({ type: 'message.retry', id: makeId('r'), messageId }));
  }

  clearRoom(): Promise<{ seq: number }> {
    return this.seqOf(this.dispatch({ type: 'room.clear', id: makeId('c') }));
  }

  configure(settings: Partial<RoomSettings>): Promise<{ seq: number }> {
    return this.seqOf(this.dispatch({ type: 'room.configure', id: makeId('k'), settings }));
  }

  invokeTool(name: string, args: unknown): Promise<InvokeAck> {
    const callId = makeId('call');
    const acked = this.dispatch({ type: 'tool.invoke', id: callId, name, args });
    return quiet(acked.then(({ seq, duplicate }) => ({ callId, seq, duplicate })));
  }

  cancelTool(callId: string): Promise<{ seq: number }> {
    return this.seqOf(this.dispatch({ type: 'tool.cancel', id: makeId('x'), callId }));
  }

  toggleTool(name: string, enabled: boolean): Promise<{ seq: number }> {
    return this.seqOf(this.dispatch({ type: 'tool.toggle', id: makeId('t'), name, enabled }));
  }

  decideTool(callId: string, approve: boolean): Promise<{ seq: number }> {
    return this.seqOf(this.dispatch({ type: 'tool.decide', id: makeId('d'), callId, approve }));
  }

  addMcpServer(server: McpServerSpec): Promise<{ seq: number }> {
    return this.seqOf(this.dispatch({ type: 'mcp.add', id: makeId('m'), server }));
  }

  removeMcpServer(name: string): Promise<{ seq: number }> {
    return this.seqOf(this.dispatch({ type: 'mcp.remove', id: makeId('m'), name }));
  }

  reconnectMcpServer(name: string): Promise<{ seq: number }> {
    return this.seqOf(this.dispatch({ type: 'mcp.reconnect', id: makeId('m'), name }));
  }

  approveMcpTools(tools: McpApproval[]): Promise<{ seq: number }> {
    return this.seqOf(this.dispatch({ type: 'mcp.approve', id: makeId('m'), tools }));
  }

  private seqOf(acked: Promise<Ack>): Promise<{ seq: number }> {
    return quiet(acked.then(({ seq }) => ({ seq })));
  }

  retry(messageId: string): Promise<SendAck> {
    const command = this.refused.get(messageId);
    if (!command) return rejected('not_found', `no failed message ${messageId}`);
    this.refused.delete(messageId);
    this.host.state.updateLocal(messageId, { local: 'sending', error: undefined });
    this.host.changed();
    return this.dispatchSend(command);
  }

  discard(messageId: string): void {
    if (!this.refused.delete(messageId)) return;
    this.host.state.removeLocal(messageId);
    this.host.changed();
  }

  /** After every catch-up: everything unanswered goes out again, in the order it was made. */
  resendAll(): void {
    for (const command of this.outbox.pending()) this.transmit(command);
  }

  ack(id: string, seq: number, duplicate: boolean): void {
    this.outbox.ack(id, seq, duplicate);
    // The created event normally replaced the local copy already. If it is behind us and we still
    // hold a local copy, the message is outside what we show: do not leave it "sending" forever.
    const { state } = this.host;
    if (seq <= state.lastSeq && state.getLocal(id)) {
      state.removeLocal(id);
      this.host.changed();
    }
  }

  /** Handles an error frame; false when it answers no pending command of ours. */
  error(frame: ErrorFrame): boolean {
    const id = frame.id;
    if (id === undefined || !this.outbox.has(id)) return false;
    if (TRANSIENT.has(frame.code)) {
      // rate_limited: wait as told. The others are resent when the next connection is live.
      if (frame.code === 'rate_limited') {
        setTimeout(() => {
          const command = this.outbox.pending().find((c) => c.id === id);
          if (command) this.transmit(command);
        }, frame.retryAfterMs ?? 1000);
      }
      return true;
    }
    const error = new RealstreamError(frame.code, frame.message, {
      retryAfterMs: frame.retryAfterMs,
    });
    const command = this.outbox.fail(id, error);
    if (command) this.refusedLocally(command, error);
    return true;
  }

  /** Fails every pending command: the link is down for good, or the client is closed. */
  failAll(error: RealstreamError): void {
    for (const command of this.outbox.failAll(error)) this.refusedLocally(command, error);
  }

  private dispatch(command: Command): Promise<Ack> {
    const acked = this.outbox.add(command);
    const tooLarge = this.host.tooLarge(command);
    const refusal = tooLarge ? new RealstreamError('too_large', tooLarge) : this.host.refusal();
    if (refusal) {
      this.outbox.fail(command.id, refusal);
      this.refusedLocally(command, refusal);
    } else this.transmit(command);
    return acked;
  }

  private dispatchSend(command: SendCommand): Promise<SendAck> {
    const acked = this.dispatch(command);
    return quiet(acked.then(({ seq, duplicate }) => ({ seq, messageId: command.id, duplicate })));
  }

  /** Puts a pending command on the wire when live; otherwise it waits for the next catch-up. */
  private transmit(command: Command): void {
    if (!this.host.live() || !this.host.wire(command)) return;
    if (this.outbox.markSent(command.id) > 1) this.resent++;
  }

  private refusedLocally(command: Command, error: RealstreamError): void {
    const { state } = this.host;
    if (command.type === 'message.send' && state.getLocal(command.id)) {
      this.refused.set(command.id, command);
      state.updateLocal(command.id, { local: 'failed', error: error.toJSON() });
      this.host.changed();
    }
    this.host.emit({ type: 'command-failed', id: command.id, error });
  }
}

function rejected(code: RealstreamError['code'], message: string): Promise<never> {
  return quiet(Promise.reject(new RealstreamError(code, message)));
}
