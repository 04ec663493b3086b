import { atom } from 'nanostores';
import type {
  ClientEvent,
  ClientMessage,
  ClientStatus,
  RealstreamClient,
  RoomSettings,
  SendAck,
  User,
} from '@realstream/client';

/**
 * A client whose stores a test sets directly: for states a real server shows only rarely or
 * slowly (viewer role, refused token, reconnect attempt 3, a stalled stream, a failed send).
 */
export class FakeClient implements RealstreamClient {
  readonly host = 'fake.test';
  readonly party = 'main';
  readonly room = 'fake-room';
  readonly $status = atom<ClientStatus>({
    state: 'live',
    attempt: 0,
    lastSeq: 0,
    resumes: 0,
    snapshots: 1,
    devMode: false,
    user: { id: 'u-me', name: 'Me', role: 'member' },
    limits: { maxFrameBytes: 65536, maxMessageChars: 100 },
  });
  readonly $messages = atom<readonly ClientMessage[]>([]);
  readonly $presence = atom<readonly User[]>([]);
  readonly $typing = atom<readonly User[]>([]);
  readonly $watchers = atom<ReadonlyMap<string, readonly User[]>>(new Map());
  readonly $settings = atom<RoomSettings | null>({ responder: 'demo', systemPrompt: null });
  readonly $events = atom<ClientEvent | null>(null);
  readonly calls: { method: string; args: unknown[] }[] = [];
  /** loadOlder() answers from this queue of pages (each prepended), then false. */
  olderPages: ClientMessage[][] = [];

  get stats() {
    return {
      connects: 1,
      resumes: 0,
      snapshots: 1,
      gaps: 0,
      deadLinks: 0,
      resent: 0,
      invalidFrames: 0,
    };
  }

  status(patch: Partial<ClientStatus>): void {
    this.$status.set({ ...this.$status.get(), ...patch });
  }

  emit(event: ClientEvent): void {
    this.$events.set(event);
  }

  send(text: string): Promise<SendAck> {
    this.calls.push({ method: 'send', args: [text] });
    return Promise.resolve({ seq: 1, messageId: 'm-1', duplicate: false });
  }
  stop(messageId: string): Promise<{ seq: number }> {
    this.calls.push({ method: 'stop', args: [messageId] });
    return Promise.resolve({ seq: 2 });
  }
  retry(messageId: string): Promise<SendAck> {
    this.calls.push({ method: 'retry', args: [messageId] });
    return Promise.resolve({ seq: 3, messageId, duplicate: false });
  }
  retryReply(messageId: string): Promise<{ seq: number }> {
    this.calls.push({ method: 'retryReply', args: [messageId] });
    return Promise.resolve({ seq: 4 });
  }
  clearRoom(): Promise<{ seq: number }> {
    this.calls.push({ method: 'clearRoom', args: [] });
    return Promise.resolve({ seq: 5 });
  }
  configure(settings: Partial<RoomSettings>): Promise<{ seq: number }> {
    this.calls.push({ method: 'configure', args: [settings] });
    return Promise.resolve({ seq: 6 });
  }
  watch(messageId: string | null): void {
    this.calls.push({ method: 'watch', args: [messageId] });
  }
  discard(messageId: string): void {
    this.calls.push({ method: 'discard', args: [messageId] });
  }
  typing(isTyping: boolean): void {
    this.calls.push({ method: 'typing', args: [isTyping] });
  }
  async loadOlder(): Promise<boolean> {
    this.calls.push({ method: 'loadOlder', args: [] });
    const page = this.olderPages.shift();
    if (page) this.$messages.set([...page, ...this.$messages.get()]);
    return this.olderPages.length > 0;
  }
  reconnect(): void {
    this.calls.push({ method: 'reconnect', args: [] });
  }
  transcript() {
    return this.$messages.get().filter((m) => !m.local);
  }
  close(): void {
    this.calls.push({ method: 'close', args: [] });
  }
}

let n = 0;
/** A message as the server would have it. */
export function message(
  text: string,
  extra: Partial<ClientMessage> & { kind?: 'user' | 'assistant'; authorId?: string } = {},
): ClientMessage {
  const { kind = 'user', authorId, ...rest } = extra;
  n++;
  return {
    id: `msg-${n}`,
    seq: n,
    author:
      kind === 'assistant'
        ? { kind, id: 'assistant', name: 'Assistant' }
        : {
            kind,
            id: authorId ?? 'u-other',
            name: authorId === 'u-me' ? 'Me' : 'Ada',
            role: 'member',
          },
    text,
    status: 'complete',
    createdAt: Date.now(),
    updatedAt: Date.now(),
    ...rest,
  };
}
