/**
 * A client wired to the fake server, for tests of the client's protocol behaviour: exact frames in,
 * exact frames out, so every gap, lost ack and close code is deterministic.
 */
import { afterEach } from 'node:test';
import { waitFor } from '@realstream/testing/harness';
import type { Message } from '@realstream/protocol';
import {
  connect,
  type ClientEvent,
  type ConnectOptions,
  type RealstreamClient,
} from '../src/index.js';
import { frames, type FakeServer, type FakeSocket } from './fake-socket.js';

const open: RealstreamClient[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

let rooms = 0;

/** A client of its own room (clients are shared per room and identity), closed after each test. */
export function fakeClient(
  server: FakeServer,
  extra: Partial<ConnectOptions> = {},
): RealstreamClient {
  const c = connect({
    host: 'localhost:1999',
    room: `unit-${++rooms}`,
    name: 'Ada',
    WebSocket: server.WebSocket,
    reconnectDelayMs: { min: 10, max: 50 },
    ...extra,
  });
  open.push(c);
  return c;
}

/** Accepts socket n and brings the client live with a snapshot at `seq`. */
export async function live(
  server: FakeServer,
  n: number,
  c: RealstreamClient,
  seq = 0,
  messages: Message[] = [],
): Promise<FakeSocket> {
  const socket = await server.socket(n);
  socket.accept();
  socket.deliver(frames.welcome(seq, 'snapshot'));
  socket.deliver(frames.snapshot(seq, messages));
  await waitFor('live', () => c.$status.get().state === 'live');
  return socket;
}

/** Every client event from now on. */
export function events(c: RealstreamClient): ClientEvent[] {
  const seen: ClientEvent[] = [];
  c.$events.listen((e) => e && seen.push(e));
  return seen;
}
