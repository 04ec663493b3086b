import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as z from 'zod/mini';
import {
  ClientFrameSchema,
  MessagePageSchema,
  PostMessageBodySchema,
  PostMessageResultSchema,
  RoomInfoSchema,
  ServerFrameSchema,
} from './frames.js';

// Each case: a name, a value, and for rejections the field path the schema must blame, so a fixture
// that fails for some other reason than the one it is named after does not pass unnoticed.
type Accept = [name: string, value: unknown];
type Reject = [name: string, value: unknown, path: string];

function accepts(schema: z.ZodMiniType, cases: Accept[]): void {
  for (const [name, value] of cases) {
    it(`accepts ${name}`, () => {
      const result = schema.safeParse(value);
      assert.ok(result.success, result.error?.issues.map((i) => i.path.join('.')).join(', '));
      // Nothing the sender put in is dropped or rewritten.
      assert.deepEqual(result.data, value);
    });
  }
}

function rejects(schema: z.ZodMiniType, cases: Reject[]): void {
  for (const [name, value, path] of cases) {
    it(`rejects ${name}`, () => {
      const result = schema.safeParse(value);
      assert.equal(result.success, false);
      const paths = result.error!.issues.map((i) => i.path.join('.'));
      assert.ok(
        paths.includes(path),
        `expected an issue at "${path}", got ${JSON.stringify(paths)}`,
      );
    });
  }
}

const user = { id: 'u1', name: 'Ada', role: 'member' };
const message = {
  id: 'm1',
  seq: 1,
  author: { kind: 'user', id: 'u1', name: 'Ada', role: 'member' },
  text: 'hello',
  status: 'complete',
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_000,
};
const reply = {
  id: 'r1',
  seq: 2,
  author: { kind: 'assistant', id: 'demo', name: 'Assistant' },
  text: 'hi there',
  status: 'complete',
  createdAt: 1_700_000_000_001,
  updatedAt: 1_700_000_000_002,
  replyTo: 'm1',
  usage: { inputTokens: 1, outputTokens: 2 },
};
const limits = { maxFrameBytes: 65536, maxMessageChars: 8000 };
const eventFrame = (seq: number, event: unknown) => ({
  type: 'event',
  seq,
  at: 1_700_000_000_000,
  event,
});

const set = (base: object, patch: object) => ({ ...base, ...patch });
function without(base: object, key: string) {
  const copy: Record<string, unknown> = { ...base };
  delete copy[key];
  return copy;
}

