// ToolCalls on its own, over in-memory storage: the races and restarts that are hard to time
// against a real server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ToolCall } from '@realstream/protocol';
import { EventLog } from '../event-log.js';
import { Logger } from '../log.js';
import { MemoryStorage } from '../storage.js';
import { ToolCalls, type CallRequest } from './calls.js';
import { ToolRegistry } from './registry.js';
import type { ServerTool } from './types.js';

const member = { id: 'u1', name: 'Ada', role: 'member' } as const;

function tool(name: string, run: ServerTool['run']): ServerTool {
  return {
    name,
    title: name,
    description: name,
    inputSchema: { type: 'object' },
    timeoutMs: 60_000,
    requiresApproval: false,
    minRole: 'viewer',
    enabledByDefault: true,
    run,
  };
}

/** A room's tool calls over `storage`, as the room opens them (again, after a restart). */
async function openCalls(storage: MemoryStorage, tools: ServerTool[]) {
  const logger = new Logger('error');
  const log = await EventLog.open(storage, logger, () => {}, 64);
  const calls = await ToolCalls.open({
    log,
    storage,
    registry: new ToolRegistry(tools, undefined),
    logger,
    maxConcurrent: 4,
    approvalMs: 60_000,
    retention: { count: 1000, maxAgeMs: 0 },
    sendTo: () => false,
    roomView: () => ({
      name: 'r',
      seq: log.seq,
      presence: [],
      connections: 0,
      messages: 0,
      streaming: 0,
      tools: [],
    }),
    ended: () => {},
  });
  return { calls, log };
}

const request = (callId: string, name: string, extra: Partial<CallRequest> = {}): CallRequest => ({
  callId,
  name,
  args: {},
  caller: { kind: 'user', id: member.id, name: member.name },
  role: 'member',
  ...extra,
});

describe('tool calls', () => {
  it('never runs a call whose reply was stopped while it was starting', async () => {
    const storage = new MemoryStorage();
    let runs = 0;
    const { calls } = await openCalls(storage, [tool('t.count', async () => ++runs)]);
    const reply = new AbortController();
    // The stop lands while start() looks the call id up in storage.
    const starting = calls.start(request('c1', 't.count', { signal: reply.signal }));
    reply.abort();
    const started = await starting;
    assert.equal(started.ok, false);
    assert.equal(!started.ok && started.code, 'conflict');
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(runs, 0);
    assert.equal(calls.list().length, 0);
  });

  it('fails every call a restart cut off, however many ended after it', async () => {
    const storage = new MemoryStorage();
    const tools = [tool('t.hang', () => new Promise(() => {})), tool('t.quick', async () => 'ok')];
    const before = await openCalls(storage, tools);
    const hung = await before.calls.start(request('hung', 't.hang'));
    assert.ok(hung.ok);
    await hung.seq;
    for (let i = 0; i < 120; i++) {
      const r = await before.calls.start(request(`q${i}`, 't.quick'));
      assert.ok(r.ok);
      assert.equal((await before.calls.outcome(`q${i}`))?.status, 'done');
    }
    await before.log.drained();

    const after = await openCalls(storage, tools);
    const call = (await after.calls.get('hung')) as ToolCall;
    assert.equal(call.status, 'error');
    assert.equal(call.error?.code, 'interrupted');
    const stored = await after.calls.outcome('hung');
    assert.equal(stored?.status, 'error', 'the failure is stored, not only shown');
    await before.calls.clear(member); // its timeout timer would hold the test process
  });
});
