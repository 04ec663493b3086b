import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DURABLE_EVENT_TYPES,
  EventFrameSchema,
  RoomEventSchema,
  type RoomEventType,
} from './events.js';

const user = { id: 'u1', name: 'Ada', role: 'viewer' };
const message = {
  id: 'm1',
  seq: 1,
  author: { kind: 'user', id: 'u1', name: 'Ada', role: 'member' },
  text: 'hello',
  status: 'streaming',
  createdAt: 1,
  updatedAt: 1,
};
const failure = { code: 'responder_failed', message: 'upstream 500' };

const tool = {
  name: 'math.evaluate',
  title: 'Calculator',
  description: 'Evaluates an expression',
  inputSchema: { type: 'object', properties: { expression: { type: 'string' } } },
  kind: 'builtin',
  enabled: true,
  available: true,
  timeoutMs: 5000,
  requiresApproval: false,
  minRole: 'member',
};
const call = {
  callId: 'c-1',
  name: 'math.evaluate',
  args: { expression: '1+2' },
  caller: { kind: 'assistant', id: 'assistant', name: 'Assistant' },
  messageId: 'r1',
  status: 'awaiting_approval',
  progressText: '',
  startedAt: 1,
};

/** One valid event of every type, keyed by type so a new event type fails the type check here. */
const valid: Record<RoomEventType, object[]> = {
  'message.created': [{ type: 'message.created', message }],
  'message.delta': [
    { type: 'message.delta', messageId: 'r1', offset: 0, text: 'Hel' },
    { type: 'message.delta', messageId: 'r1', offset: 3, text: '' },
  ],
  'message.completed': [
    { type: 'message.completed', messageId: 'r1', status: 'complete', text: 'Hello' },
    {
      type: 'message.completed',
      messageId: 'r1',
      status: 'stopped',
      text: 'Hel',
      usage: { inputTokens: 3, outputTokens: 1 },
      stoppedBy: 'u1',
    },
    { type: 'message.completed', messageId: 'r1', status: 'interrupted', text: 'He' },
  ],
  'message.failed': [{ type: 'message.failed', messageId: 'r1', text: '', error: failure }],
  'presence.joined': [{ type: 'presence.joined', user }],
  'presence.left': [{ type: 'presence.left', userId: 'u1' }],
  'room.cleared': [{ type: 'room.cleared', by: user }],
  'tool.updated': [
    { type: 'tool.updated', tool },
    { type: 'tool.updated', tool: { ...tool, enabled: false }, by: user },
    {
      type: 'tool.updated',
      tool: {
        ...tool,
        name: 'docs.search',
        kind: 'mcp',
        server: 'docs',
        descriptionPending: true,
        approvedDescription: 'Searches the docs.',
      },
    },
  ],
  'tool.removed': [
    { type: 'tool.removed', name: 'docs.search' },
    { type: 'tool.removed', name: 'docs.search', by: user },
  ],
  'mcp.server.updated': [
    {
      type: 'mcp.server.updated',
      server: {
        name: 'docs',
        title: 'Docs',
        url: 'https://mcp.example.com/mcp',
        state: 'ready',
        serverInfo: { name: 'docs-server', version: '1.2.0' },
        protocolVersion: '2025-06-18',
        tools: ['docs.search'],
        attempts: 0,
        connectedAt: 1,
        source: 'room',
        addedBy: user,
      },
      by: user,
    },
    {
      type: 'mcp.server.updated',
      server: {
        name: 'docs',
        title: 'Docs',
        state: 'reconnecting',
        error: { code: 'mcp_unreachable', message: 'connection refused' },
        tools: [],
        attempts: 3,
        nextAttemptAt: 5,
        source: 'config',
      },
    },
  ],
  'mcp.server.removed': [{ type: 'mcp.server.removed', name: 'docs', by: user }],
  'tool.call.started': [
    { type: 'tool.call.started', call },
    {
      type: 'tool.call.started',
      call: { ...call, status: 'running', caller: { kind: 'user', id: 'u1', name: 'Ada' } },
    },
  ],
  'tool.call.approved': [{ type: 'tool.call.approved', callId: 'c-1', by: user }],
  'tool.call.progress': [
    { type: 'tool.call.progress', callId: 'c-1', text: 'step 1\n' },
    { type: 'tool.call.progress', callId: 'c-1', percent: 50 },
  ],
  'tool.call.ended': [
    { type: 'tool.call.ended', callId: 'c-1', status: 'done', result: 3, durationMs: 4 },
    {
      type: 'tool.call.ended',
      callId: 'c-1',
      status: 'timeout',
      error: { code: 'timeout', message: 'did not finish within 5000 ms' },
      durationMs: 5000,
    },
    { type: 'tool.call.ended', callId: 'c-1', status: 'cancelled', durationMs: 1, by: user },
  ],
  'room.configured': [
    {
      type: 'room.configured',
      settings: { responder: 'openai', systemPrompt: null, reasoning: 'everyone' },
      by: user,
    },
    {
      type: 'room.configured',
      settings: { responder: 'demo', systemPrompt: 'Be brief.', reasoning: 'operators' },
      by: user,
    },
  ],
};

