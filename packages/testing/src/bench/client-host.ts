/**
 * A bench client host: a child process of `npm run bench` that holds many raw `ws` client sockets
 * (so the bench's own event loop stays free) and measures what they receive. Driven over IPC.
 *
 * Every client speaks the room protocol: hello since=0, then it applies `event` / `batch` frames.
 * Per reply it knows the exact token boundaries (the demo reply is deterministic), so a delta's
 * offset and length tell which tokens just became complete; paced latency of token i is
 * receive time - (reply start + i * gap), the reply start being the message.created `at`.
 */
import WebSocket from 'ws';
import {
  Histogram,
  START_TOKENS,
  demoTokens,
  serveRpc,
  tokenEnds,
  tokensUpTo,
  wallNow,
  type ArmOptions,
  type HostRequest,
  type HostStats,
  type Progress,
} from './shared.js';

interface ClientStream {
  /** Characters applied so far. */
  end: number;
  tokens: number;
  done: boolean;
}

interface Client {
  ws: WebSocket;
  ready: boolean;
  /** Verify every delta's text against the expected reply (done on one client per host). */
  verify: boolean;
  /** Closed by this host (not by the server). */
  dropped: boolean;
  streams: Map<string, ClientStream>;
}

interface Reply {
  /** Assistant message id. */
  id: string;
  text: string;
  ends: Int32Array;
  /** Server time the reply started (message.created `at`). */
  start: number;
}

let clients: Client[] = [];
let arm: ArmOptions | null = null;
/** user message id (replyTo) -> its stream spec. */
let expected = new Map<string, { prompt: string }>();
const replies = new Map<string, Reply>();
let latency = new Histogram();
let latencyLast = new Histogram();
let latencySteady = new Histogram();
let perMs = new Map<number, number>();
let tokens = 0;
let deltas = 0;
let frames = 0;
let done = 0;
let closed = 0;
let firstDelta: number | null = null;
let lastDelta: number | null = null;
let errors: string[] = [];
let cpu0 = process.cpuUsage();
let cpuSince = wallNow();
let frozen = false;
let freezeTimer: ReturnType<typeof setTimeout> | null = null;

/** Stops reading: late frames stay unread in the kernel, counted as undelivered. */
function freeze(): void {
  if (frozen) return;
  frozen = true;
  for (const c of clients) c.ws.pause();
}

function scheduleFreeze(at: number): void {
  if (freezeTimer) clearTimeout(freezeTimer);
  freezeTimer = setTimeout(freeze, Math.max(0, at - wallNow()));
}

function error(msg: string): void {
  if (errors.length < 20) errors.push(msg);
}

function onCreated(ev: any, at: number): void {
  const m = ev.message;
  if (m?.author?.kind !== 'assistant' || replies.has(m.id)) return;
  const spec = expected.get(m.replyTo);
  if (!spec || !arm) return;
  const toks = demoTokens(spec.prompt, arm.replyTokens);
  replies.set(m.id, { id: m.id, text: toks.join(''), ends: tokenEnds(toks), start: at });
}

