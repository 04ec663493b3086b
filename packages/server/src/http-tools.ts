import {
  ToolInvokeBodySchema,
  ToolPatchBodySchema,
  describeIssues,
  roleAtLeast,
  type EventFrame,
  type ToolCall,
} from '@realstream/protocol';
import type { Identity } from './auth.js';
import { errorResponse, idempotencyKey, json, readJson } from './http.js';
import type { Room, Subscriber } from './room.js';

const NAME_RE = /^\/([a-z][a-z0-9_.-]{0,63})(\/invoke)?$/;

/**
 * The room's tools over HTTP, for servers and scripts: list, switch (operators), invoke with a JSON
 * answer or, with `Accept: text/event-stream`, the call's events as they happen. `rest` is the path
 * after /tools.
 */
export async function handleToolsRequest(
  room: Room,
  req: Request,
  identity: Identity,
  rest: string,
): Promise<Response> {
  const method = req.method.toUpperCase();
  if (rest === '' || rest === '/') {
    if (method !== 'GET')
      return errorResponse('method_not_allowed', `${method} is not supported here; use GET`);
    return json({ tools: room.tools.list(), calls: room.calls.list() });
  }
  const match = NAME_RE.exec(rest);
  if (!match) return errorResponse('not_found', `no route /tools${rest}`);
  const [, name, invoke] = match;
  if (!room.tools.get(name)) return errorResponse('not_found', `no tool ${name} in this room`);
  if (invoke) {
    if (method !== 'POST')
      return errorResponse('method_not_allowed', `${method} is not supported here; use POST`);
    return invokeTool(room, req, identity, name);
  }
  if (method === 'GET') return json({ tool: room.tools.list().find((t) => t.name === name) });
  if (method !== 'PATCH')
    return errorResponse('method_not_allowed', `${method} is not supported here; use GET or PATCH`);
  if (!roleAtLeast(identity.role, 'operator'))
    return errorResponse('forbidden', 'switching tools needs the operator role');
  const read = await readJson(room, req);
  if (read instanceof Response) return read;
  const parsed = ToolPatchBodySchema.safeParse(read.body);
  if (!parsed.success) return errorResponse('invalid_frame', describeIssues(parsed.error));
  const outcome = room.toggle(identity, name, parsed.data.enabled);
  if ('code' in outcome) return errorResponse(outcome.code, outcome.message);
  const seq = await outcome.seq;
  return json({ tool: room.tools.list().find((t) => t.name === name), seq });
}

async function invokeTool(
  room: Room,
  req: Request,
  identity: Identity,
  name: string,
): Promise<Response> {
  const callId = idempotencyKey(req);
  if (callId instanceof Response) return callId;
  const read = await readJson(room, req);
  if (read instanceof Response) return read;
  const parsed = ToolInvokeBodySchema.safeParse(read.body);
  if (!parsed.success) return errorResponse('invalid_frame', describeIssues(parsed.error));
  // Subscribe before starting, so not even the first progress event can be missed.
  const stream = (req.headers.get('accept') ?? '').includes('text/event-stream')
    ? callStream(room, callId)
    : null;
  const outcome = await room.invoke(identity, callId, name, parsed.data.args);
  if ('code' in outcome) {
    stream?.close();
    return errorResponse(outcome.code, outcome.message);
  }
  await outcome.seq;
  if (stream) return stream.response(await room.calls.get(callId));
  const call = await room.calls.outcome(callId);
  return json({ call });
}

/** The events of one call as SSE, ending after its `tool.call.ended`. */
function callStream(room: Room, callId: string) {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let done = false;
  /** Saw this call start: it is a fresh call, and its end will come as an event too. */
  let sawStart = false;
  const close = () => {
    room.subscribers.delete(subscriber);
    if (done) return;
    done = true;
    try {
      controller.close();
    } catch {
      // already closed by the reader
    }
  };
  const send = (event: string, data: unknown, id?: number) => {
    if (done) return;
    try {
      controller.enqueue(
        encoder.encode(
          `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
        ),
      );
    } catch {
      close();
    }
  };
  const subscriber: Subscriber = {
    deliver(frames: EventFrame[]) {
      for (const f of frames) {
        const e = f.event;
        if (!('callId' in e) && e.type !== 'tool.call.started') continue;
        const id =
          e.type === 'tool.call.started' ? e.call.callId : (e as { callId: string }).callId;
        if (id !== callId) continue;
        if (e.type === 'tool.call.started') sawStart = true;
        send(e.type, e, f.seq);
        if (e.type === 'tool.call.ended') close();
      }
    },
    end(code, message) {
      send('error', { code, message });
      close();
    },
  };
  room.subscribers.add(subscriber);
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel: close,
  });
  return {
    close,
    /**
     * The response. For a duplicate (a call id already used), `call` is the call as it stands: one
     * that ended long ago is answered with its end at once.
     */
    response(call: ToolCall | undefined): Response {
      if (!sawStart && call && call.status !== 'running' && call.status !== 'awaiting_approval') {
        send('tool.call.ended', {
          type: 'tool.call.ended',
          callId,
          status: call.status,
          ...(call.result !== undefined ? { result: call.result } : {}),
          ...(call.error ? { error: call.error } : {}),
          durationMs: (call.endedAt ?? call.startedAt) - call.startedAt,
        });
        close();
      }
      return new Response(body, {
        headers: {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          'x-accel-buffering': 'no',
        },
      });
    },
  };
}
