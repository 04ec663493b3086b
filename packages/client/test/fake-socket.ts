/**
 * An in-process stand-in for the server end of a WebSocket, for client tests that need exact
 * control of every frame (gaps, bad frames, lost acks, close codes) without a server.
 */
import { waitFor } from '@realstream/testing/harness';
import type { ClientFrame, EventFrame, Message, ServerFrame } from '@realstream/protocol';

export class FakeSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readyState = FakeSocket.CONNECTING;
  binaryType = 'blob';
  readonly sent: ClientFrame[] = [];
  /** The same, as the bytes that went on the wire. */
  readonly raw: string[] = [];
  closedBy: { code: number; reason: string } | null = null;

  constructor(readonly url: string) {
    super();
  }

  get params(): URLSearchParams {
    return new URL(this.url).searchParams;
  }

  /** What the client sent, by type. */
  frames<T extends ClientFrame['type']>(type: T): Extract<ClientFrame, { type: T }>[] {
    return this.sent.filter((f) => f.type === type) as Extract<ClientFrame, { type: T }>[];
  }

  send(data: string): void {
    if (this.readyState !== FakeSocket.OPEN) throw new Error('send on a socket that is not open');
    this.raw.push(data);
    this.sent.push(JSON.parse(data) as ClientFrame);
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState >= FakeSocket.CLOSING) return;
    this.closedBy = { code, reason };
    this.readyState = FakeSocket.CLOSED;
  }

  // ---- the server's side ----------------------------------------------------------------

  accept(): void {
    this.readyState = FakeSocket.OPEN;
    this.dispatchEvent(new Event('open'));
  }

  deliver(frame: ServerFrame | string): void {
    const data = typeof frame === 'string' ? frame : JSON.stringify(frame);
    this.dispatchEvent(new MessageEvent('message', { data }));
  }

  /** Closes from the server's end, with a code the client must interpret. */
  drop(code = 1006, reason = ''): void {
    this.readyState = FakeSocket.CLOSED;
    this.dispatchEvent(
      Object.assign(new Event('close'), { code, reason, wasClean: code !== 1006 }),
    );
  }
}

export interface FakeServer {
  /** Pass as the client's `WebSocket` option. */
  WebSocket: new (url: string) => FakeSocket;
  readonly sockets: FakeSocket[];
  /** Waits for the client's nth socket (0-based) to be created. */
  socket(n: number): Promise<FakeSocket>;
}

export function fakeServer(): FakeServer {
  const sockets: FakeSocket[] = [];
  class Socket extends FakeSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  return {
    WebSocket: Socket,
    sockets,
    socket: (n) => waitFor(`socket #${n}`, () => sockets[n], { timeoutMs: 5000, intervalMs: 5 }),
  };
}

/** Frames a test server would send. */
export const frames = {
  welcome(seq: number, resume: 'none' | 'replay' | 'snapshot' = 'snapshot'): ServerFrame {
    return {
      type: 'welcome',
      protocol: 1,
      room: 'r',
      connectionId: 'c1',
      user: { id: 'u1', name: 'Ada', role: 'member' },
      seq,
      resume,
      devMode: true,
      limits: { maxFrameBytes: 65536, maxMessageChars: 8000 },
    };
  },
  snapshot(seq: number, messages: Message[] = [], hasMore = false): ServerFrame {
    const before = messages[0]?.seq ?? null;
    return {
      type: 'snapshot',
      seq,
      messages,
      hasMore,
      before,
      presence: [],
      settings: { responder: 'demo', systemPrompt: null, reasoning: 'everyone' },
      tools: [],
      calls: [],
      mcpServers: [],
    };
  },
  message(id: string, seq: number, text = '', status: Message['status'] = 'complete'): Message {
    const author =
      status === 'streaming'
        ? { kind: 'assistant' as const, id: 'assistant', name: 'Assistant' }
        : { kind: 'user' as const, id: 'u1', name: 'Ada', role: 'member' as const };
    return { id, seq, author, text, status, createdAt: 1, updatedAt: 1 };
  },
  created(seq: number, message: Message): EventFrame {
    return { type: 'event', seq, at: 2, event: { type: 'message.created', message } };
  },
  delta(seq: number, messageId: string, offset: number, text: string): EventFrame {
    return { type: 'event', seq, at: 2, event: { type: 'message.delta', messageId, offset, text } };
  },
  completed(seq: number, messageId: string, text: string): EventFrame {
    return {
      type: 'event',
      seq,
      at: 3,
      event: { type: 'message.completed', messageId, status: 'complete', text },
    };
  },
};
