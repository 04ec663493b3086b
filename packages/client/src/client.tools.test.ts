/**
 * Client tools with the real client against a real `partykit dev`: one node client implements a
 * tool, another invokes it. Round trip with progress, refusals, the implementer or the caller
 * losing its link mid-call, and the ways a handler can fail.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { ToolCall, ToolSpec } from '@realstream/protocol';
import { startServer, waitFor, type TestServer } from '@realstream/testing/harness';
import {
  FakeUpstream,
  openAiChunk,
  openAiStream,
} from '../../server/src/responders/fake-upstream.js';
import { flakyLink } from '../test/flaky-ws.js';
import {
  connect,
  RealstreamError,
  type ConnectOptions,
  type RealstreamClient,
  type ToolContext,
} from './index.js';

const LONG = { timeoutMs: 20_000 };

const SPEC: ToolSpec = {
  name: 'geo.lookup',
  title: 'Look up a city',
  description: 'Finds a city by name and reports its country.',
  inputSchema: {
    type: 'object',
    properties: { city: { type: 'string', minLength: 1 } },
    required: ['city'],
    additionalProperties: false,
  },
  outputSchema: {
    type: 'object',
    properties: { city: { type: 'string' }, country: { type: 'string' } },
    required: ['city', 'country'],
  },
  timeoutMs: 10_000,
};

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}
function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Records every call of a handler; `gate` holds each call until the test opens it. */
function implementer(
  answer: (args: { city: string }, ctx: ToolContext) => unknown | Promise<unknown>,
) {
  const runs: { args: unknown; ctx: ToolContext }[] = [];
  const handler = async (args: unknown, ctx: ToolContext) => {
    runs.push({ args, ctx });
    return answer(args as { city: string }, ctx);
  };
  return { runs, handler };
}

