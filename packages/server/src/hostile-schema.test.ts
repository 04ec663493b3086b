// Hostile JSON Schemas and arguments against a real `partykit dev` (workerd): a member cannot
// register a tool whose schema could stall the room, and arguments nested too deeply are refused
// before anything recurses into them, while the room keeps answering.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Validator, type Schema } from '@cfworker/json-schema';
import { MAX_JSON_DEPTH, schemaProblem, type Role, type Tool } from '@realstream/protocol';
import { startServer, type TestServer } from '@realstream/testing/harness';
import { openRaw } from '@realstream/testing/raw-socket';
import { signToken } from './auth.js';
import { builtinTools } from './tools/builtins/index.js';

const SECRET = 'hostile-schema-secret-0123456789abcdef-01';

/** `depth` nested arrays as JSON text: JSON.stringify itself overflows on such a value. */
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** A tree of any depth: the schema validators recurse into, one level per level of the value. */
const treeSchema = {
  type: 'object',
  properties: { root: { $ref: '#/$defs/node' } },
  $defs: { node: { type: 'array', items: { $ref: '#/$defs/node' } } },
};

describe('hostile schemas and arguments', () => {
  let server: TestServer;
  const join = async (room: string, sub: string, role: Role) => {
    const token = await signToken(SECRET, { sub, name: sub, room, role });
    const socket = await openRaw(server, room, { token });
    await socket.hello();
    return socket;
  };

  before(async () => {
    server = await startServer({ persist: false, vars: { REALSTREAM_SECRET: SECRET } });
  });
  after(() => server.stop());

  it('refuses to register a tool whose pattern backtracks exponentially', async () => {
    const ada = await join('regex', 'ada', 'member');
    ada.send({
      type: 'tool.register',
      id: 'reg-evil',
      tool: {
        name: 'code.check',
        description: 'Checks a code',
        inputSchema: {
          type: 'object',
          properties: { code: { type: 'string', pattern: '^(a+)+$' } },
        },
      },
    });
    const err = await ada.next('error', (f) => f.id === 'reg-evil');
    assert.equal(err.code, 'invalid_frame');
    assert.match(err.message, /#\/properties\/code\/pattern: \^\(a\+\)\+\$ nests a repeated group/);
    assert.ok(!ada.frames.some((f) => f.type === 'ack' && f.id === 'reg-evil'), 'no ack');
    const res = await fetch(`${server.roomUrl('regex')}/tools`, {
      headers: {
        authorization: `Bearer ${await signToken(SECRET, { sub: 'ada', room: 'regex' })}`,
      },
    });
    const { tools } = (await res.json()) as { tools: Tool[] };
    assert.ok(!tools.some((t) => t.name === 'code.check'), 'the tool was not registered');

    // The same room still takes a tool with an ordinary pattern.
    ada.send({
      type: 'tool.register',
      id: 'reg-fine',
      tool: {
        name: 'code.fine',
        description: 'Checks a code',
        inputSchema: {
          type: 'object',
          properties: { code: { type: 'string', pattern: '^[A-Z]{3}$' } },
        },
      },
    });
    await ada.next('ack', (f) => f.id === 'reg-fine');
    ada.close();
  });

  it('refuses schemas that recurse forever, fan out or are too big to check', async () => {
    const ada = await join('shapes', 'ada', 'member');
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['cycle', { properties: { a: { $ref: '#/properties/a' } } }, /\$ref cycle/],
      [
        'fanout',
        { type: 'array', anyOf: [{ items: { $ref: '#' } }, { items: { $ref: '#' } }] },
        /more than 128 times/,
      ],
      // Small in bytes (a definition may have 16 KiB), large in what the walk must visit.
      ['huge', { enum: Array.from({ length: 2500 }, () => 0) }, /more than 2000 keywords/],
      ['unanchored', { properties: { a: { pattern: '[a-z]+@' } } }, /polynomial time/],
    ];
    for (const [name, inputSchema, why] of cases) {
      ada.send({
        type: 'tool.register',
        id: `reg-${name}`,
        tool: { name: `shape.${name}`, description: name, inputSchema },
      });
      const err = await ada.next('error', (f) => f.id === `reg-${name}`);
      assert.equal(err.code, 'invalid_frame', name);
      assert.match(err.message, why, name);
    }
    ada.close();
  });

  it('answers 5,000-deep arguments with invalid_frame at once, and keeps answering', async () => {
    const impl = await join('deep', 'impl', 'member');
    impl.send({
      type: 'tool.register',
      id: 'reg-tree',
      tool: { name: 'tree.walk', description: 'Walks a tree', inputSchema: treeSchema },
    });
    await impl.next('ack', (f) => f.id === 'reg-tree');
    const bob = await join('deep', 'bob', 'member');
    const started = Date.now();
    bob.send(
      `{"type":"tool.invoke","id":"deep-1","name":"tree.walk","args":{"root":${nested(5000)}}}`,
    );
    const err = await bob.next('error', (f) => f.id === 'deep-1', 5_000);
    assert.equal(err.code, 'invalid_frame');
    assert.match(err.message, new RegExp(`deeper than ${MAX_JSON_DEPTH} levels`));
    bob.send({ type: 'ping', t: 42 });
    await bob.next('pong', (f) => f.t === 42, 5_000);
    assert.ok(Date.now() - started < 5_000, 'refused quickly');
    assert.ok(!impl.frames.some((f) => f.type === 'tool.run'), 'the tool never ran');

    // A tree as deep as a frame allows still reaches the tool.
    bob.send(
      `{"type":"tool.invoke","id":"deep-2","name":"tree.walk","args":{"root":${nested(60)}}}`,
    );
    await bob.next('ack', (f) => f.id === 'deep-2');
    await impl.next('tool.run', (f) => f.callId === 'deep-2');
    impl.close();
    bob.close();
  });

  it('refuses 5,000-deep REST bodies with invalid_frame too', async () => {
    const token = await signToken(SECRET, { sub: 'script', room: 'rest', role: 'member' });
    const res = await fetch(`${server.roomUrl('rest')}/tools/text.stats/invoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: `{"args":{"text":${nested(5000)}}}`,
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'invalid_frame');
    assert.match(body.error.message, /body nests deeper than/);
  });
});

describe('the schema check agrees with @cfworker/json-schema', () => {
  it('passes every built-in tool schema', () => {
    const tools = builtinTools({ httpFetchHosts: ['example.com'] });
    for (const t of tools) {
      assert.equal(schemaProblem(t.inputSchema), null, t.name);
      if (t.outputSchema) assert.equal(schemaProblem(t.outputSchema), null, t.name);
    }
  });

  // Each of these overflows the validator's stack on the value given, however shallow it is.
  const cycles: [string, Record<string, unknown>, unknown][] = [
    ['a pointer to itself', { properties: { a: { $ref: '#/properties/a' } } }, { a: 1 }],
    ['the root', { allOf: [{ $ref: '#' }] }, 1],
    [
      'an anchor',
      { $defs: { x: { $anchor: 'me', allOf: [{ $ref: '#me' }] } }, $ref: '#/$defs/x' },
      1,
    ],
    [
      'a nested $id',
      {
        $defs: { x: { $id: 'sub.json', properties: { b: { $ref: '#/properties/b' } } } },
        properties: { a: { $ref: 'sub.json' } },
      },
      { a: { b: 1 } },
    ],
    [
      'the library base URI',
      { properties: { a: { $ref: 'https://github.com/cfworker#/properties/a' } } },
      { a: 1 },
    ],
  ];
  for (const [name, schema, value] of cycles) {
    it(`finds the $ref cycle through ${name}`, () => {
      assert.match(schemaProblem(structuredClone(schema)) ?? '', /\$ref cycle/);
      assert.throws(
        () => new Validator(structuredClone(schema), '2020-12').validate(value),
        RangeError,
      );
    });
  }

  it('accepts recursive schemas that step into the value, and the library validates them', () => {
    for (const schema of [
      treeSchema,
      { type: 'object', properties: { children: { type: 'array', items: { $ref: '#' } } } },
      {
        $defs: {
          json: {
            anyOf: [
              { type: ['string', 'number', 'boolean', 'null'] },
              { type: 'array', items: { $ref: '#/$defs/json' } },
              { type: 'object', additionalProperties: { $ref: '#/$defs/json' } },
            ],
          },
        },
        $ref: '#/$defs/json',
      },
    ]) {
      assert.equal(schemaProblem(schema), null);
      let value: unknown = 1;
      for (let i = 0; i < MAX_JSON_DEPTH - 2; i++)
        value = i % 2 ? [value] : { root: [value], children: [] };
      const validator = new Validator(structuredClone(schema) as Schema, '2020-12');
      assert.doesNotThrow(() => validator.validate(value));
    }
  });
});
