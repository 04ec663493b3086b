/**
 * Test support: a real HTTP receiver on 127.0.0.1 that checks requests the way a production
 * receiver should (signature over the raw body, timestamp window, call ids remembered to refuse
 * replays) and then hands them to a per-path handler the test installs.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ToolProgress } from '@realstream/protocol';
import { ToolFailure, type ToolRunContext } from './types.js';
import { verifyWebhook } from './webhook.js';

export const SECRET = 'test-secret-0123456789abcdef0123456789';
const TOLERANCE_S = 300;

export interface Received {
  path: string;
  headers: Record<string, string>;
  raw: Buffer;
  body: {
    callId: string;
    tool: string;
    args: unknown;
    room: string;
    caller: unknown;
    timestamp: number;
  };
}

export type Handler = (req: Received, res: ServerResponse, raw: IncomingMessage) => unknown;

export interface Receiver {
  origin: string;
  host: string;
  received: Received[];
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const routes = new Map<string, Handler>();
  const received: Received[] = [];
  // call id -> when it may be forgotten: after its timestamp has left the window anyway.
  const seen = new Map<string, number>();

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const deny = (status: number, why: string) => res.writeHead(status).end(why);

    const verdict = await verifyWebhook({
      secret: SECRET,
      timestamp: header('x-realstream-timestamp'),
      signature: header('x-realstream-signature'),
      body: new Uint8Array(raw),
      toleranceSeconds: TOLERANCE_S,
    });
    if (!verdict.ok) return deny(401, verdict.reason);
    const body = JSON.parse(raw.toString('utf8')) as Received['body'];
    const callId = header('x-realstream-call-id') ?? '';
    if (body.callId !== callId) return deny(400, 'call id header and body differ');
    const now = Date.now();
    for (const [id, until] of seen) if (until < now) seen.delete(id);
    if (seen.has(callId)) return deny(401, 'replayed');
    seen.set(callId, (Number(header('x-realstream-timestamp')) + TOLERANCE_S) * 1000);

    const path = req.url ?? '/';
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, String(v)]),
    ) as Record<string, string>;
    const entry: Received = { path, headers, raw, body };
    received.push(entry);
    const handler = routes.get(path);
    if (!handler) return deny(404, `no route ${path}`);
    await handler(entry, res, req);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    received,
    route: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

let calls = 0;

/** A run context with a fresh call id; `progress` collects what the tool reported. */
export function context(onProgress?: (p: ToolProgress) => void) {
  const progress: ToolProgress[] = [];
  const controller = new AbortController();
  const ctx: ToolRunContext = {
    signal: controller.signal,
    progress(update) {
      progress.push(update);
      onProgress?.(update);
    },
    room: {
      name: 'lobby',
      seq: 1,
      presence: [],
      connections: 1,
      messages: 0,
      streaming: 0,
      tools: [],
    },
    callId: `call-${++calls}`,
    caller: { kind: 'user', id: 'u1', name: 'Ada' },
  };
  return { ctx, progress, controller };
}

/** Awaits `promise` to fail with ToolFailure `code` whose message contains every fragment. */
export async function failsWith(
  promise: Promise<unknown>,
  code: string,
  ...fragments: string[]
): Promise<ToolFailure> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ToolFailure, `expected ToolFailure, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const f of fragments) assert.ok(err.message.includes(f), `"${err.message}" lacks "${f}"`);
    return err;
  }
  assert.fail(`expected a ${code} failure, but the call succeeded`);
}