describe('client tools against a server', () => {
  let server: TestServer;
  const clients: RealstreamClient[] = [];
  const open = (room: string, name: string, extra: Partial<ConnectOptions> = {}) => {
    const c = connect({
      host: server.host,
      room,
      name,
      WebSocket,
      reconnectDelayMs: { min: 50, max: 500 },
      ...extra,
    });
    clients.push(c);
    return c;
  };
  const live = (...cs: RealstreamClient[]) =>
    waitFor('clients live', () => cs.every((c) => c.$status.get().state === 'live'), LONG);
  const callOf = (c: RealstreamClient, callId: string) =>
    c.$calls.get().find((x) => x.callId === callId);
  const toolOf = (c: RealstreamClient, name: string) => c.$tools.get().find((t) => t.name === name);
  const availableTo = (name: string, ...cs: RealstreamClient[]) =>
    waitFor(`${name} available`, () => cs.every((c) => toolOf(c, name)?.available), LONG);
  /** waitForCall, with a deadline: a call that never ends fails the test instead of hanging it. */
  const ended = (c: RealstreamClient, callId: string, timeoutMs = 15_000) =>
    Promise.race([
      c.waitForCall(callId),
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`call ${callId} did not end within ${timeoutMs} ms`)),
          timeoutMs,
        ).unref(),
      ),
    ]);
  const refusal = async (p: Promise<unknown>): Promise<RealstreamError> => {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof RealstreamError, String(err));
      return err;
    }
    assert.fail('expected the command to be refused');
  };

  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  it('runs a tool in another client: progress and result for both, bad args refused first', async () => {
    const impl = open('round-trip', 'Ivy');
    const caller = open('round-trip', 'Cal');
    await live(impl, caller);
    const { runs, handler } = implementer(async ({ city }, ctx) => {
      ctx.progress({ text: 'searching… ', percent: 30 });
      await new Promise((r) => setImmediate(r));
      ctx.progress({ text: 'found', percent: 90 });
      return { city, country: 'Switzerland' };
    });
    impl.registerTool(SPEC, handler);
    await availableTo('geo.lookup', impl, caller);
    const listed = toolOf(caller, 'geo.lookup')!;
    assert.deepEqual(
      [listed.kind, listed.enabled, listed.available, listed.timeoutMs, listed.title],
      ['client', true, true, 10_000, 'Look up a city'],
    );

    const ack = await caller.invokeTool('geo.lookup', { city: 'Zürich' });
    assert.equal(ack.duplicate, false);
    const call = await ended(caller, ack.callId);
    assert.equal(call.status, 'done');
    assert.deepEqual(call.result, { city: 'Zürich', country: 'Switzerland' });
    assert.equal(call.progressText, 'searching… found');
    assert.equal(call.percent, 90);
    assert.equal(call.caller.kind, 'user');
    assert.equal(call.caller.name, 'Cal');

    // The implementer sees the same call, ended the same way.
    const seen = await waitFor('the implementer sees the end', () => {
      const c = callOf(impl, ack.callId);
      return c?.status === 'done' ? c : null;
    });
    assert.deepEqual(seen.result, call.result);
    assert.equal(seen.progressText, call.progressText);
    assert.equal(runs.length, 1);
    assert.equal(runs[0].ctx.callId, ack.callId);
    assert.deepEqual(runs[0].args, { city: 'Zürich' });

    // Arguments that break the schema never reach the implementer.
    for (const args of [{}, { city: '' }, { city: 'Bern', extra: 1 }, 'Bern']) {
      const err = await refusal(caller.invokeTool('geo.lookup', args));
      assert.equal(err.code, 'invalid_arguments', `${JSON.stringify(args)}: ${err.message}`);
    }
    // A call after the refusals proves they were answered before it, without reaching `runs`.
    const again = await caller.invokeTool('geo.lookup', { city: 'Bern' });
    assert.equal((await ended(caller, again.callId)).status, 'done');
    assert.equal(runs.length, 2, 'only the two valid calls ran');
    assert.equal(caller.$calls.get().filter((c) => c.name === 'geo.lookup').length, 2);
  });

  it('takes a tool away when its implementer unregisters it', async () => {
    const impl = open('unregister', 'Ivy');
    const caller = open('unregister', 'Cal');
    await live(impl, caller);
    const { runs, handler } = implementer(({ city }) => ({ city, country: 'Norway' }));
    const off = impl.registerTool(SPEC, handler);
    await availableTo('geo.lookup', caller);
    off();
    await waitFor('unavailable', () => toolOf(caller, 'geo.lookup')?.available === false);
    const err = await refusal(caller.invokeTool('geo.lookup', { city: 'Oslo' }));
    assert.equal(err.code, 'tool_unavailable');
    assert.equal(runs.length, 0);
    // Registering again brings it back, on the same connection.
    impl.registerTool(SPEC, handler);
    await availableTo('geo.lookup', caller);
    const ack = await caller.invokeTool('geo.lookup', { city: 'Oslo' });
    assert.equal((await ended(caller, ack.callId)).status, 'done');
  });

  it('fails a call whose implementer left with timeout, and refuses new ones', async () => {
    const impl = open('gone', 'Ivy');
    const caller = open('gone', 'Cal');
    await live(impl, caller);
    const started = deferred();
    const { handler } = implementer(() => {
      started.resolve();
      return new Promise(() => {}); // never answers: its client goes away first
    });
    impl.registerTool({ ...SPEC, timeoutMs: 1500 }, handler);
    await availableTo('geo.lookup', caller);

    const ack = await caller.invokeTool('geo.lookup', { city: 'Oslo' });
    await started.promise;
    impl.close();
    await waitFor(
      'caller sees the tool unavailable',
      () => !toolOf(caller, 'geo.lookup')?.available,
    );
    const err = await refusal(caller.invokeTool('geo.lookup', { city: 'Rome' }));
    assert.equal(err.code, 'tool_unavailable');

    const call = await ended(caller, ack.callId);
    assert.equal(call.status, 'timeout', JSON.stringify(call.error));
    assert.equal(call.error?.code, 'timeout');
    assert.match(call.error!.message, /geo\.lookup/);
    assert.ok(call.endedAt! - call.startedAt >= 1000, 'ended by the timeout, not at once');
    assert.equal(caller.$calls.get().length, 1, 'the refused call started nothing');
  });

  it('re-routes a call orphaned by its implementer to the next one that registers', async () => {
    const first = open('adopt', 'Ivy');
    const caller = open('adopt', 'Cal');
    await live(first, caller);
    const started = deferred();
    first.registerTool(SPEC, () => {
      started.resolve();
      return new Promise(() => {});
    });
    await availableTo('geo.lookup', caller);
    const ack = await caller.invokeTool('geo.lookup', { city: 'Lima' });
    await started.promise;
    first.close();
    await waitFor('unavailable', () => !toolOf(caller, 'geo.lookup')?.available);
    assert.equal(
      callOf(caller, ack.callId)?.status,
      'running',
      'the call waits for an implementer',
    );

    const second = open('adopt', 'Ned');
    await live(second);
    const { runs, handler } = implementer(({ city }, ctx) => {
      ctx.progress({ text: 'picked up' });
      return { city, country: 'Peru' };
    });
    second.registerTool(SPEC, handler);
    const call = await ended(caller, ack.callId);
    assert.equal(call.status, 'done');
    assert.deepEqual(call.result, { city: 'Lima', country: 'Peru' });
    assert.equal(call.progressText, 'picked up');
    assert.equal(runs.length, 1);
    assert.equal(runs[0].ctx.callId, ack.callId);
    assert.equal(toolOf(caller, 'geo.lookup')?.available, true);
  });

  it('hands a call at once to the other implementer when the one running it leaves', async () => {
    const first = open('two-impls', 'Ivy');
    const second = open('two-impls', 'Ned');
    const caller = open('two-impls', 'Cal');
    await live(first, second, caller);
    const started = deferred();
    const a = implementer(() => {
      started.resolve();
      return new Promise(() => {});
    });
    const b = implementer(({ city }) => ({ city, country: 'Ghana' }));
    first.registerTool(SPEC, a.handler);
    await availableTo('geo.lookup', caller);
    second.registerTool(SPEC, b.handler);
    // The second registration has been applied once its own view lists the tool.
    await availableTo('geo.lookup', second);
    const ack = await caller.invokeTool('geo.lookup', { city: 'Accra' });
    await started.promise;
    assert.equal(b.runs.length, 0, 'the first implementer got the call');
    first.close();
    const call = await ended(caller, ack.callId);
    assert.equal(call.status, 'done');
    assert.deepEqual(call.result, { city: 'Accra', country: 'Ghana' });
    assert.equal(b.runs.length, 1);
    assert.equal(toolOf(caller, 'geo.lookup')?.available, true, 'still implemented by Ned');
  });

  it('runs the call again in an implementer that lost its link and came back', async () => {
    const link = flakyLink();
    const impl = open('impl-drop', 'Ivy', { WebSocket: link.WebSocket });
    const caller = open('impl-drop', 'Cal');
    await live(impl, caller);
    const firstRun = deferred<AbortSignal>();
    const { runs, handler } = implementer(({ city }, ctx) => {
      if (runs.length === 1) {
        firstRun.resolve(ctx.signal);
        return new Promise(() => {}); // its link dies before it answers
      }
      ctx.progress({ text: 'second try' });
      return { city, country: 'Kenya' };
    });
    impl.registerTool(SPEC, handler);
    await availableTo('geo.lookup', caller);
    const ack = await caller.invokeTool('geo.lookup', { city: 'Nairobi' });
    const signal = await firstRun.promise;
    link.current.terminate();
    await waitFor('the dead run is aborted', () => signal.aborted);

    const call = await ended(caller, ack.callId);
    assert.equal(call.status, 'done');
    assert.deepEqual(call.result, { city: 'Nairobi', country: 'Kenya' });
    assert.equal(call.progressText, 'second try');
    assert.equal(runs.length, 2);
    assert.deepEqual(
      runs.map((r) => r.ctx.callId),
      [ack.callId, ack.callId],
    );
    await availableTo('geo.lookup', caller);
  });

  it('still aborts the re-run of a call when the dead first run settles late', async () => {
    const link = flakyLink();
    const impl = open('late-settle', 'Ivy', { WebSocket: link.WebSocket });
    const caller = open('late-settle', 'Cal');
    await live(impl, caller);
    const firstAborted = deferred();
    const letFirstSettle = deferred();
    const secondRun = deferred<AbortSignal>();
    const { runs, handler } = implementer(async (_args, ctx) => {
      if (runs.length === 1) {
        // The first run ignores its abort for a while, as real work often does.
        ctx.signal.addEventListener('abort', () => firstAborted.resolve());
        await letFirstSettle.promise;
        return { city: 'stale', country: 'stale' };
      }
      secondRun.resolve(ctx.signal);
      return new Promise(() => {});
    });
    impl.registerTool(SPEC, handler);
    await availableTo('geo.lookup', caller);
    const ack = await caller.invokeTool('geo.lookup', { city: 'Dakar' });
    await waitFor('the first run', () => runs.length === 1);
    link.current.terminate();
    await firstAborted.promise;
    const signal = await secondRun.promise; // re-routed after the implementer came back
    letFirstSettle.resolve();
    // The first run's promise and the host's bookkeeping after it settle in microtasks: all done
    // before the next macrotask.
    await new Promise((r) => setImmediate(r));

    await caller.cancelTool(ack.callId);
    assert.equal((await ended(caller, ack.callId)).status, 'cancelled');
    await waitFor('the second run is aborted', () => signal.aborted, { timeoutMs: 5000 });
  });

  it('aborts the handler when the caller cancels, and refuses calls of a switched-off tool', async () => {
    const impl = open('cancel', 'Ivy');
    const caller = open('cancel', 'Cal'); // dev mode: an operator
    await live(impl, caller);
    const running = deferred<AbortSignal>();
    impl.registerTool(SPEC, (_args, ctx) => {
      running.resolve(ctx.signal);
      return new Promise(() => {});
    });
    await availableTo('geo.lookup', caller);
    const ack = await caller.invokeTool('geo.lookup', { city: 'Quito' });
    const signal = await running.promise;
    await caller.cancelTool(ack.callId);
    const call = await ended(caller, ack.callId);
    assert.equal(call.status, 'cancelled');
    assert.equal(call.error?.code, 'cancelled');
    await waitFor('the handler sees the abort', () => signal.aborted);
    assert.match(String((signal.reason as Error).message), /cancelled/);
    const seen = await waitFor('the implementer sees the end', () => {
      const c = callOf(impl, ack.callId);
      return c?.status === 'cancelled' ? c : null;
    });
    assert.equal(seen.error?.code, 'cancelled');

    await caller.toggleTool('geo.lookup', false);
    await waitFor('switched off for the implementer', () => !toolOf(impl, 'geo.lookup')?.enabled);
    const err = await refusal(caller.invokeTool('geo.lookup', { city: 'Quito' }));
    assert.equal(err.code, 'tool_disabled');
    await caller.toggleTool('geo.lookup', true);
    await waitFor('back on', () => toolOf(caller, 'geo.lookup')?.enabled);
  });

  it('delivers the result once to a caller whose link dropped mid-call', async () => {
    const link = flakyLink();
    const impl = open('caller-drop', 'Ivy');
    const caller = open('caller-drop', 'Cal', { WebSocket: link.WebSocket });
    await live(impl, caller);
    const started = deferred();
    const release = deferred();
    const { handler } = implementer(async ({ city }, ctx) => {
      started.resolve();
      ctx.progress({ text: 'working' });
      await release.promise;
      return { city, country: 'Japan' };
    });
    impl.registerTool(SPEC, handler);
    await availableTo('geo.lookup', caller);

    const ack = await caller.invokeTool('geo.lookup', { city: 'Kyoto' });
    let resolved = 0;
    const waited = ended(caller, ack.callId).then((c) => (resolved++, c));
    const doneVersions = new Set<ToolCall>();
    caller.$calls.subscribe((calls) => {
      const c = calls.find((x) => x.callId === ack.callId);
      if (c?.status === 'done') doneVersions.add(c);
    });
    await started.promise;
    const resumesBefore = caller.stats.resumes;
    link.current.terminate();
    await waitFor('the caller is back', () => caller.stats.resumes > resumesBefore, LONG);
    await live(caller);
    release.resolve();

    const call = await waited;
    assert.equal(call.status, 'done');
    assert.deepEqual(call.result, { city: 'Kyoto', country: 'Japan' });
    // Another call end-to-end is the barrier: anything duplicated about the first came before it.
    const next = await caller.invokeTool('geo.lookup', { city: 'Nara' });
    assert.equal((await ended(caller, next.callId)).status, 'done');
    assert.equal(resolved, 1);
    assert.equal(caller.$calls.get().filter((c) => c.callId === ack.callId).length, 1);
    assert.equal(doneVersions.size, 1, 'the end was applied once');
    assert.equal(callOf(caller, ack.callId)?.progressText, 'working');
    assert.ok(link.sockets.length >= 2);
  });

  it('runs an invoke whose ack was lost exactly once', async () => {
    const link = flakyLink();
    const impl = open('lost-invoke-ack', 'Ivy');
    const caller = open('lost-invoke-ack', 'Cal', { WebSocket: link.WebSocket });
    await live(impl, caller);
    const { runs, handler } = implementer(({ city }) => ({ city, country: 'Chile' }));
    impl.registerTool(SPEC, handler);
    await availableTo('geo.lookup', caller);
    link.dropInbound = (data, socket) => {
      if (!data.includes('"type":"ack"')) return false;
      link.dropInbound = null;
      socket.terminate();
      return true;
    };
    const ack = await caller.invokeTool('geo.lookup', { city: 'Lima' });
    assert.equal(ack.duplicate, true, 'the resend was recognised by its call id');
    assert.equal((await ended(caller, ack.callId)).status, 'done');
    assert.equal(runs.length, 1);
    assert.equal(caller.$calls.get().filter((c) => c.callId === ack.callId).length, 1);
  });

  it('fails a call cut off by a server restart as interrupted, and lists the tool again', async () => {
    const impl = open('restart', 'Ivy');
    const caller = open('restart', 'Cal');
    await live(impl, caller);
    const { runs, handler } = implementer(({ city }) =>
      runs.length === 1 ? new Promise(() => {}) : { city, country: 'Peru' },
    );
    impl.registerTool(SPEC, handler);
    await availableTo('geo.lookup', caller);
    const ack = await caller.invokeTool('geo.lookup', { city: 'Cusco' });
    await waitFor('the call reached the implementer', () => runs.length === 1);
    await server.restart();
    const call = await ended(caller, ack.callId);
    assert.equal(call.status, 'error');
    assert.equal(call.error?.code, 'interrupted');
    await live(impl, caller);
    await availableTo('geo.lookup', caller);
    const again = await caller.invokeTool('geo.lookup', { city: 'Cusco' });
    assert.equal((await ended(caller, again.callId)).status, 'done');
  });

  it('fails a call cut off by a restart even after 100 newer calls ended', async () => {
    const impl = open('restart-old', 'Ivy');
    const caller = open('restart-old', 'Cal');
    await live(impl, caller);
    const { runs, handler } = implementer(() => new Promise(() => {}));
    impl.registerTool(SPEC, handler);
    await availableTo('geo.lookup', caller);
    const stuck = await caller.invokeTool('geo.lookup', { city: 'Cusco' });
    await waitFor('the call reached the implementer', () => runs.length === 1);
    // More calls than the room keeps in memory, so the stuck one is no longer among the latest.
    for (let i = 0; i < 101; i++) {
      const ack = await caller.invokeTool('time.now', {});
      assert.equal((await ended(caller, ack.callId)).status, 'done');
    }
    await server.restart();
    const call = await ended(caller, stuck.callId);
    assert.equal(call.status, 'error');
    assert.equal(call.error?.code, 'interrupted');
  });

  it('ends a call with the handler’s error code, or invalid_output for a bad result', async () => {
    const impl = open('failures', 'Ivy');
    const caller = open('failures', 'Cal');
    await live(impl, caller);
    impl.registerTool({ ...SPEC, name: 'geo.refuse' }, () => {
      throw { code: 'not_allowed', message: 'Ivy does not share locations' };
    });
    impl.registerTool({ ...SPEC, name: 'geo.sloppy' }, async () => ({ city: 42 }));
    impl.registerTool({ ...SPEC, name: 'geo.crash' }, () => {
      throw new TypeError('boom');
    });
    await availableTo('geo.refuse', caller);
    await availableTo('geo.sloppy', caller);
    await availableTo('geo.crash', caller);

    const refused = await caller.invokeTool('geo.refuse', { city: 'Oslo' });
    const r = await ended(caller, refused.callId);
    assert.equal(r.status, 'error');
    assert.deepEqual(r.error, { code: 'not_allowed', message: 'Ivy does not share locations' });
    assert.equal(r.result, undefined);

    const sloppy = await caller.invokeTool('geo.sloppy', { city: 'Oslo' });
    const s = await ended(caller, sloppy.callId);
    assert.equal(s.status, 'error');
    assert.equal(s.error?.code, 'invalid_output');
    assert.match(s.error!.message, /output schema/);
    assert.equal(s.result, undefined, 'a result that breaks the schema is not passed on');

    const crash = await caller.invokeTool('geo.crash', { city: 'Oslo' });
    const c = await ended(caller, crash.callId);
    assert.deepEqual(c.error, { code: 'tool_failed', message: 'boom' });
  });
});