describe('ClientFrameSchema', () => {
  const hello = { type: 'hello', protocol: 1, since: 0 };
  const send = { type: 'message.send', id: 'c-1', text: 'hi' };
  const stop = { type: 'message.stop', id: 'c-2', messageId: 'r1' };
  const retry = { type: 'message.retry', id: 'c-3', messageId: 'r1' };
  const configure = { type: 'room.configure', id: 'c-5', settings: { responder: 'openai' } };

  accepts(ClientFrameSchema, [
    ['hello from a fresh client', hello],
    ['hello resuming after seq 42', set(hello, { since: 42 })],
    ['ping', { type: 'ping', t: 1234.5 }],
    ['message.send', send],
    ['message.send without a reply', set(send, { reply: false })],
    ['message.send with every id character', set(send, { id: 'Az09_.:-' })],
    ['message.send with a 64-character id', set(send, { id: 'a'.repeat(64) })],
    ['message.stop', stop],
    ['message.retry', retry],
    ['room.clear', { type: 'room.clear', id: 'c-4' }],
    ['room.configure with a responder', configure],
    ['room.configure with a prompt', set(configure, { settings: { systemPrompt: 'Be brief.' } })],
    [
      'room.configure back to the default prompt',
      set(configure, { settings: { systemPrompt: null } }),
    ],
    ['watch', { type: 'watch', messageId: 'r1' }],
    ['watch of nothing', { type: 'watch', messageId: null }],
    ['tool.invoke', { type: 'tool.invoke', id: 'call-1', name: 'time.now', args: {} }],
    ['tool.cancel', { type: 'tool.cancel', id: 'c-6', callId: 'call-1' }],
    ['tool.toggle', { type: 'tool.toggle', id: 'c-7', name: 'http.fetch', enabled: true }],
    ['tool.decide', { type: 'tool.decide', id: 'c-8', callId: 'call-1', approve: false }],
    [
      'tool.register',
      {
        type: 'tool.register',
        id: 'c-9',
        tool: {
          name: 'browser.geolocation',
          description: 'Where this browser is',
          inputSchema: { type: 'object' },
          requiresApproval: true,
        },
      },
    ],
    ['tool.unregister', { type: 'tool.unregister', id: 'c-10', name: 'browser.geolocation' }],
    ['tool.progress', { type: 'tool.progress', callId: 'call-1', text: 'half', percent: 50 }],
    ['tool.result with a result', { type: 'tool.result', callId: 'call-1', result: { ok: 1 } }],
    [
      'tool.result with an error',
      { type: 'tool.result', callId: 'call-1', error: { code: 'denied', message: 'no' } },
    ],
    ['typing', { type: 'typing', typing: true }],
  ]);

  rejects(ClientFrameSchema, [
    ['a frame without a type', { id: 'c-1', text: 'hi' }, 'type'],
    ['an unknown type', { type: 'shout', text: 'hi' }, 'type'],
    ['a server frame type', { type: 'pong', t: 1 }, 'type'],
    ['hello without since', without(hello, 'since'), 'since'],
    ['hello with a negative since', set(hello, { since: -1 }), 'since'],
    ['hello with a fractional since', set(hello, { since: 1.5 }), 'since'],
    ['hello with a string protocol', set(hello, { protocol: '1' }), 'protocol'],
    ['ping without t', { type: 'ping' }, 't'],
    ['ping with a string t', { type: 'ping', t: 'now' }, 't'],
    ['message.send with empty text', set(send, { text: '' }), 'text'],
    ['message.send without text', without(send, 'text'), 'text'],
    ['message.send with numeric text', set(send, { text: 5 }), 'text'],
    ['message.send without an id', without(send, 'id'), 'id'],
    ['message.send with an empty id', set(send, { id: '' }), 'id'],
    ['message.send with a space in the id', set(send, { id: 'c 1' }), 'id'],
    ['message.send with a 65-character id', set(send, { id: 'a'.repeat(65) }), 'id'],
    ['message.send with a slash in the id', set(send, { id: 'a/b' }), 'id'],
    ['message.send with a string reply', set(send, { reply: 'yes' }), 'reply'],
    ['message.stop without messageId', without(stop, 'messageId'), 'messageId'],
    ['message.stop with a bad messageId', set(stop, { messageId: 'r 1' }), 'messageId'],
    ['message.retry without messageId', without(retry, 'messageId'), 'messageId'],
    ['room.clear without an id', { type: 'room.clear' }, 'id'],
    ['room.configure without settings', without(configure, 'settings'), 'settings'],
    [
      'room.configure with an empty responder',
      set(configure, { settings: { responder: '' } }),
      'settings.responder',
    ],
    [
      'room.configure with a huge prompt',
      set(configure, { settings: { systemPrompt: 'x'.repeat(8001) } }),
      'settings.systemPrompt',
    ],
    ['watch without messageId (null, not absent)', { type: 'watch' }, 'messageId'],
    [
      'tool.invoke with a bad name',
      { type: 'tool.invoke', id: 'c', name: 'Rm -rf', args: {} },
      'name',
    ],
    [
      'tool.register with a tiny timeout',
      {
        type: 'tool.register',
        id: 'c',
        tool: { name: 'a.b', description: '', inputSchema: {}, timeoutMs: 5 },
      },
      'tool.timeoutMs',
    ],
    [
      'tool.register with a schema that is not an object',
      { type: 'tool.register', id: 'c', tool: { name: 'a.b', description: '', inputSchema: 'x' } },
      'tool.inputSchema',
    ],
    ['tool.decide without approve', { type: 'tool.decide', id: 'c', callId: 'x' }, 'approve'],
    [
      'tool.progress with a negative percent',
      { type: 'tool.progress', callId: 'x', percent: -1 },
      'percent',
    ],
    ['typing without typing', { type: 'typing' }, 'typing'],
    ['typing with a string', { type: 'typing', typing: 'yes' }, 'typing'],
  ]);
});

