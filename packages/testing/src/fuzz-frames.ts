/**
 * Hostile client frames for the adversarial suite (fuzz.test.ts), as fast-check arbitraries. Frames
 * are written as raw JSON text, so they can carry what a JS object cannot: own `__proto__` keys,
 * duplicate keys, `1e999`, 5,000-deep nesting. Binary frames and text frames that are not UTF-8
 * are bytes.
 */
import fc from 'fast-check';

/** What the suite seeds the room with as an operator; hostile frames replay these ids and names. */
export const SEED = {
  messages: ['seed-m1', 'seed-m2'],
  /** Ids of the operator's other commands: in the room's command ledger, but not messages. */
  commands: ['seed-reg', 'seed-toggle', 'seed-conf'],
  /** A client tool the operator registers: operators only, approval required. */
  operatorTool: 'ops.vault',
  /** A built-in the operator switches off. */
  disabledTool: 'text.stats',
} as const;

export const BUILTIN_TOOLS = ['math.evaluate', 'room.info', 'text.stats', 'time.now'] as const;

/** One frame as it goes on the wire. */
export interface Wire {
  /** For the report: the frame type and what was done to it, e.g. `tool.result:replace(callId)`. */
  kind: string;
  /** Text, bytes (binary frames, and text frames that are not UTF-8), or a large text made on send. */
  data: string | Uint8Array | (() => string);
  binary: boolean;
}

type Raw = string;
type Field = [key: string, value: Raw];

export const j = (v: unknown): string => JSON.stringify(v);
const obj = (fields: Field[]): Raw => `{${fields.map(([k, v]) => `${j(k)}:${v}`).join(',')}}`;
export const nest = (depth: number, shape: 'array' | 'object', leaf: Raw = '0'): Raw =>
  shape === 'array'
    ? '['.repeat(depth) + leaf + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
export const text = (data: string, kind: string): Wire => ({ kind, data, binary: false });

/** Ids reused across frames and sockets: the same id twice, and ids that earlier got an error. */
export const POOL_IDS = Array.from({ length: 12 }, (_, i) => `p-${i}`);

const idArb: fc.Arbitrary<Raw> = fc
  .oneof(
    { weight: 4, arbitrary: fc.constantFrom(...POOL_IDS) },
    { weight: 2, arbitrary: fc.constantFrom(...SEED.messages, ...SEED.commands) },
    { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/) },
  )
  .map(j);

const HUGE_NUMBERS = (
  '1e308 -1e308 1e999 -1e999 1E+400 9007199254740993 -9007199254740993 ' +
  '123456789012345678901234567890 -0 5e-324 4294967296 0.5 -1'
).split(' ');
/** Strings a lax parser would read as numbers, nothing or something else. */
const NAN_STRINGS = 'NaN|Infinity|-Infinity|1e999|0x1F| 42 ||\u0000|\ud800|null|undefined|true|-0'
  .split('|')
  .map(j);
const PROTO_VALUES = [
  '{"__proto__":{"polluted":true,"role":"operator"}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"__proto__":null}',
  '[{"__proto__":{"role":"operator"}}]',
  ...'__proto__ constructor prototype toString hasOwnProperty valueOf'.split(' ').map(j),
];

/** A value of the wrong type, size or shape for whatever field it lands in. */
const hostileValue: fc.Arbitrary<Raw> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('null', 'true', 'false', '[]', '{}', '0', '""') },
  { weight: 4, arbitrary: fc.constantFrom(...HUGE_NUMBERS) },
  { weight: 3, arbitrary: fc.constantFrom(...NAN_STRINGS) },
  { weight: 3, arbitrary: fc.constantFrom(...PROTO_VALUES) },
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(j) },
  { weight: 2, arbitrary: fc.string({ maxLength: 80, unit: 'binary' }).map(j) },
  // Longer than any id, name or message allows, yet under the frame cap.
  { weight: 2, arbitrary: fc.integer({ min: 65, max: 20_000 }).map((n) => j('x'.repeat(n))) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(200, 5000),
        fc.constantFrom('array', 'object') as fc.Arbitrary<'array' | 'object'>,
      )
      .map(([d, shape]) => nest(d, shape)),
  },
);

const shortText = fc.string({ minLength: 1, maxLength: 40 }).map(j);
const toolNameArb = fc
  .oneof(
    fc.constantFrom(...BUILTIN_TOOLS, SEED.operatorTool, 'no.such.tool', 'http.fetch'),
    fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}(\.[a-z][a-z0-9_-]{0,8}){0,2}$/),
  )
  .map(j);
