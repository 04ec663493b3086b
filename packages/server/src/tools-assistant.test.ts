// The assistant using a browser's tool, on a real `partykit dev` (workerd) answered by a fake
// OpenAI-compatible provider: the model's streamed tool call is routed to the connection that
// registered the tool, operators approve or deny, and stopping the reply cancels the call.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, waitFor, type TestServer } from '@realstream/testing/harness';
import { eventsOf, openRaw, type RawSocket } from '@realstream/testing/raw-socket';
import type { Role, ServerFrame, ToolSpec } from '@realstream/protocol';
import { signToken } from './auth.js';
import {
  SECRET as WEBHOOK_SECRET,
  startReceiver,
  type Receiver,
} from './tools/webhook-receiver.test-util.js';
import {
  FakeUpstream,
  openAiChunk,
  openAiStream,
  openAiUsageChunk,
  type Received,
  type Script,
} from './responders/fake-upstream.js';

const SECRET = 'tools-assistant-secret-0123456789abcdef';
const KEY = 'sk-e2e-tools-0123456789';

const GEO: ToolSpec = {
  name: 'geo.lookup',
  description: 'Finds the country of a city.',
  inputSchema: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
};
const DOOR: ToolSpec = {
  name: 'door.open',
  description: 'Opens the office door.',
  inputSchema: { type: 'object', properties: {}, additionalProperties: false },
  requiresApproval: true,
};
const SLOW: ToolSpec = {
  name: 'slow.job',
  description: 'A job that takes its time.',
  inputSchema: { type: 'object' },
  timeoutMs: 60_000,
};

/** A streamed Chat Completions turn that calls `name` with `args`, arguments cut in pieces. */
function toolCallTurn(id: string, name: string, args: string): string[] {
  const cut = Math.ceil(args.length / 2);
  const part = (fn: Record<string, unknown>, head = false) =>
    openAiChunk({
      tool_calls: [{ index: 0, ...(head ? { id, type: 'function' } : {}), function: fn }],
    });
  return [
    openAiChunk({ role: 'assistant', content: null, refusal: null }),
    part({ name, arguments: '' }, true),
    part({ arguments: args.slice(0, cut) }),
    part({ arguments: args.slice(cut) }),
    openAiChunk({}, 'tool_calls'),
    openAiUsageChunk(50, 12),
    'data: [DONE]\n\n',
  ];
}

/** Chooses the provider's answer: a tool call for a question, text for a tool result. */
function script(req: Received): Script {
  const messages = req.body?.messages ?? [];
  const last = messages.at(-1);
  if (last?.role === 'tool') return { body: openAiStream(['Result: ', String(last.content)]) };
  const text = String(last?.content ?? '');
  if (text.includes('Where is')) {
    const city = /Where is (\w+)/u.exec(text)?.[1] ?? '';
    return { body: toolCallTurn('call_geo', 'geo_lookup', JSON.stringify({ city })) };
  }
  if (text.includes('door')) return { body: toolCallTurn('call_door', 'door_open', '{}') };
  if (text.includes('slow')) return { body: toolCallTurn('call_slow', 'slow_job', '{}') };
  if (text.includes('Compare')) {
    const call = (index: number, id: string, args: string) =>
      openAiChunk({
        tool_calls: [
          { index, id, type: 'function', function: { name: 'geo_lookup', arguments: args } },
        ],
      });
    return {
      body: [
        openAiChunk({ role: 'assistant', content: '' }),
        openAiChunk({ content: 'Checking both.' }),
        call(0, 'call_a', '{"city":"Bern"}'),
        call(1, 'call_b', '{"city":"Oslo"}'),
        openAiChunk({}, 'tool_calls'),
        'data: [DONE]\n\n',
      ],
    };
  }
  if (text.includes('ticket'))
    return { body: toolCallTurn('call_ticket', 'ticket_file', '{"title":"Printer jam"}') };
  if (text.includes('sloppy'))
    return { body: toolCallTurn('call_bad', 'geo_lookup', '{"town":1}') };
  return { body: openAiStream(['Nothing to do.']) };
}

async function join(server: TestServer, room: string, sub: string, role: Role) {
  const token = await signToken(SECRET, { sub, name: sub, room, role });
  const socket = await openRaw(server, room, { token });
  await socket.hello();
  return socket;
}

