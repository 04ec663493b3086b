/**
 * What the server must answer to each hostile frame (fuzz.test.ts), worked out from the protocol
 * itself: the frame is decoded the way workerd decodes it, then read with the protocol's own
 * parser, then judged by the role rules of ARCHITECTURE.md. Also rewrites the frames a member may
 * legitimately use to change the room into ones it must be refused, so "no change to the room" stays
 * a strict assertion for member sockets too.
 */
import { Validator } from '@cfworker/json-schema';
import {
  CLOSE_CODES,
  PROTOCOL_VERSION,
  parseClientFrame,
  roleAtLeast,
  type ClientFrame,
  type Role,
  type Tool,
} from '@realstream/protocol';
import { MAX_FRAME_BYTES, SEED, type Wire } from './fuzz-frames.js';

/** The server's default (the suite does not set REALSTREAM_MAX_MESSAGE_CHARS). */
export const MAX_MESSAGE_CHARS = 8000;
/**
 * ARCHITECTURE.md: "Every inbound frame: size cap, JSON parse, depth bound". Whatever the bound is,
 * a frame nested this deep is past it and must be refused, even when its schema would take it.
 */
export const MUST_REFUSE_DEPTH = 1000;
/** workerd's own limit: a larger message closes the socket with 1009 before the room sees it. */
const WORKERD_MAX_MESSAGE = 1024 * 1024;

/** The lowest role for each client frame (ARCHITECTURE.md, trust boundaries). */
export const NEEDS: Record<ClientFrame['type'], Role> = {
  hello: 'viewer',
  ping: 'viewer',
  watch: 'viewer',
  'tool.invoke': 'viewer', // then each tool's own minRole
  'message.send': 'member',
  'message.stop': 'member',
  'message.retry': 'member',
  typing: 'member',
  'tool.cancel': 'member',
  'tool.register': 'member',
  'tool.unregister': 'member',
  'tool.progress': 'member',
  'tool.result': 'member',
  'room.clear': 'operator',
  'room.configure': 'operator',
  'tool.toggle': 'operator',
  'tool.decide': 'operator',
  'metrics.subscribe': 'operator',
  'metrics.unsubscribe': 'operator',
  'tap.subscribe': 'operator',
  'tap.unsubscribe': 'operator',
  'mcp.add': 'operator',
  'mcp.remove': 'operator',
  'mcp.reconnect': 'operator',
  'mcp.approve': 'operator',
};

export interface Expect {
  /**
   * error: an `error` frame (a bad frame "gets a typed error and changes nothing"); reply: an
   * answer of any kind (ack, error, pong, welcome); none: fire-and-forget, nothing is owed.
   */
  need: 'error' | 'reply' | 'none';
  /** Why, for the report. */
  why: string;
  /** Close codes the server may legitimately close the socket with after this frame. */
  closes: number[];
  /** The command id an answer sent after later frames' answers carries (the room is async). */
  asyncId?: string;
}

/** The text the room sees: workerd decodes a text frame replacing bytes that are not UTF-8. */
export function wireText(data: string | Uint8Array): string {
  return typeof data === 'string' ? data : new TextDecoder().decode(data);
}

export function byteLength(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}

/**
 * How deeply the value of a JSON text nests (what anything recursing over the frame would meet),
 * walked without recursion. A duplicate key's earlier value is gone after JSON.parse: not counted.
 */
export function depthOf(text: string): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[JSON.parse(text), 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Array.isArray(value) ? value : Object.values(value))
      stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * The protocol's parser, which the server runs on every frame. A frame it throws on (a 5,000-deep
 * `type` overflows the stack where the error message quotes it) is a bad frame all the same.
 */
function parse(
  text: string,
): ReturnType<typeof parseClientFrame> | { ok: false; code: 'throws'; message: string } {
  try {
    return parseClientFrame(text);
  } catch (err) {
    return { ok: false, code: 'throws', message: String(err) };
  }
}

const refuse = (why: string, extra: Partial<Expect> = {}): Expect => ({
  need: 'error',
  why,
  closes: [],
  ...extra,
});

/**
 * What a connection of `role` that has (`ready`) or has not said hello is owed for `data`.
 * Frames are judged as sent, after `harmless`.
 */
