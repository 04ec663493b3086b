import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_JSON_DEPTH } from './json-depth.js';
import { clientFrameId, parseClientFrame } from './parse.js';
import { parseServerFrame, type ParseResult } from './validate.js';

/** Narrows to a failure, failing the test on success. */
function failure<T>(result: ParseResult<T>) {
  assert.equal(result.ok, false, `expected a failure, got ${JSON.stringify(result)}`);
  return result as Extract<ParseResult<T>, { ok: false }>;
}

describe('parseClientFrame', () => {
  for (const frame of [
    { type: 'hello', protocol: 1, since: 12 },
    { type: 'ping', t: 99 },
    { type: 'message.send', id: 'c-1', text: 'hi', reply: false },
    { type: 'message.stop', id: 'c-2', messageId: 'r1' },
    { type: 'typing', typing: true },
  ]) {
    it(`parses ${frame.type}`, () => {
      assert.deepEqual(parseClientFrame(JSON.stringify(frame)), { ok: true, value: frame });
    });
  }

  it('drops fields the protocol does not define', () => {
    const result = parseClientFrame('{"type":"ping","t":1,"admin":true}');
    assert.deepEqual(result, { ok: true, value: { type: 'ping', t: 1 } });
  });

  for (const raw of ['', '{', '{"type":"ping",}', 'ping', "{'type':'ping'}"]) {
    it(`answers bad_json to ${JSON.stringify(raw)}`, () => {
      const result = failure(parseClientFrame(raw));
      assert.equal(result.code, 'bad_json');
      assert.match(result.message, /^not JSON/);
      assert.equal(result.id, undefined);
    });
  }

  for (const raw of ['null', '[]', '[{"type":"ping","t":1}]', '42', '"hello"', 'true']) {
    it(`answers invalid_frame to ${raw}`, () => {
      const result = failure(parseClientFrame(raw));
      assert.equal(result.code, 'invalid_frame');
      assert.equal(result.id, undefined);
    });
  }

  it('answers unknown_type to an unknown type and keeps the command id', () => {
    const result = failure(parseClientFrame('{"type":"message.edit","id":"c-9","text":"x"}'));
    assert.equal(result.code, 'unknown_type');
    assert.equal(result.id, 'c-9');
    assert.match(result.message, /message\.edit/);
  });

  it('answers unknown_type without an id when the frame had none', () => {
    const result = failure(parseClientFrame('{"type":"shout"}'));
    assert.equal(result.code, 'unknown_type');
    assert.equal(result.id, undefined);
  });

  for (const raw of [
    '{"id":"c-1","text":"hi"}',
    '{"type":5}',
    '{"type":null}',
    '{"type":"Hello"}',
  ]) {
    it(`answers unknown_type to ${raw}`, () => {
      assert.equal(failure(parseClientFrame(raw)).code, 'unknown_type');
    });
  }

  it('caps a huge id it echoes back at 64 characters', () => {
    const result = failure(
      parseClientFrame(JSON.stringify({ type: 'nope', id: 'x'.repeat(10_000) })),
    );
    assert.equal(result.id, 'x'.repeat(64));
  });

  it('ignores a non-string id', () => {
    const result = failure(parseClientFrame('{"type":"nope","id":7}'));
    assert.equal(result.id, undefined);
  });

  const schemaFailures: [name: string, frame: object, field: string, id?: string][] = [
    ['message.send with empty text', { type: 'message.send', id: 'c-3', text: '' }, 'text', 'c-3'],
    ['message.send with a bad id', { type: 'message.send', id: 'c 3', text: 'hi' }, 'id', 'c 3'],
    ['message.stop without messageId', { type: 'message.stop', id: 'c-4' }, 'messageId', 'c-4'],
    ['hello with a negative since', { type: 'hello', protocol: 1, since: -1 }, 'since'],
    ['ping with a string t', { type: 'ping', t: 'now' }, 't'],
    ['typing without typing', { type: 'typing' }, 'typing'],
  ];
  for (const [name, frame, field, id] of schemaFailures) {
    it(`answers invalid_frame naming "${field}" to ${name}`, () => {
      const result = failure(parseClientFrame(JSON.stringify(frame)));
      assert.equal(result.code, 'invalid_frame');
      assert.ok(result.message.startsWith(`${field}: `), result.message);
      assert.equal(result.id, id);
    });
  }

  /** A tool.invoke whose arguments are `depth` nested arrays: the frame nests `depth + 2` deep. */
  const deepInvoke = (depth: number) =>
    `{"type":"tool.invoke","id":"deep-1","name":"tree.walk","args":{"root":${'['.repeat(depth)}${']'.repeat(depth)}}}`;

  it('answers invalid_frame to 5,000-deep arguments, keeping the id, without throwing', () => {
    const result = failure(parseClientFrame(deepInvoke(5000)));
    assert.equal(result.code, 'invalid_frame');
    assert.equal(result.message, `the frame nests deeper than ${MAX_JSON_DEPTH} levels`);
    assert.equal(result.id, 'deep-1');
  });

  it(`takes a frame exactly ${MAX_JSON_DEPTH} levels deep and refuses one level more`, () => {
    assert.equal(parseClientFrame(deepInvoke(MAX_JSON_DEPTH - 2)).ok, true);
    assert.equal(failure(parseClientFrame(deepInvoke(MAX_JSON_DEPTH - 1))).code, 'invalid_frame');
  });

  it('refuses a deep frame before asking what type it is', () => {
    const raw = `{"type":"nope","id":"d-2","x":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}`;
    const result = failure(parseClientFrame(raw));
    assert.equal(result.code, 'invalid_frame');
    assert.equal(result.id, 'd-2');
  });

  it('names every failing field, up to three', () => {
    const result = failure(
      parseClientFrame('{"type":"message.send","id":"a b","text":"","reply":1}'),
    );
    assert.equal(result.code, 'invalid_frame');
    const fields = result.message.split('; ').map((part) => part.split(':')[0]);
    assert.deepEqual(fields.sort(), ['id', 'reply', 'text']);
  });
});