type RunFrame = Extract<ServerFrame, { type: 'tool.run' }>;

/** Registers `spec` on `socket` and answers each tool.run with `answer` (unless it returns undefined). */
async function implement(socket: RawSocket, spec: ToolSpec, answer: (run: RunFrame) => unknown) {
  const runs: RunFrame[] = [];
  socket.ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as ServerFrame;
    if (frame.type !== 'tool.run' || frame.name !== spec.name) return;
    runs.push(frame);
    const result = answer(frame);
    if (result === undefined) return;
    socket.send({ type: 'tool.progress', callId: frame.callId, text: 'looking it up' });
    socket.send({ type: 'tool.result', callId: frame.callId, result });
  });
  const id = `reg-${spec.name}`;
  socket.send({ type: 'tool.register', id, tool: spec });
  await socket.next('ack', (f) => f.id === id);
  return runs;
}

/** The events of the room as `socket` saw them. */
const events = (socket: RawSocket) => eventsOf(socket.frames).map((f) => f.event);

/** The reply to `questionId`, once it has been created. */
function replyTo(socket: RawSocket, questionId: string) {
  return waitFor(`the reply to ${questionId}`, () => {
    for (const e of events(socket)) {
      if (e.type === 'message.created' && e.message.replyTo === questionId) return e.message;
    }
    return null;
  });
}

function completed(socket: RawSocket, messageId: string) {
  return waitFor(
    `the end of reply ${messageId}`,
    () => {
      for (const e of events(socket)) {
        if (e.type === 'message.completed' && e.messageId === messageId) return e;
        if (e.type === 'message.failed' && e.messageId === messageId)
          throw new Error(`the reply failed: ${e.error.message}`);
      }
      return null;
    },
    { timeoutMs: 15_000 },
  );
}

/** The call the assistant started for reply `messageId`. */
function callFor(socket: RawSocket, messageId: string) {
  return waitFor(`a call of reply ${messageId}`, () => {
    for (const e of events(socket)) {
      if (e.type === 'tool.call.started' && e.call.messageId === messageId) return e.call;
    }
    return null;
  });
}

function callEnded(socket: RawSocket, callId: string) {
  return waitFor(
    `the end of call ${callId}`,
    () => {
      for (const e of events(socket))
        if (e.type === 'tool.call.ended' && e.callId === callId) return e;
      return null;
    },
    { timeoutMs: 15_000 },
  );
}