describe('ServerFrameSchema', () => {
  const welcome = {
    type: 'welcome',
    protocol: 1,
    room: 'lobby',
    connectionId: 'conn-1',
    user,
    seq: 7,
    resume: 'replay',
    devMode: false,
    limits,
  };
  const snapshot = {
    type: 'snapshot',
    seq: 9,
    messages: [message, reply],
    hasMore: true,
    before: 1,
    presence: [user],
    settings: { responder: 'demo', systemPrompt: null, reasoning: 'everyone' },
    tools: [],
    calls: [],
    mcpServers: [],
  };
  const delta = { type: 'message.delta', messageId: 'r1', offset: 2, text: ' there' };

  accepts(ServerFrameSchema, [
    ['welcome', welcome],
    ...(['none', 'snapshot'] as const).map((resume): Accept => [
      `welcome resume=${resume}`,
      set(welcome, { resume }),
    ]),
    [
      'an empty snapshot',
      {
        type: 'snapshot',
        seq: 0,
        messages: [],
        hasMore: false,
        before: null,
        presence: [],
        settings: { responder: 'demo', systemPrompt: null, reasoning: 'everyone' },
        tools: [],
        calls: [],
        mcpServers: [],
      },
    ],
    ['snapshot', snapshot],
    ['ack', { type: 'ack', id: 'c-1', seq: 3 }],
    ['ack of a duplicate', { type: 'ack', id: 'c-1', seq: 3, duplicate: true }],
    [
      'error answering a command',
      { type: 'error', id: 'c-1', code: 'rate_limited', message: 'slow down', retryAfterMs: 250 },
    ],
    [
      'error on the connection',
      { type: 'error', code: 'hello_required', message: 'say hello first' },
    ],
    ['event message.created', eventFrame(1, { type: 'message.created', message })],
    ['event message.delta', eventFrame(3, delta)],
    [
      'event message.completed',
      eventFrame(4, {
        type: 'message.completed',
        messageId: 'r1',
        status: 'complete',
        text: 'hi there',
      }),
    ],
    [
      'event message.failed',
      eventFrame(5, {
        type: 'message.failed',
        messageId: 'r1',
        text: 'hi',
        error: { code: 'responder_failed', message: 'boom' },
      }),
    ],
    ['event presence.joined', eventFrame(6, { type: 'presence.joined', user })],
    ['event presence.left', eventFrame(7, { type: 'presence.left', userId: 'u1' })],
    [
      'batch',
      { type: 'batch', events: [eventFrame(3, delta), eventFrame(4, set(delta, { offset: 8 }))] },
    ],
    ['an empty batch', { type: 'batch', events: [] }],
    ['pong', { type: 'pong', t: 1234.5 }],
    ['typing notice', { type: 'typing', user, typing: false }],
    ['watchers of a reply', { type: 'watchers', messageId: 'r1', users: [user] }],
    ['watchers of a reply nobody watches', { type: 'watchers', messageId: 'r1', users: [] }],
    [
      'tool.run',
      {
        type: 'tool.run',
        callId: 'call-1',
        name: 'browser.geolocation',
        args: {},
        caller: { kind: 'user', id: 'u1', name: 'Ada' },
        timeoutMs: 30000,
      },
    ],
    ['tool.abort', { type: 'tool.abort', callId: 'call-1', reason: 'timeout' }],
  ]);

  rejects(ServerFrameSchema, [
    ['an unknown type', { type: 'shout' }, 'type'],
    ['a client frame type', { type: 'hello', protocol: 1, since: 0 }, 'type'],
    ['welcome without a user', without(welcome, 'user'), 'user'],
    [
      'welcome with an unknown role',
      set(welcome, { user: set(user, { role: 'admin' }) }),
      'user.role',
    ],
    ['welcome with an unknown resume mode', set(welcome, { resume: 'full' }), 'resume'],
    ['welcome with a negative seq', set(welcome, { seq: -1 }), 'seq'],
    ['welcome without limits', without(welcome, 'limits'), 'limits'],
    ['welcome with a string devMode', set(welcome, { devMode: 'false' }), 'devMode'],
    [
      'snapshot with a message without text',
      set(snapshot, { messages: [without(message, 'text')] }),
      'messages.0.text',
    ],
    [
      'snapshot with an unknown status',
      set(snapshot, { messages: [message, set(reply, { status: 'deleted' })] }),
      'messages.1.status',
    ],
    [
      'snapshot with an unknown author kind',
      set(snapshot, { messages: [set(message, { author: { kind: 'bot', id: 'b', name: 'B' } })] }),
      'messages.0.author.kind',
    ],
    [
      'snapshot with a message id with spaces',
      set(snapshot, { messages: [set(message, { id: 'm 1' })] }),
      'messages.0.id',
    ],
    ['snapshot without hasMore', without(snapshot, 'hasMore'), 'hasMore'],
    ['snapshot without settings', without(snapshot, 'settings'), 'settings'],
    ['snapshot without a history cursor (null, not absent)', without(snapshot, 'before'), 'before'],
    ['snapshot with a negative history cursor', set(snapshot, { before: -1 }), 'before'],
    ['ack with a negative seq', { type: 'ack', id: 'c-1', seq: -1 }, 'seq'],
    ['ack with a 65-character id', { type: 'ack', id: 'a'.repeat(65), seq: 1 }, 'id'],
    ['ack without seq', { type: 'ack', id: 'c-1' }, 'seq'],
    ['error with an unknown code', { type: 'error', code: 'teapot', message: 'no' }, 'code'],
    ['error without a message', { type: 'error', code: 'internal' }, 'message'],
    ['event with a negative seq', eventFrame(-1, delta), 'seq'],
    ['event without at', without(eventFrame(1, delta), 'at'), 'at'],
    [
      'event of an unknown event type',
      eventFrame(1, { type: 'message.edited', messageId: 'm1' }),
      'event.type',
    ],
    [
      'event with a negative delta offset',
      eventFrame(1, set(delta, { offset: -1 })),
      'event.offset',
    ],
    [
      'batch holding a non-event frame',
      { type: 'batch', events: [{ type: 'pong', t: 1 }] },
      'events.0.type',
    ],
    [
      'batch holding an event with a negative seq',
      { type: 'batch', events: [eventFrame(-2, delta)] },
      'events.0.seq',
    ],
    ['pong without t', { type: 'pong' }, 't'],
    ['typing notice without a user', { type: 'typing', typing: true }, 'user'],
    [
      'typing notice with an empty user id',
      { type: 'typing', user: set(user, { id: '' }), typing: true },
      'user.id',
    ],
  ]);
});