const invalid: [name: string, value: object, path: string][] = [
  ['an unknown event type', { type: 'message.edited', messageId: 'm1', text: 'x' }, 'type'],
  ['message.created without a message', { type: 'message.created' }, 'message'],
  [
    'tool.updated with an upper-case tool name',
    { type: 'tool.updated', tool: { ...tool, name: 'Math.Evaluate' } },
    'tool.name',
  ],
  [
    'tool.updated with an unknown kind',
    { type: 'tool.updated', tool: { ...tool, kind: 'plugin' } },
    'tool.kind',
  ],
  [
    'mcp.server.updated with an unknown state',
    {
      type: 'mcp.server.updated',
      server: { name: 'a', title: 'A', state: 'asleep', tools: [], attempts: 0, source: 'room' },
    },
    'server.state',
  ],
  [
    'tool.call.started with an unknown status',
    { type: 'tool.call.started', call: { ...call, status: 'paused' } },
    'call.status',
  ],
  [
    'tool.call.progress over 100%',
    { type: 'tool.call.progress', callId: 'c', percent: 101 },
    'percent',
  ],
  [
    'tool.call.ended as running',
    { type: 'tool.call.ended', callId: 'c', status: 'running', durationMs: 1 },
    'status',
  ],
  [
    'message.created with a bad message id',
    { type: 'message.created', message: { ...message, id: 'm 1' } },
    'message.id',
  ],
  [
    'message.created with a negative seq',
    { type: 'message.created', message: { ...message, seq: -1 } },
    'message.seq',
  ],
  [
    'message.delta with a negative offset',
    { type: 'message.delta', messageId: 'r1', offset: -1, text: 'x' },
    'offset',
  ],
  [
    'message.delta with a fractional offset',
    { type: 'message.delta', messageId: 'r1', offset: 1.5, text: 'x' },
    'offset',
  ],
  ['message.delta without text', { type: 'message.delta', messageId: 'r1', offset: 0 }, 'text'],
  [
    'message.delta with a 65-character messageId',
    { type: 'message.delta', messageId: 'a'.repeat(65), offset: 0, text: 'x' },
    'messageId',
  ],
  // `failed` has its own event type; `streaming` is not an end.
  [
    'message.completed with status failed',
    { type: 'message.completed', messageId: 'r1', status: 'failed', text: '' },
    'status',
  ],
  [
    'message.completed with status streaming',
    { type: 'message.completed', messageId: 'r1', status: 'streaming', text: '' },
    'status',
  ],
  [
    'message.completed with negative usage',
    {
      type: 'message.completed',
      messageId: 'r1',
      status: 'complete',
      text: '',
      usage: { inputTokens: -1, outputTokens: 0 },
    },
    'usage.inputTokens',
  ],
  [
    'message.failed without an error',
    { type: 'message.failed', messageId: 'r1', text: '' },
    'error',
  ],
  [
    'message.failed with an error lacking a message',
    { type: 'message.failed', messageId: 'r1', text: '', error: { code: 'x' } },
    'error.message',
  ],
  [
    'presence.joined with an unknown role',
    { type: 'presence.joined', user: { ...user, role: 'admin' } },
    'user.role',
  ],
  [
    'presence.joined with a 129-character user id',
    { type: 'presence.joined', user: { ...user, id: 'u'.repeat(129) } },
    'user.id',
  ],
  ['presence.left without userId', { type: 'presence.left' }, 'userId'],
];

describe('RoomEventSchema', () => {
  for (const [type, events] of Object.entries(valid)) {
    events.forEach((event, i) => {
      it(`accepts ${type} #${i + 1}`, () => {
        const result = RoomEventSchema.safeParse(event);
        assert.ok(result.success, JSON.stringify(result.error?.issues));
        assert.deepEqual(result.data, event);
      });
    });
  }

  for (const [name, value, path] of invalid) {
    it(`rejects ${name}`, () => {
      const result = RoomEventSchema.safeParse(value);
      assert.equal(result.success, false);
      const paths = result.error!.issues.map((i) => i.path.join('.'));
      assert.ok(
        paths.includes(path),
        `expected an issue at "${path}", got ${JSON.stringify(paths)}`,
      );
    });
  }
});

describe('EventFrameSchema', () => {
  const delta = valid['message.delta'][0];

  it('accepts every event type inside a frame', () => {
    for (const [type, [event]] of Object.entries(valid)) {
      const frame = { type: 'event', seq: 10, at: 1_700_000_000_000, event };
      assert.ok(EventFrameSchema.safeParse(frame).success, type);
    }
  });

  it('accepts seq 0', () => {
    assert.ok(EventFrameSchema.safeParse({ type: 'event', seq: 0, at: 1, event: delta }).success);
  });

  for (const [name, frame, path] of [
    ['a negative seq', { type: 'event', seq: -1, at: 1, event: delta }, 'seq'],
    ['a fractional seq', { type: 'event', seq: 2.5, at: 1, event: delta }, 'seq'],
    ['a string seq', { type: 'event', seq: '2', at: 1, event: delta }, 'seq'],
    ['no at', { type: 'event', seq: 2, event: delta }, 'at'],
    ['no event', { type: 'event', seq: 2, at: 1 }, 'event'],
    [
      'an unknown event type',
      { type: 'event', seq: 2, at: 1, event: { type: 'nope' } },
      'event.type',
    ],
  ] as const) {
    it(`rejects ${name}`, () => {
      const result = EventFrameSchema.safeParse(frame);
      assert.equal(result.success, false);
      assert.ok(
        result.error!.issues.some((i) => i.path.join('.') === path),
        JSON.stringify(result.error!.issues),
      );
    });
  }
});

describe('DURABLE_EVENT_TYPES', () => {
  it('holds the events that change stored state, and not deltas or presence', () => {
    assert.deepEqual([...DURABLE_EVENT_TYPES].sort(), [
      'mcp.server.removed',
      'mcp.server.updated',
      'message.completed',
      'message.created',
      'message.failed',
      'room.cleared',
      'room.configured',
      'tool.call.approved',
      'tool.call.ended',
      'tool.call.started',
      'tool.removed',
      'tool.updated',
    ]);
    for (const type of [
      'message.delta',
      'presence.joined',
      'presence.left',
      'tool.call.progress',
    ] as const) {
      assert.equal(DURABLE_EVENT_TYPES.has(type), false, type);
    }
  });
});
