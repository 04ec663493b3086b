import type { ErrorCode, Message, RoomSettings, User } from '@realstream/protocol';
import { roleAtLeast } from '@realstream/protocol';
import type { Identity } from './auth.js';
import { takenRefusal, type Claim, type CommandLedger, type Outcome } from './command-ledger.js';
import type { Config } from './config.js';
import type { EventLog } from './event-log.js';
import type { Logger } from './log.js';
import { CLEARED_KEY, type MessageStore } from './messages.js';
import type { Operations } from './metrics/operations.js';
import type { Replies } from './replies.js';
import type { Responder } from './responders/types.js';
import type { RoomStorage } from './storage.js';
import type { ToolCalls } from './tools/calls.js';

const SETTINGS_KEY = 'settings';

export type SendResult =
  | { ok: true; message: Message; seq: number; duplicate: boolean }
  | { ok: false; code: ErrorCode; message: string };

/** The room's stored settings, or the deployment's defaults for a new room. */
export async function loadSettings(
  storage: RoomStorage,
  config: Config,
  responders: ReadonlyMap<string, Responder>,
  logger: Logger,
): Promise<RoomSettings> {
  // Rooms stored before a setting existed get its default.
  const settings: RoomSettings = {
    responder: config.responder,
    systemPrompt: null,
    reasoning: 'everyone',
    ...(await storage.get<Partial<RoomSettings>>(SETTINGS_KEY)),
  };
  if (responders.has(settings.responder)) return settings;
  // The deployment no longer offers the room's choice: fall back rather than fail every reply.
  logger.warn('room responder no longer allowed; using the default', {
    responder: settings.responder,
    default: config.responder,
  });
  return { ...settings, responder: config.responder };
}

export interface ChatParts {
  config: Config;
  logger: Logger;
  log: EventLog;
  messages: MessageStore;
  replies: Replies;
  calls: ToolCalls;
  ops: Operations;
  /** Recently applied command ids, shared with the room's other commands. */
  ledger: CommandLedger;
  /** Every responder this room may use, by name. */
  responders: ReadonlyMap<string, Responder>;
}

/**
 * The room's chat commands: posting a message (which starts a reply), stopping and retrying
 * replies, clearing the room and changing its settings. Each is logged as an event; messages and
 * settings are stored with it.
 */
export class ChatCommands {
  constructor(
    private readonly parts: ChatParts,
    private current: RoomSettings,
  ) {}

  get settings(): RoomSettings {
    return this.current;
  }

  /** Responders an operator may choose for this room. */
  get responderNames(): string[] {
    return [...this.parts.responders.keys()];
  }

  /** Posts a message by `author` (WebSocket or REST); idempotent by `id`. */
  async send(author: Identity, id: string, text: string, reply: boolean): Promise<SendResult> {
    const { config, ledger, messages, log } = this.parts;
    if (!roleAtLeast(author.role, 'member'))
      return { ok: false, code: 'forbidden', message: 'sending needs the member role' };
    if (text.length > config.maxMessageChars) {
      return {
        ok: false,
        code: 'message_too_long',
        message: `message is ${text.length} characters; the limit is ${config.maxMessageChars}`,
      };
    }
    const claim: Claim = { user: author.id, kind: 'message.send' };
    const earlier = ledger.get(id);
    if (earlier && earlier.claim.kind !== claim.kind) return { ok: false, ...takenRefusal(id) };
    const known = earlier?.seq ?? (await messages.seqOf(id));
    if (known !== undefined) {
      const seq = await known;
      const message = await messages.get(id);
      // A resend is the author's, or carries the same text: a dev-mode guest resending over REST
      // without a uid is a new guest each time. Anything else is a new message under a taken id.
      if (message && message.author.id !== author.id && message.text !== text)
        return { ok: false, ...takenRefusal(id) };
      // The author's resend with other text is not that message: answering it with the first
      // one's ack would lose it without a word.
      if (message && message.text !== text) {
        return {
          ok: false,
          code: 'idempotency_mismatch',
          message: `message id ${id} was used for another text; use a fresh id for each message`,
        };
      }
      if (message) return { ok: true, message, seq, duplicate: true };
      // The message is gone (the room was cleared): the id may be used again.
    }
    const now = Date.now();
    const message: Message = {
      id,
      seq: 0,
      author: { kind: 'user', id: author.id, name: author.name, role: author.role },
      text,
      status: 'complete',
      createdAt: now,
      updatedAt: now,
    };
    const { frame, sent } = log.append((seq) => {
      message.seq = seq;
      return {
        event: { type: 'message.created', message: { ...message } },
        writes: messages.add(message),
      };
    }, now);
    ledger.remember(
      id,
      claim,
      sent.then(() => frame.seq),
    );
    await sent;
    ledger.remember(id, claim, frame.seq);
    this.parts.ops.count('messagesIn');
    if (reply) this.reply(message);
    return { ok: true, message, seq: frame.seq, duplicate: false };
  }