describe('REST bodies', () => {
  describe('PostMessageBody', () => {
    accepts(PostMessageBodySchema, [
      ['text', { text: 'hi' }],
      ['text without a reply', { text: 'hi', reply: false }],
    ]);
    rejects(PostMessageBodySchema, [
      ['empty text', { text: '' }, 'text'],
      ['no text', {}, 'text'],
      ['numeric text', { text: 42 }, 'text'],
      ['a string reply', { text: 'hi', reply: 'no' }, 'reply'],
    ]);
  });

  describe('PostMessageResult', () => {
    accepts(PostMessageResultSchema, [['a result', { message, seq: 1, duplicate: false }]]);
    rejects(PostMessageResultSchema, [
      ['a result without duplicate', { message, seq: 1 }, 'duplicate'],
    ]);
  });

  describe('MessagePage', () => {
    accepts(MessagePageSchema, [
      ['a middle page', { messages: [message, reply], nextBefore: 1, seq: 40 }],
      ['the first page of the room', { messages: [message], nextBefore: null, seq: 40 }],
      ['an empty room', { messages: [], nextBefore: null, seq: 0 }],
    ]);
    rejects(MessagePageSchema, [
      ['a missing nextBefore (null, not absent)', { messages: [], seq: 0 }, 'nextBefore'],
      ['a negative nextBefore', { messages: [], nextBefore: -1, seq: 0 }, 'nextBefore'],
      ['a negative seq', { messages: [], nextBefore: null, seq: -5 }, 'seq'],
      [
        'a message with a negative seq',
        { messages: [set(message, { seq: -1 })], nextBefore: null, seq: 1 },
        'messages.0.seq',
      ],
      [
        'messages that is not an array',
        { messages: message, nextBefore: null, seq: 1 },
        'messages',
      ],
    ]);
  });

  describe('RoomInfo', () => {
    const info = {
      room: 'lobby',
      seq: 12,
      protocol: 1,
      devMode: true,
      presence: [user, set(user, { id: 'u2', role: 'operator' })],
      connections: 3,
      streaming: 1,
      limits,
      settings: { responder: 'demo', systemPrompt: 'Be brief.', reasoning: 'everyone' },
      responders: ['demo', 'openai'],
    };
    accepts(RoomInfoSchema, [['room info', info]]);
    rejects(RoomInfoSchema, [
      ['fractional connections', set(info, { connections: 1.5 }), 'connections'],
      [
        'a presence entry with an unknown role',
        set(info, { presence: [set(user, { role: 'owner' })] }),
        'presence.0.role',
      ],
      [
        'limits without maxMessageChars',
        set(info, { limits: without(limits, 'maxMessageChars') }),
        'limits.maxMessageChars',
      ],
      ['no room', without(info, 'room'), 'room'],
      ['a negative seq', set(info, { seq: -1 }), 'seq'],
    ]);
  });
});