function onDelta(c: Client, ev: any, recv: number): void {
  const reply = replies.get(ev.messageId);
  if (!reply) return error(`delta for unknown message ${ev.messageId}`);
  let cs = c.streams.get(reply.id);
  if (!cs) c.streams.set(reply.id, (cs = { end: 0, tokens: 0, done: false }));
  const text: string = ev.text;
  const offset: number = ev.offset;
  if (offset !== cs.end)
    return error(`delta offset ${offset}, expected ${cs.end} (gap or overlap)`);
  const end = offset + text.length;
  if (c.verify && reply.text.slice(offset, end) !== text) {
    return error(
      `delta text at ${offset} differs from the demo reply: ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
  cs.end = end;
  deltas++;
  const lo = tokensUpTo(reply.ends, offset);
  const hi = tokensUpTo(reply.ends, end);
  const n = hi - lo;
  if (n === 0) return;
  cs.tokens += n;
  tokens += n;
  if (firstDelta === null) {
    firstDelta = recv;
    if (arm?.freezeAfterFirstMs !== undefined) scheduleFreeze(recv + arm.freezeAfterFirstMs);
  }
  lastDelta = recv;
  const ms = Math.floor(recv);
  perMs.set(ms, (perMs.get(ms) ?? 0) + n);
  if (arm?.mode === 'paced') {
    const gap = arm.gapMs;
    for (let i = lo; i < hi; i++) {
      const ms = recv - (reply.start + i * gap);
      latency.add(ms);
      if (i >= START_TOKENS) latencySteady.add(ms);
    }
    latencyLast.add(recv - (reply.start + (hi - 1) * gap));
  }
}

function onEnded(c: Client, ev: any): void {
  const reply = replies.get(ev.messageId);
  if (!reply) return;
  let cs = c.streams.get(reply.id);
  if (!cs) c.streams.set(reply.id, (cs = { end: 0, tokens: 0, done: false }));
  if (!cs.done) {
    cs.done = true;
    done++;
  }
}

function onEvent(c: Client, frame: any, recv: number): void {
  const ev = frame.event;
  switch (ev.type) {
    case 'message.delta':
      return onDelta(c, ev, recv);
    case 'message.created':
      return onCreated(ev, frame.at);
    case 'message.completed':
    case 'message.failed':
      return onEnded(c, ev);
  }
}

function onFrame(c: Client, data: Buffer, recv: number): void {
  if (frozen) return;
  frames++;
  const frame = JSON.parse(data.toString());
  if (frame.type === 'event') onEvent(c, frame, recv);
  else if (frame.type === 'batch') for (const f of frame.events) onEvent(c, f, recv);
  else if (frame.type === 'snapshot') c.ready = true;
  // A stop that raced the reply's natural end answers `conflict`: expected, not an error.
  else if (frame.type === 'error' && !String(frame.id ?? '').startsWith('stop-')) {
    error(`server error frame: ${frame.code} ${frame.message}`);
  }
}

function connect(urls: string[], timeoutMs: number): Promise<{ ready: number; failed: string[] }> {
  const failed: string[] = [];
  const batch = urls.map((url, i) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    const c: Client = { ws, ready: false, verify: i === 0, dropped: false, streams: new Map() };
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocol: 1, since: 0 })));
    ws.on('message', (data: Buffer) => onFrame(c, data, wallNow()));
    ws.on('error', (err) => failed.length < 5 && failed.push(String(err.message)));
    ws.on('close', (code, reason) => {
      if (!c.ready && failed.length < 5) failed.push(`closed ${code} ${reason}`);
      if (c.ready && !c.dropped) closed++;
      c.ready = false;
    });
    return c;
  });
  clients.push(...batch);
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    const check = () => {
      const ready = batch.filter((c) => c.ready).length;
      const settled = batch.every((c) => c.ready || c.ws.readyState >= WebSocket.CLOSING);
      if (settled || Date.now() > deadline) resolve({ ready, failed });
      else setTimeout(check, 20);
    };
    check();
  });
}

function progress(): Progress {
  return {
    clients: clients.filter((c) => c.ready).length,
    done,
    tokens,
    firstDelta,
    lastDelta,
    closed,
    errors,
  };
}

function collect(): HostStats {
  // Tokens not delivered by now are censored: their latency is beyond the cell's deadline.
  if (arm?.mode === 'paced') {
    const total = arm.replyTokens;
    let missing = 0;
    let missingSteady = 0;
    for (const c of clients) {
      let seen = 0;
      for (const cs of c.streams.values()) {
        seen++;
        missing += total - cs.tokens;
        missingSteady += total - Math.max(START_TOKENS, cs.tokens);
      }
      missing += (arm.streams.length - seen) * total;
      missingSteady += (arm.streams.length - seen) * (total - START_TOKENS);
    }
    latency.censored += missing;
    latencySteady.censored += missingSteady;
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    ...progress(),
    perMs: [...perMs],
    latency: latency.toData(),
    latencyLast: latencyLast.toData(),
    latencySteady: latencySteady.toData(),
    deltas,
    frames,
    cpuMs: (cpu.user + cpu.system) / 1000,
    cpuWindowMs: Math.max(1, wallNow() - cpuSince),
  };
}

serveRpc(async (req: HostRequest) => {
  switch (req.op) {
    case 'connect':
      return connect(req.urls, req.timeoutMs);
    case 'arm':
      arm = req.arm;
      expected = new Map(req.arm.streams.map((s) => [s.key, { prompt: s.prompt }]));
      replies.clear();
      latency = new Histogram();
      latencyLast = new Histogram();
      latencySteady = new Histogram();
      perMs = new Map();
      frozen = false;
      if (freezeTimer) clearTimeout(freezeTimer);
      freezeTimer = null;
      if (req.arm.freezeAt !== undefined) scheduleFreeze(req.arm.freezeAt);
      tokens = deltas = frames = done = closed = 0;
      firstDelta = lastDelta = null;
      errors = [];
      for (const c of clients) c.streams.clear();
      cpu0 = process.cpuUsage();
      cpuSince = wallNow();
      return true;
    case 'progress':
      return progress();
    case 'stop': {
      // Stop every reply of the cell from one client (dev mode: every guest is an operator).
      const c = clients.find((x) => x.ready);
      if (!c) return 0;
      let n = 0;
      for (const r of replies.values()) {
        c.ws.send(
          JSON.stringify({
            type: 'message.stop',
            id: `stop-${r.id}`.slice(0, 64),
            messageId: r.id,
          }),
        );
        n++;
      }
      return n;
    }
    case 'collect':
      return collect();
    case 'close': {
      if (freezeTimer) clearTimeout(freezeTimer);
      freezeTimer = null;
      frozen = false;
      for (const c of clients) {
        c.dropped = true;
        c.ws.terminate();
      }
      clients = [];
      return true;
    }
  }
});
