/**
 * A bare WebSocket peer for server tests: records every frame, waits for conditions with deadlines,
 * and reports how the server closed it. No client logic, so tests see exactly what is on the wire.
 */
import WebSocket from 'ws';
import type { ClientFrame, ServerFrame } from '@realstream/protocol';
import { waitFor, type TestServer } from './harness.js';

export interface RawSocket {
  readonly ws: WebSocket;
  readonly frames: ServerFrame[];
  readonly closed: Promise<{ code: number; reason: string }>;
  send(frame: ClientFrame | Record<string, unknown> | string): void;
  /** Resolves with the first recorded frame (from `from` on) that matches. */
  next<T extends ServerFrame['type']>(
    type: T,
    match?: (f: Extract<ServerFrame, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<ServerFrame, { type: T }>>;
  /** Sends hello and resolves with the welcome. */
  hello(since?: number): Promise<Extract<ServerFrame, { type: 'welcome' }>>;
  close(): void;
}

export async function openRaw(
  server: TestServer,
  room: string,
  opts: {
    token?: string;
    name?: string;
    uid?: string;
    origin?: string;
    party?: string;
    connectionId?: string;
  } = {},
): Promise<RawSocket> {
  const params = new URLSearchParams();
  if (opts.token) params.set('token', opts.token);
  if (opts.name) params.set('name', opts.name);
  if (opts.uid) params.set('uid', opts.uid);
  // PartyKit takes the connection id from `_pk`, as the client's link sends it.
  if (opts.connectionId) params.set('_pk', opts.connectionId);
  const url = `ws://${server.host}/parties/${opts.party ?? 'main'}/${encodeURIComponent(room)}?${params}`;
  const ws = new WebSocket(url, opts.origin ? { origin: opts.origin } : {});
  const frames: ServerFrame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as ServerFrame));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('close', () => resolve());
  });
  const socket: RawSocket = {
    ws,
    frames,
    closed,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    next: (type, match, timeoutMs = 10_000) =>
      waitFor(
        `a ${type} frame`,
        () => frames.find((f) => f.type === type && (!match || match(f as never))) as never,
        { timeoutMs },
      ),
    async hello(since = 0) {
      socket.send({ type: 'hello', protocol: 1, since });
      return socket.next('welcome');
    },
    close: () => ws.close(),
  };
  return socket;
}

/** Every event a socket received, flattened out of batches, in arrival order. */
export function eventsOf(frames: ServerFrame[]) {
  return frames.flatMap((f) => (f.type === 'event' ? [f] : f.type === 'batch' ? f.events : []));
}