const messageIdArb = fc
  .oneof(fc.constantFrom(...SEED.messages, 'nope'), fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/))
  .map(j);
const argsArb = fc.oneof(
  fc.constantFrom(
    '{}',
    '{"timeZone":"UTC"}',
    '{"timeZone":"Mars/Olympus"}',
    '{"expression":"1+1"}',
  ),
  fc.constantFrom('{"expression":"9^9^9^9"}', '{"text":"hi"}', '{"q":"x"}', '[]', 'null'),
  fc.jsonValue({ maxDepth: 2 }).map(j),
);
const schemaArb = fc.constantFrom(
  '{"type":"object"}',
  '{"type":"object","properties":{"a":{"type":"string"}}}',
  '{"$ref":"#"}',
  '{"type":"object","properties":{"a":{"$ref":"#"}}}',
  '{"type":"string","pattern":"(a+)+$"}',
  '{"$ref":"http://169.254.169.254/latest"}',
  '{"type":7}',
);
const roleArb = fc.constantFrom('"viewer"', '"member"', '"operator"', '"admin"', '"__proto__"');
const opt = (key: string, arb: fc.Arbitrary<Raw>): fc.Arbitrary<Field[]> =>
  fc.option(arb, { nil: undefined }).map((v) => (v === undefined ? [] : [[key, v] as Field]));
const fields = (...parts: fc.Arbitrary<Field[]>[]): fc.Arbitrary<Field[]> =>
  fc.tuple(...parts).map((p) => p.flat());
const req = (key: string, arb: fc.Arbitrary<Raw>): fc.Arbitrary<Field[]> =>
  arb.map((v) => [[key, v]]);

const toolSpecArb: fc.Arbitrary<Raw> = fields(
  req('name', toolNameArb),
  req('description', shortText),
  req('inputSchema', schemaArb),
  opt('outputSchema', schemaArb),
  opt('title', shortText),
  opt('timeoutMs', fc.constantFrom('100', '600000', '1000')),
  opt('requiresApproval', fc.constantFrom('true', 'false')),
  opt('minRole', roleArb),
).map(obj);

/** The fields (besides `type`) of a well-formed frame of each client type. */
const TEMPLATES: Record<string, fc.Arbitrary<Field[]>> = {
  hello: fields(
    req('protocol', fc.constantFrom('1', '1', '2', '0')),
    req('since', fc.constantFrom('0', '1', '3', '1000000', '9007199254740991')),
  ),
  ping: req('t', fc.double({ noNaN: true, noDefaultInfinity: true }).map(j)),
  'message.send': fields(
    req('id', idArb),
    req('text', fc.oneof(shortText, fc.constantFrom(j('x'.repeat(8001)), j(' ')))),
    opt('reply', fc.constantFrom('true', 'false')),
  ),
  'message.stop': fields(req('id', idArb), req('messageId', messageIdArb)),
  'message.retry': fields(req('id', idArb), req('messageId', messageIdArb)),
  'room.clear': req('id', idArb),
  'room.configure': fields(
    req('id', idArb),
    req(
      'settings',
      fc.constantFrom(
        '{}',
        '{"responder":"demo"}',
        '{"systemPrompt":"pwned"}',
        '{"responder":"x"}',
      ),
    ),
  ),
  watch: req('messageId', fc.oneof(messageIdArb, fc.constant('null'))),
  typing: req('typing', fc.constantFrom('true', 'false')),
  'tool.invoke': fields(req('id', idArb), req('name', toolNameArb), req('args', argsArb)),
  'tool.cancel': fields(req('id', idArb), req('callId', idArb)),
  'tool.toggle': fields(
    req('id', idArb),
    req('name', toolNameArb),
    req('enabled', fc.constantFrom('true', 'false')),
  ),
  'tool.register': fields(req('id', idArb), req('tool', toolSpecArb)),
  'tool.unregister': fields(req('id', idArb), req('name', toolNameArb)),
  'tool.decide': fields(
    req('id', idArb),
    req('callId', idArb),
    req('approve', fc.constantFrom('true', 'false')),
  ),
  'tool.progress': fields(
    req('callId', idArb),
    opt('text', shortText),
    opt('percent', fc.constantFrom('0', '50', '100')),
  ),
  'tool.result': fields(
    req('callId', idArb),
    opt('result', fc.jsonValue({ maxDepth: 2 }).map(j)),
    opt('error', fc.constantFrom('{"code":"x","message":"y"}')),
  ),
  'metrics.subscribe': req('id', idArb),
  'metrics.unsubscribe': req('id', idArb),
  'tap.subscribe': fields(
    req('id', idArb),
    opt('types', fc.constantFrom('["event"]', '[]')),
    opt('connection', fc.constantFrom('"*"', '"x"')),
  ),
  'tap.unsubscribe': req('id', idArb),
};
export const CLIENT_TYPES = Object.keys(TEMPLATES);