export function expectationOf(
  data: string | Uint8Array,
  binary: boolean,
  role: Role,
  ready: boolean,
): Expect {
  const bytes = byteLength(data);
  if (bytes > WORKERD_MAX_MESSAGE) return { need: 'none', why: 'over 1 MiB', closes: [1009] };
  if (binary) return refuse('binary');
  if (bytes > MAX_FRAME_BYTES) return refuse('too large');
  const text = wireText(data);
  const parsed = parse(text);
  if (!parsed.ok)
    return refuse(
      parsed.code === 'throws'
        ? `the protocol parser throws (${parsed.message})`
        : `not a frame (${parsed.code})`,
    );
  const frame = parsed.value;
  const id = 'id' in frame ? frame.id : undefined;
  const mismatch = frame.type === 'hello' && frame.protocol !== PROTOCOL_VERSION;
  const closes = mismatch ? [CLOSE_CODES.protocol_mismatch] : [];
  if (depthOf(text) > MUST_REFUSE_DEPTH)
    return refuse(`${frame.type} nested past the depth bound`, { closes });
  if (!roleAtLeast(role, NEEDS[frame.type]))
    return refuse(`${frame.type} needs ${NEEDS[frame.type]}`);
  if (frame.type === 'hello') {
    if (mismatch) return refuse('protocol mismatch', { closes });
    return ready ? refuse('second hello') : { need: 'reply', why: 'welcome', closes: [] };
  }
  if (!ready) return refuse(`${frame.type} before hello`);
  switch (frame.type) {
    case 'ping':
      return { need: 'reply', why: 'pong', closes: [] };
    // Ephemeral hints: the room may drop them silently (a watch of a reply not streaming is dropped).
    case 'watch':
    case 'typing':
      return { need: 'none', why: 'ephemeral', closes: [] };
    // Nothing it names is registered by this connection: acked as a no-op, or refused.
    case 'tool.unregister':
      return { need: 'reply', why: 'unregister', closes: [], asyncId: id };
    // Only replays of the seeded messages reach here (harmless): an ack of the duplicate.
    case 'message.send':
      return frame.text.length > MAX_MESSAGE_CHARS
        ? refuse('message too long', { asyncId: id })
        : { need: 'reply', why: 'replayed message id', closes: [], asyncId: id };
    // A browser's answers to calls: well-formed ones for a call that is not running here are
    // dropped unanswered, like a hint. A result arriving just after its call timed out or was
    // cancelled is an everyday race, and an error for it would only reach the page as noise.
    // That nothing changes is still checked.
    case 'tool.progress':
    case 'tool.result':
      return { need: 'none', why: 'answer to no call running here', closes: [] };
    default:
      return refuse(`${frame.type} refused by the room`, { asyncId: id });
  }
}

/**
 * Rewrites a well-formed frame that `role` may legitimately use to change the room (post a message,
 * register a tool, start a call) into one the room must refuse or answer as a duplicate, keeping its
 * hostile parts. Everything else is returned as it is.
 */
export function harmless(wire: Wire, role: Role, tools: Tool[]): Wire {
  const { data } = wire;
  if (wire.binary || typeof data === 'function' || byteLength(data) > MAX_FRAME_BYTES) return wire;
  const parsed = parse(wireText(data));
  if (!parsed.ok) return wire;
  const frame = parsed.value;
  // Appended as a duplicate key (the last one wins in JSON.parse): no re-serialising, which would
  // overflow the stack on a 5,000-deep frame, and the hostile rest of the frame (bytes that are
  // not UTF-8 included) stays as it was.
  const rewrite = (key: string, value: unknown): Wire => {
    const bytes = Buffer.from(data);
    const end = bytes.lastIndexOf(0x7d);
    const extra = Buffer.from(`,${JSON.stringify(key)}:${JSON.stringify(value)}`);
    const out = Buffer.concat([bytes.subarray(0, end), extra, bytes.subarray(end)]);
    return { ...wire, data: typeof data === 'string' ? out.toString() : new Uint8Array(out) };
  };
  const member = roleAtLeast(role, 'member');
  switch (frame.type) {
    case 'message.send':
      if (
        !member ||
        frame.text.length > MAX_MESSAGE_CHARS ||
        SEED.messages.includes(frame.id as never)
      )
        return wire;
      // A replay of a seeded message (answered as a duplicate) or an empty text (refused).
      return frame.text.length % 2
        ? rewrite('id', SEED.messages[frame.id.length % 2])
        : rewrite('text', '');
    case 'tool.register':
      // A server tool's name is never a member's to take; the operator's tool is the attack itself.
      if (
        !member ||
        frame.tool.name === SEED.operatorTool ||
        tools.some((t) => t.name === frame.tool.name && t.kind !== 'client')
      )
        return wire;
      return rewrite('tool', { name: 'time.now', description: 'mine', inputSchema: {} });
    case 'tool.invoke': {
      const tool = tools.find((t) => t.name === frame.name);
      const runnable = tool && tool.enabled && roleAtLeast(role, tool.minRole);
      if (
        !runnable ||
        !new Validator(tool.inputSchema as never, '2020-12').validate(frame.args).valid
      )
        return wire;
      return rewrite('name', 'no.such.tool');
    }
    default:
      return wire;
  }
}