describe('parseServerFrame', () => {
  const user = { id: 'u1', name: 'Ada', role: 'operator' };

  it('parses a welcome', () => {
    const welcome = {
      type: 'welcome',
      protocol: 1,
      room: 'lobby',
      connectionId: 'c',
      user,
      seq: 0,
      resume: 'none',
      devMode: true,
      limits: { maxFrameBytes: 1024, maxMessageChars: 10 },
    };
    assert.deepEqual(parseServerFrame(JSON.stringify(welcome)), { ok: true, value: welcome });
  });

  it('parses a batch of events', () => {
    const batch = {
      type: 'batch',
      events: [
        { type: 'event', seq: 4, at: 1, event: { type: 'presence.joined', user } },
        { type: 'event', seq: 5, at: 2, event: { type: 'presence.left', userId: 'u1' } },
      ],
    };
    assert.deepEqual(parseServerFrame(JSON.stringify(batch)), { ok: true, value: batch });
  });

  it('answers bad_json to a truncated frame', () => {
    const result = failure(parseServerFrame('{"type":"pong","t":1'));
    assert.equal(result.code, 'bad_json');
  });

  for (const raw of ['null', '[]', '"pong"', '{}']) {
    it(`answers invalid_frame to ${raw}`, () => {
      assert.equal(failure(parseServerFrame(raw)).code, 'invalid_frame');
    });
  }

  // The server side has no unknown_type answer: an unknown server frame is just invalid.
  it('answers invalid_frame naming "type" to an unknown type', () => {
    const result = failure(parseServerFrame('{"type":"shout","id":"c-1"}'));
    assert.equal(result.code, 'invalid_frame');
    assert.ok(result.message.startsWith('type: '), result.message);
  });

  it('answers invalid_frame to a client frame', () => {
    assert.equal(
      failure(parseServerFrame('{"type":"hello","protocol":1,"since":0}')).code,
      'invalid_frame',
    );
  });

  for (const [name, frame, field] of [
    [
      'an event with an unknown role',
      {
        type: 'event',
        seq: 1,
        at: 1,
        event: { type: 'presence.joined', user: { ...user, role: 'root' } },
      },
      'event.user.role',
    ],
    [
      'an event with an unknown event type',
      { type: 'event', seq: 1, at: 1, event: { type: 'zzz' } },
      'event.type',
    ],
    ['an ack with a negative seq', { type: 'ack', id: 'c-1', seq: -3 }, 'seq'],
    ['an error with an unknown code', { type: 'error', code: 'oops', message: 'x' }, 'code'],
    [
      'a batch with a bad delta',
      {
        type: 'batch',
        events: [
          {
            type: 'event',
            seq: 2,
            at: 1,
            event: { type: 'message.delta', messageId: 'r1', offset: -1, text: 'x' },
          },
        ],
      },
      'events.0.event.offset',
    ],
  ] as const) {
    it(`answers invalid_frame naming "${field}" to ${name}`, () => {
      const result = failure(parseServerFrame(JSON.stringify(frame)));
      assert.equal(result.code, 'invalid_frame');
      assert.ok(result.message.startsWith(`${field}: `), result.message);
    });
  }
});

describe('clientFrameId', () => {
  it('finds the id among the first keys of a frame without parsing the rest', () => {
    assert.equal(
      clientFrameId('{"type":"message.stop","id":"stop-20","messageId":"m"}'),
      'stop-20',
    );
    assert.equal(clientFrameId('{"id":"a1","type":"ping"}'), 'a1');
    assert.equal(
      clientFrameId(`{"type":"tool.invoke","id":"c-1","args":"${'x'.repeat(60_000)}"}`),
      'c-1',
    );
    assert.equal(clientFrameId(`{"type":"x","args":{"id":"inner"}}`), undefined, 'not a nested id');
    assert.equal(clientFrameId('{"type":"ping","id":"has space"}'), undefined, 'not an invalid id');
    assert.equal(clientFrameId('not json'), undefined);
  });
});