/** Not quite a client frame type: case, spaces, NUL, zero-width space, server types, Object.prototype. */
const TYPE_LOOKALIKES = (
  'Hello|PING|message.send | hello|hello\u0000|message|tool|tool.run|welcome|error|ack|snapshot|' +
  'event|batch|__proto__|constructor|toString|hasOwnProperty||message.send\u200b|MESSAGE.SEND'
).split('|');
const extraKeyArb = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'id', 'role', ''),
  fc.string({ maxLength: 12 }),
);

type Mutation =
  | { op: 'replace'; at: number; value: Raw }
  | { op: 'remove'; at: number }
  | { op: 'extra'; key: string; value: Raw }
  | { op: 'type'; value: Raw }
  | { op: 'dup-type'; value: Raw };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('replace' as const),
      at: fc.nat(),
      value: hostileValue,
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('remove' as const), at: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('extra' as const),
      key: extraKeyArb,
      value: hostileValue,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('type' as const),
      value: fc.oneof(fc.constantFrom(...TYPE_LOOKALIKES).map(j), hostileValue),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('dup-type' as const),
      value: fc.constantFrom(...CLIENT_TYPES).map(j),
    }),
  },
);

function build(type: string, body: Field[], mutations: Mutation[]): Wire {
  const all: Field[] = [['type', j(type)], ...body];
  const labels: string[] = [];
  for (const m of mutations) {
    if (m.op === 'replace' || m.op === 'remove') {
      if (all.length === 0) continue;
      const at = m.at % all.length;
      labels.push(`${m.op}(${all[at][0]})`);
      if (m.op === 'replace') all[at] = [all[at][0], m.value];
      else all.splice(at, 1);
    } else if (m.op === 'extra') {
      labels.push(`extra(${/^[\w$]*$/.test(m.key) && m.key.length < 16 ? m.key : '?'})`);
      all.push([m.key, m.value]);
    } else if (m.op === 'type') {
      labels.push('type');
      const at = all.findIndex(([k]) => k === 'type');
      if (at >= 0) all.splice(at, 1);
      all.unshift(['type', m.value]);
    } else {
      labels.push('dup-type');
      all.push(['type', m.value]);
    }
  }
  return text(obj(all), `${type}:${labels.join('+') || 'valid'}`);
}

/** A frame of a known type, well-formed or with one to three fields mangled. */
export const structuredFrame: fc.Arbitrary<Wire> = fc
  .constantFrom(...CLIENT_TYPES)
  .chain((type) =>
    fc
      .tuple(TEMPLATES[type], fc.array(mutationArb, { maxLength: 3 }))
      .map(([body, muts]) => build(type, body, muts)),
  );

const validFrame: fc.Arbitrary<string> = fc
  .constantFrom(...CLIENT_TYPES)
  .chain((type) => TEMPLATES[type].map((body) => obj([['type', j(type)], ...body])));

/** Bytes that are not UTF-8, spliced into a frame: ws sends them as a text frame on request. */
const BAD_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0xc0, 0x80],
  [0x80],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
];
const badUtf8: fc.Arbitrary<Wire> = fc
  .tuple(validFrame, fc.constantFrom(...BAD_UTF8), fc.nat(), fc.boolean())
  .map(([frame, bad, at, inString]) => {
    const bytes = Buffer.from(frame, 'utf8');
    // Inside a string value (the frame may still parse) or anywhere (it will not).
    const quote = bytes.lastIndexOf(0x22);
    const pos = inString && quote > 0 ? quote : at % (bytes.length + 1);
    return {
      kind: `bad-utf8:${inString ? 'in-string' : 'anywhere'}`,
      data: new Uint8Array(
        Buffer.concat([bytes.subarray(0, pos), Buffer.from(bad), bytes.subarray(pos)]),
      ),
      binary: false,
    };
  });