describe('the assistant using tools (OpenAI-compatible provider, partykit dev)', () => {
  let upstream: FakeUpstream;
  let server: TestServer;
  let rx: Receiver;
  /** Provider requests made for the reply to a question, found by the question's text. */
  const requestsFor = (text: string) =>
    upstream.requests.filter((r) =>
      r.body?.messages?.some((m: any) => m.role === 'user' && String(m.content).endsWith(text)),
    );

  before(async () => {
    upstream = await FakeUpstream.start();
    upstream.handle(script);
    rx = await startReceiver();
    rx.route('/ticket', (req, res) => {
      const { title } = req.body.args as { title: string };
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ticket: 42, title }));
    });
    const webhooks = [
      {
        name: 'ticket.file',
        description: 'Files a support ticket.',
        url: `${rx.origin}/ticket`,
        secret: WEBHOOK_SECRET,
        inputSchema: {
          type: 'object',
          properties: { title: { type: 'string' } },
          required: ['title'],
        },
        requiresApproval: true,
      },
    ];
    server = await startServer({
      vars: {
        REALSTREAM_WEBHOOK_TOOLS: JSON.stringify(webhooks),
        REALSTREAM_WEBHOOK_HOSTS: rx.host,
        REALSTREAM_WEBHOOK_ALLOW_PRIVATE: 'true',
        REALSTREAM_SECRET: SECRET,
        REALSTREAM_RESPONDER: 'openai',
        REALSTREAM_OPENAI_BASE_URL: `${upstream.url}/v1`,
        REALSTREAM_OPENAI_MODEL: 'test-model',
        REALSTREAM_OPENAI_API_KEY: KEY,
      },
    });
  });
  after(async () => {
    await server?.stop();
    await upstream?.close();
    await rx?.close();
  });

  it('routes the model’s call to the browser that implements the tool and feeds back the result', async () => {
    const impl = await join(server, 'as-client', 'ivy', 'member');
    const ada = await join(server, 'as-client', 'ada', 'member');
    const runs = await implement(impl, GEO, (run) => ({
      city: (run.args as { city: string }).city,
      country: 'Switzerland',
    }));
    const question = 'Where is Zurich';
    ada.send({ type: 'message.send', id: 'q-geo', text: question });
    await ada.next('ack', (f) => f.id === 'q-geo');
    const reply = await replyTo(ada, 'q-geo');
    const done = await completed(ada, reply.id);
    const result = { city: 'Zurich', country: 'Switzerland' };
    assert.equal(done.status, 'complete');
    assert.equal(done.text, `Result: ${JSON.stringify(result)}`);

    const call = await callFor(ada, reply.id);
    assert.equal(call.name, 'geo.lookup');
    assert.equal(call.messageId, reply.id);
    assert.equal(call.caller.kind, 'assistant');
    assert.deepEqual(call.args, { city: 'Zurich' });
    const end = await callEnded(ada, call.callId);
    assert.equal(end.status, 'done');
    assert.deepEqual(end.result, result);
    assert.equal(runs.length, 1);
    assert.equal(runs[0].callId, call.callId);
    assert.equal(runs[0].caller.kind, 'assistant');

    // The provider was offered the tool, then got the model's turn and the tool's result.
    const [first, second, ...more] = requestsFor(question);
    assert.equal(more.length, 0);
    const offered = first.body.tools.find((t: any) => t.function.name === 'geo_lookup');
    assert.equal(offered?.function.description, GEO.description);
    assert.deepEqual(second.body.messages.slice(-2), [
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_geo',
            type: 'function',
            function: { name: 'geo_lookup', arguments: '{"city":"Zurich"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_geo', content: JSON.stringify(result) },
    ]);
    for (const s of [impl, ada]) s.close();
  });

  it('waits for an operator: a member may not decide, an approved call runs, a denied one fails', async () => {
    const impl = await join(server, 'approval', 'ivy', 'member');
    const ada = await join(server, 'approval', 'ada', 'member');
    const olga = await join(server, 'approval', 'olga', 'operator');
    const runs = await implement(impl, DOOR, () => ({ opened: true }));

    // First run: approved.
    ada.send({ type: 'message.send', id: 'q-door-1', text: 'Please open the door' });
    const reply1 = await replyTo(ada, 'q-door-1');
    const call1 = await callFor(ada, reply1.id);
    assert.equal(call1.status, 'awaiting_approval');
    assert.equal(call1.caller.kind, 'assistant');
    assert.equal(runs.length, 0, 'nothing runs before an operator decides');

    ada.send({ type: 'tool.decide', id: 'd-ada', callId: call1.callId, approve: true });
    assert.equal((await ada.next('error', (f) => f.id === 'd-ada')).code, 'forbidden');
    olga.send({ type: 'tool.decide', id: 'd-olga-1', callId: call1.callId, approve: true });
    await olga.next('ack', (f) => f.id === 'd-olga-1');
    const approved = await waitFor('the approval event', () =>
      events(ada).find((e) => e.type === 'tool.call.approved' && e.callId === call1.callId),
    );
    assert.equal(approved.type === 'tool.call.approved' && approved.by.id, 'olga');
    const end1 = await callEnded(ada, call1.callId);
    assert.equal(end1.status, 'done');
    assert.equal(runs.length, 1);
    const done1 = await completed(ada, reply1.id);
    assert.equal(done1.status, 'complete');
    assert.equal(done1.text, 'Result: {"opened":true}');
    // A second decision on an ended call is a conflict, not a second run.
    olga.send({ type: 'tool.decide', id: 'd-olga-late', callId: call1.callId, approve: true });
    assert.equal((await olga.next('error', (f) => f.id === 'd-olga-late')).code, 'conflict');

    // Second run: denied.
    ada.send({ type: 'message.send', id: 'q-door-2', text: 'Open the door again' });
    const reply2 = await replyTo(ada, 'q-door-2');
    const call2 = await callFor(ada, reply2.id);
    assert.equal(call2.status, 'awaiting_approval');
    olga.send({ type: 'tool.decide', id: 'd-olga-2', callId: call2.callId, approve: false });
    await olga.next('ack', (f) => f.id === 'd-olga-2');
    const end2 = await callEnded(ada, call2.callId);
    assert.equal(end2.status, 'denied');
    assert.equal(end2.error?.code, 'denied');
    assert.equal(end2.by?.id, 'olga');
    const done2 = await completed(ada, reply2.id);
    assert.equal(done2.status, 'complete');
    assert.equal(runs.length, 1, 'the denied call never reached the browser');

    const second = requestsFor('Open the door again')[1];
    assert.ok(second, 'the model was asked again with the outcome');
    const toolTurn = second.body.messages.at(-1);
    assert.equal(toolTurn.role, 'tool');
    assert.equal(toolTurn.tool_call_id, 'call_door');
    assert.equal(JSON.parse(toolTurn.content).error.code, 'denied');
    assert.match(done2.text, /denied/);
    for (const s of [impl, ada, olga]) s.close();
  });

  it('cancels the running call when the reply is stopped', async () => {
    const impl = await join(server, 'stop', 'ivy', 'member');
    const ada = await join(server, 'stop', 'ada', 'member');
    const runs = await implement(impl, SLOW, () => undefined); // never answers
    ada.send({ type: 'message.send', id: 'q-slow', text: 'Run the slow job' });
    const reply = await replyTo(ada, 'q-slow');
    const run = await impl.next('tool.run', (f) => f.name === 'slow.job');
    const call = await callFor(ada, reply.id);
    assert.equal(run.callId, call.callId);

    ada.send({ type: 'message.stop', id: 'stop-1', messageId: reply.id });
    await ada.next('ack', (f) => f.id === 'stop-1');
    const end = await callEnded(ada, call.callId);
    assert.equal(end.status, 'cancelled');
    assert.equal(end.by?.id, 'ada');
    const abort = await impl.next('tool.abort', (f) => f.callId === call.callId);
    assert.equal(abort.reason, 'cancelled');
    const done = await completed(ada, reply.id);
    assert.equal(done.status, 'stopped');
    // A late answer changes nothing, and the model is not asked again.
    impl.send({ type: 'tool.result', callId: call.callId, result: { late: true } });
    ada.send({ type: 'ping', t: 1 });
    await ada.next('pong');
    assert.equal(runs.length, 1);
    assert.equal(requestsFor('Run the slow job').length, 1);
    assert.equal(events(ada).filter((e) => e.type === 'tool.call.ended').length, 1);
    for (const s of [impl, ada]) s.close();
  });
  it('runs a webhook tool that needs approval once an operator approves it', async () => {
    const ada = await join(server, 'approve-webhook', 'ada', 'member');
    const olga = await join(server, 'approve-webhook', 'olga', 'operator');
    ada.send({ type: 'message.send', id: 'q-ticket', text: 'File a ticket about the printer' });
    const reply = await replyTo(ada, 'q-ticket');
    const call = await callFor(ada, reply.id);
    assert.equal(call.name, 'ticket.file');
    assert.equal(call.status, 'awaiting_approval');
    assert.ok(!rx.received.some((r) => r.body.callId === call.callId), 'not called yet');
    olga.send({ type: 'tool.decide', id: 'd-ticket', callId: call.callId, approve: true });
    await olga.next('ack', (f) => f.id === 'd-ticket');
    const end = await callEnded(ada, call.callId);
    assert.equal(end.status, 'done');
    assert.deepEqual(end.result, { ticket: 42, title: 'Printer jam' });
    const done = await completed(ada, reply.id);
    assert.equal(done.text, 'Result: {"ticket":42,"title":"Printer jam"}');
    const req = rx.received.find((r) => r.body.callId === call.callId);
    assert.deepEqual(req?.body.caller, { kind: 'assistant', id: 'assistant', name: 'Assistant' });
    for (const s of [ada, olga]) s.close();
  });

  it('cancels a call still awaiting approval when the reply is stopped', async () => {
    const impl = await join(server, 'stop-awaiting', 'ivy', 'member');
    const ada = await join(server, 'stop-awaiting', 'ada', 'member');
    const olga = await join(server, 'stop-awaiting', 'olga', 'operator');
    const runs = await implement(impl, DOOR, () => ({ opened: true }));
    ada.send({ type: 'message.send', id: 'q-door-stop', text: 'Open the door now' });
    const reply = await replyTo(ada, 'q-door-stop');
    const call = await callFor(ada, reply.id);
    assert.equal(call.status, 'awaiting_approval');
    ada.send({ type: 'message.stop', id: 'stop-2', messageId: reply.id });
    await ada.next('ack', (f) => f.id === 'stop-2');
    const end = await callEnded(ada, call.callId);
    assert.equal(end.status, 'cancelled');
    assert.equal((await completed(ada, reply.id)).status, 'stopped');
    olga.send({ type: 'tool.decide', id: 'd-too-late', callId: call.callId, approve: true });
    assert.equal((await olga.next('error', (f) => f.id === 'd-too-late')).code, 'conflict');
    assert.equal(runs.length, 0);
    assert.equal(requestsFor('Open the door now').length, 1);
    for (const s of [impl, ada, olga]) s.close();
  });

  it('gives the model the refusal of arguments that break the schema, and finishes the reply', async () => {
    const impl = await join(server, 'bad-args', 'ivy', 'member');
    const ada = await join(server, 'bad-args', 'ada', 'member');
    const runs = await implement(impl, GEO, () => ({ never: true }));
    ada.send({ type: 'message.send', id: 'q-bad', text: 'Be sloppy with the lookup' });
    const reply = await replyTo(ada, 'q-bad');
    const done = await completed(ada, reply.id);
    assert.equal(done.status, 'complete');
    assert.equal(runs.length, 0, 'the browser never saw the call');
    const second = requestsFor('Be sloppy with the lookup')[1];
    const toolTurn = second.body.messages.at(-1);
    assert.equal(toolTurn.tool_call_id, 'call_bad');
    assert.equal(JSON.parse(toolTurn.content).error.code, 'invalid_arguments');
    assert.ok(
      !events(ada).some((e) => e.type === 'tool.call.started'),
      'a refused call starts nothing',
    );
    for (const s of [impl, ada]) s.close();
  });
  it('keeps the lead-in text and runs two calls of one turn in parallel, results in order', async () => {
    const impl = await join(server, 'parallel', 'ivy', 'member');
    const ada = await join(server, 'parallel', 'ada', 'member');
    const release = new Map<string, () => void>();
    const runs = await implement(impl, GEO, () => undefined);
    impl.ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as ServerFrame;
      if (f.type !== 'tool.run') return;
      const { city } = f.args as { city: string };
      release.set(city, () =>
        impl.send({
          type: 'tool.result',
          callId: f.callId,
          result: { city, country: city === 'Bern' ? 'CH' : 'NO' },
        }),
      );
    });
    ada.send({ type: 'message.send', id: 'q-cmp', text: 'Compare Bern and Oslo' });
    const reply = await replyTo(ada, 'q-cmp');
    await waitFor('both calls running at once', () => release.size === 2);
    // Answer in the opposite order: the model must still get them in the order it asked.
    release.get('Oslo')!();
    release.get('Bern')!();
    const done = await completed(ada, reply.id);
    assert.equal(done.status, 'complete');
    assert.ok(done.text.startsWith('Checking both.\n\nResult: '), done.text);
    assert.equal(runs.length, 2);
    const second = requestsFor('Compare Bern and Oslo')[1];
    assert.deepEqual(second.body.messages.slice(-3), [
      {
        role: 'assistant',
        content: 'Checking both.',
        tool_calls: [
          {
            id: 'call_a',
            type: 'function',
            function: { name: 'geo_lookup', arguments: '{"city":"Bern"}' },
          },
          {
            id: 'call_b',
            type: 'function',
            function: { name: 'geo_lookup', arguments: '{"city":"Oslo"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '{"city":"Bern","country":"CH"}' },
      { role: 'tool', tool_call_id: 'call_b', content: '{"city":"Oslo","country":"NO"}' },
    ]);
    for (const s of [impl, ada]) s.close();
  });
});