  async stop(by: User, messageId: string): Promise<Outcome> {
    const completion = this.parts.replies.stop(messageId, by);
    if (completion) return { seq: completion };
    const message = await this.parts.messages.get(messageId);
    return message
      ? { code: 'conflict', message: `message ${messageId} is not streaming (${message.status})` }
      : { code: 'not_found', message: `no message ${messageId}` };
  }

  /** Answers the same question again: only the room's latest reply, once it has ended. */
  async retry(messageId: string): Promise<Outcome> {
    const { messages, replies } = this.parts;
    const reply = await messages.get(messageId);
    if (!reply) return { code: 'not_found', message: `no message ${messageId}` };
    if (reply.author.kind !== 'assistant' || !reply.replyTo) {
      return { code: 'conflict', message: 'only assistant replies can be retried' };
    }
    if (replies.isStreaming(messageId)) {
      return { code: 'conflict', message: 'the reply is still streaming: stop it first' };
    }
    const latest = [...messages.recent].reverse().find((m) => m.author.kind === 'assistant');
    if (latest?.id !== messageId) {
      return { code: 'conflict', message: 'only the latest reply can be retried' };
    }
    const question = await messages.get(reply.replyTo);
    if (!question) {
      return { code: 'not_found', message: `the message ${reply.replyTo} it answered is gone` };
    }
    return { seq: this.reply(question, messageId) };
  }

  /** Operator: stops every reply, then removes every message, for everyone. */
  async clear(by: User): Promise<Outcome> {
    const { replies, calls, log, messages, logger } = this.parts;
    await replies.stopAll(by);
    await calls.clear(by);
    const { frame, sent } = log.append((seq) => ({
      event: { type: 'room.cleared', by },
      writes: { [CLEARED_KEY]: seq, ...messages.clearedEntries(), ...calls.clearedEntries() },
    }));
    messages.clear(frame.seq);
    void sent.then(() => calls.purge(frame.seq)).catch(() => {});
    logger.info('room cleared', { by: by.id, seq: frame.seq });
    return { seq: sent.then(() => frame.seq) };
  }

  /** Operator: changes the room's settings; the whole new set is logged and stored. */
  configure(by: User, patch: Partial<RoomSettings>): Outcome {
    if (patch.responder !== undefined && !this.parts.responders.has(patch.responder)) {
      return {
        code: 'invalid_frame',
        message: `settings.responder: "${patch.responder}" is not offered here; choose one of ${this.responderNames.join(', ')}`,
      };
    }
    const settings: RoomSettings = { ...this.current, ...patch };
    this.current = settings;
    const { frame, sent } = this.parts.log.append(() => ({
      event: { type: 'room.configured', settings: { ...settings }, by },
      writes: { [SETTINGS_KEY]: settings },
    }));
    this.parts.logger.info('room configured', { by: by.id, responder: settings.responder });
    return { seq: sent.then(() => frame.seq) };
  }

  /** Starts the assistant's reply to `question`; resolves with the seq of its first event. */
  private reply(question: Message, retryOf?: string): Promise<number> {
    const { created, done } = this.parts.replies.start(question, retryOf);
    done.catch((err: unknown) => this.parts.logger.error('reply crashed', { error: String(err) }));
    return created;
  }
}