const binaryFrame: fc.Arbitrary<Wire> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => ({ kind: 'binary:random', data: b, binary: true })),
  validFrame.map((f) => ({
    kind: 'binary:json',
    data: new Uint8Array(Buffer.from(f)),
    binary: true,
  })),
);

/** The server's default cap (the suite does not set REALSTREAM_MAX_FRAME_BYTES). */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Over the cap: by characters, by UTF-8 bytes only (3-byte characters), and a few near 1 MiB. */
const oversized: fc.Arbitrary<Wire> = fc
  .tuple(
    fc.oneof(
      { weight: 12, arbitrary: fc.integer({ min: MAX_FRAME_BYTES + 1, max: 200_000 }) },
      { weight: 3, arbitrary: fc.constant(MAX_FRAME_BYTES + 1) },
      { weight: 1, arbitrary: fc.integer({ min: 1_000_000, max: 1024 * 1024 - 100 }) },
    ),
    fc.constantFrom('message.send', 'ping', 'tool.register', 'tool.result'),
    fc.boolean(),
  )
  .map(([bytes, type, wide]) => ({
    kind: `oversized:${type}${wide ? ':3-byte-chars' : ''}`,
    binary: false,
    data: () => {
      const head = {
        'message.send': '{"type":"message.send","id":"big-1","reply":false,"text":"',
        ping: '{"type":"ping","t":1,"pad":"',
        'tool.register':
          '{"type":"tool.register","id":"big-2","tool":{"name":"big.tool","inputSchema":{},"description":"',
        'tool.result': '{"type":"tool.result","callId":"big-3","result":"',
      }[type];
      const tail = type === 'tool.register' ? '"}}' : '"}';
      const room = bytes - head.length - tail.length;
      const pad = wide ? '€'.repeat(Math.ceil(room / 3)) : 'x'.repeat(room);
      return head + pad + tail;
    },
  }));

/** The mix each fuzzing socket sends once it has said hello. */
export const hostileFrame: fc.Arbitrary<Wire> = fc.oneof(
  { weight: 60, arbitrary: structuredFrame },
  { weight: 5, arbitrary: fc.jsonValue().map((v) => text(j(v), 'random-json')) },
  {
    weight: 3,
    arbitrary: fc
      .dictionary(extraKeyArb, hostileValue, { maxKeys: 4 })
      .map((d) => text(obj(Object.entries(d) as Field[]), 'random-object')),
  },
  {
    weight: 3,
    arbitrary: fc.string({ maxLength: 200, unit: 'binary' }).map((s) => text(s, 'random-text')),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(200, 5000),
        fc.constantFrom('array', 'object') as fc.Arbitrary<'array' | 'object'>,
      )
      .map(([d, shape]) => text(nest(d, shape), `deep-${d}:bare-${shape}`)),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(200, 5000), validFrame)
      .map(([d, f]) =>
        text(`${f.slice(0, -1)},"deep":${nest(d, 'array')}}`, `deep-${d}:in-valid-frame`),
      ),
  },
  { weight: 5, arbitrary: binaryFrame },
  { weight: 6, arbitrary: badUtf8 },
  { weight: 3, arbitrary: oversized },
);

/** Hellos that must not confuse a fresh connection: `since` in the future, negative, huge, not a number. */
const hostileHello: fc.Arbitrary<Wire> = fc
  .tuple(
    fc.constantFrom('1', '1', '1', '2', '0', '-1', '"1"', '1.0', '1e999', 'null'),
    fc.constantFrom(
      '1000000',
      '9007199254740991',
      '9007199254740992',
      '1e300',
      '-1',
      '0.5',
      '"5"',
      'null',
      '[]',
      '0',
      '2',
      '-0',
    ),
    fc.option(fc.tuple(extraKeyArb, hostileValue), { nil: undefined }),
  )
  .map(([protocol, since, extra]) => {
    const f: Field[] = [
      ['type', '"hello"'],
      ['protocol', protocol],
      ['since', since],
    ];
    if (extra) f.push(extra);
    return text(obj(f), `hello:first(protocol=${protocol},since=${since}${extra ? ',extra' : ''})`);
  });

/** The first frame of a fresh connection: a strange hello, or a command before any hello. */
export const firstFrame: fc.Arbitrary<Wire> = fc.oneof(
  { weight: 1, arbitrary: hostileHello },
  { weight: 2, arbitrary: hostileFrame.map((w) => ({ ...w, kind: `before-hello:${w.kind}` })) },
);
