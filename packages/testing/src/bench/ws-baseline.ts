/**
 * Baseline for `npm run bench`: a bare `ws` broadcast server in node (a child process of the bench,
 * so it has its own event loop like workerd). It does the room's streaming work and nothing else:
 * rooms by URL path, hello -> welcome + snapshot, then one JSON frame per token shaped like the
 * room's `message.delta` event, broadcast to every client of the room. Tokens are the demo reply's
 * and are paced exactly like DemoResponder (token i due at start + i * 1000 / rate; at rate 0 it
 * yields to I/O every 16 tokens, with setImmediate: node's setTimeout(0) would clamp to 1 ms).
 * No storage, no ring, no validation, no coalescing. Each frame is encoded once and the same Buffer
 * is sent to every socket. Started and stopped over IPC.
 */
import { createServer } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import { demoTokens, serveRpc, type StreamSpec, type WsServerRequest } from './shared.js';
import { helloAnswer } from './welcome.js';

interface Room {
  seq: number;
  clients: Set<WebSocket>;
  streams: Set<AbortController>;
}

const rooms = new Map<string, Room>();

function roomOf(name: string): Room {
  let room = rooms.get(name);
  if (!room) rooms.set(name, (room = { seq: 0, clients: new Set(), streams: new Set() }));
  return room;
}

function broadcast(room: Room, event: object, at = Date.now()): void {
  const data = Buffer.from(JSON.stringify({ type: 'event', seq: ++room.seq, at, event }));
  for (const ws of room.clients) ws.send(data, { binary: false });
}

const immediate = () => new Promise<void>((r) => setImmediate(r));

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

async function stream(
  room: Room,
  spec: StreamSpec,
  tokensPerSecond: number,
  replyTokens: number,
): Promise<void> {
  const abort = new AbortController();
  room.streams.add(abort);
  const tokens = demoTokens(spec.prompt, replyTokens);
  const id = `a-${crypto.randomUUID()}`;
  const started = Date.now();
  const message = {
    id,
    seq: room.seq + 1,
    author: { kind: 'assistant', id: 'assistant', name: 'Assistant' },
    text: '',
    status: 'streaming',
    createdAt: started,
    updatedAt: started,
    replyTo: spec.key,
  };
  broadcast(room, { type: 'message.created', message }, started);
  const gap = tokensPerSecond > 0 ? 1000 / tokensPerSecond : 0;
  let offset = 0;
  let i = 0;
  for (; i < tokens.length; i++) {
    if (abort.signal.aborted) break;
    if (gap > 0) {
      const due = started + i * gap - Date.now();
      if (due > 0) await sleep(due, abort.signal);
      // Overdue (the server fell behind): still let I/O and IPC in now and then, so a stop is heard.
      else if (i % 16 === 15) await immediate();
    } else if (i % 16 === 15) {
      await immediate();
    }
    if (abort.signal.aborted) break;
    broadcast(room, { type: 'message.delta', messageId: id, offset, text: tokens[i] });
    offset += tokens[i].length;
  }
  room.streams.delete(abort);
  const status = i < tokens.length ? 'stopped' : 'complete';
  broadcast(room, {
    type: 'message.completed',
    messageId: id,
    status,
    text: tokens.slice(0, i).join(''),
  });
}

const http = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });

wss.on('connection', (ws, req) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const name = decodeURIComponent(url.pathname.split('/')[3] ?? 'main');
  const room = roomOf(name);
  let ready = false;
  ws.on('message', (data) => {
    let frame: any;
    try {
      frame = JSON.parse(String(data));
    } catch {
      return;
    }
    if (frame?.type === 'hello' && !ready) {
      ready = true;
      for (const data of helloAnswer(name, room.seq, url.searchParams)) ws.send(data);
      room.clients.add(ws);
    }
  });
  ws.on('close', () => room.clients.delete(ws));
  ws.on('error', () => room.clients.delete(ws));
});

http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as { port: number };
  serveRpc((req: WsServerRequest) => {
    switch (req.op) {
      case 'start': {
        const room = roomOf(req.room);
        for (const spec of req.streams)
          void stream(room, spec, req.tokensPerSecond, req.replyTokens);
        return req.streams.length;
      }
      case 'gc':
        (globalThis as { gc?: () => void }).gc?.();
        return true;
      case 'stop': {
        const room = rooms.get(req.room);
        for (const a of room?.streams ?? []) a.abort();
        return true;
      }
    }
  });
  process.send!({ ready: true, port });
});