describe('approving the assistant’s call of a client tool with the real client', () => {
  let upstream: FakeUpstream;
  let server: TestServer;
  const clients: RealstreamClient[] = [];
  const open = (name: string) => {
    const c = connect({ host: server.host, room: 'approve', name, WebSocket });
    clients.push(c);
    return c;
  };

  before(async () => {
    upstream = await FakeUpstream.start();
    upstream.handle((req) => {
      const last = req.body?.messages?.at(-1);
      if (last?.role === 'tool') return { body: openAiStream(['Done: ', String(last.content)]) };
      return {
        body: [
          openAiChunk({
            tool_calls: [
              {
                index: 0,
                id: 'call_door',
                type: 'function',
                function: { name: 'door_open', arguments: '{}' },
              },
            ],
          }),
          openAiChunk({}, 'tool_calls'),
          'data: [DONE]\n\n',
        ],
      };
    });
    server = await startServer({
      vars: {
        REALSTREAM_RESPONDER: 'openai',
        REALSTREAM_OPENAI_BASE_URL: `${upstream.url}/v1`,
        REALSTREAM_OPENAI_MODEL: 'test-model',
        REALSTREAM_OPENAI_API_KEY: 'sk-client-tools-test',
      },
    });
  });
  after(async () => {
    for (const c of clients.splice(0)) c.close();
    await server?.stop();
    await upstream?.close();
  });

  it('shows the call awaiting approval, runs it once approved, and completes the reply', async () => {
    const impl = open('Ivy');
    const olga = open('Olga'); // dev mode: an operator
    await waitFor('live', () => [impl, olga].every((c) => c.$status.get().state === 'live'), LONG);
    let runs = 0;
    impl.registerTool(
      { ...SPEC, name: 'door.open', inputSchema: { type: 'object' }, requiresApproval: true },
      () => (runs++, { city: 'here', country: 'open' }),
    );
    await waitFor('listed', () => olga.$tools.get().some((t) => t.name === 'door.open'), LONG);
    await olga.send('Open the door please');
    const waiting = await waitFor('the call awaiting approval', () =>
      olga.$calls.get().find((c) => c.status === 'awaiting_approval'),
    );
    assert.equal(waiting.caller.kind, 'assistant');
    assert.equal(runs, 0);
    await olga.decideTool(waiting.callId, true);
    const call = await olga.waitForCall(waiting.callId);
    assert.equal(call.status, 'done');
    assert.equal(call.decidedBy, 'Olga');
    assert.equal(runs, 1);
    const reply = await waitFor('the reply', () =>
      olga.$messages.get().find((m) => m.author.kind === 'assistant' && m.status === 'complete'),
    );
    assert.equal(reply.id, call.messageId);
    assert.equal(reply.text, 'Done: {"city":"here","country":"open"}');
  });
});
