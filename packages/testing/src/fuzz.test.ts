// The adversarial suite (issue 12): tens of thousands of hostile frames against a live room, from
// viewers and members, before and after hello. Asserted: no crash, only error codes from the closed
// list, an error for every bad frame, and no change to the room. Prints one line
// `fuzz: frames=N crashes=C untyped=U state_changes=S`, then what went unanswered.
// FUZZ_SEED picks another run (the seed is printed); FUZZ_FRAMES sets how many frames.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signToken } from '@realstream/server';
import { ERROR_CODES, type Role, type Tool } from '@realstream/protocol';
import { startServer, type TestServer } from './harness.js';
import { namedAttacks } from './fuzz-attacks.js';
import { SEED, firstFrame, hostileFrame } from './fuzz-frames.js';
import { expectationOf, harmless } from './fuzz-oracle.js';
import { HELLO, Peer, Session, Stream, Tally, show, type Incoming } from './fuzz-session.js';

const SECRET = 'fuzz-secret-that-is-long-enough-for-hs256!!';
const ROOM = 'fuzz';
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 12);
const FRAMES = Number(process.env.FUZZ_FRAMES ?? 20_000);
/** Fuzzing sockets at once, half viewers, half members. */
const SOCKETS = 8;
/** Any REST read or snapshot slower than this: the room is not answering. */
const READ_MS = 10_000;
/** The fuzz stops sending after this long, so that a room that slows down still gets a report. */
const FUZZ_MS = 150_000;

/** Signs tokens for the room, a new user each time (a user's buckets are not shared by the fuzz). */
function tokens(room: string) {
  let users = 0;
  return (role: Role) =>
    signToken(SECRET, { sub: `${role}-${++users}`, name: `Fuzz ${role}`, room, role }, '1h');
}

type State = Record<string, unknown>;

/**
 * What a hostile frame must not change: messages, tools, calls and settings, as REST lists them and
 * as a fresh snapshot shows them. Presence and seq are left out: connecting changes them.
 */
async function roomState(server: TestServer, room: string, token: string) {
  const get = async (path: string) => {
    const res = await fetch(server.roomUrl(room) + path, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(READ_MS),
    });
    assert.equal(res.status, 200, `GET ${path}`);
    return (await res.json()) as State;
  };
  const page = await get('/messages?limit=200');
  const tools = await get('/tools');
  const info = await get('');
  const peer = await Peer.open(`ws://${server.host}/parties/main/${room}?token=${token}`);
  let snapshot: Incoming | undefined;
  peer.onFrame = (f) => void (f?.type === 'snapshot' && (snapshot = f));
  peer.send(HELLO);
  const got = await peer.until(() => snapshot !== undefined, READ_MS);
  peer.close();
  assert.ok(got && snapshot, 'a snapshot');
  const { messages, hasMore, before, settings, calls } = snapshot;
  return {
    parts: {
      'rest.messages': page.messages,
      'rest.nextBefore': page.nextBefore,
      'rest.tools': tools.tools,
      'rest.calls': tools.calls,
      'rest.settings': info.settings,
      'snapshot.messages': messages,
      'snapshot.page': { hasMore, before },
      'snapshot.tools': snapshot.tools,
      'snapshot.calls': calls,
      'snapshot.settings': settings,
    } as State,
    seq: snapshot.seq as number,
    tools: snapshot.tools as Tool[],
  };
}

/** The parts of the room that differ, each as `part: before -> after`. */
function differences(a: State, b: State): string[] {
  return Object.keys(a).flatMap((part) => {
    const [x, y] = [JSON.stringify(a[part]), JSON.stringify(b[part])];
    return x === y ? [] : [`${part}: ${show(x)} -> ${show(y)}`];
  });
}

describe('adversarial fuzz of a live room', () => {
  let server: TestServer;
  let operator: Peer | undefined;
  const token = tokens(ROOM);
  const url = (t: string) => `ws://${server.host}/parties/main/${ROOM}?token=${t}`;

  before(async () => {
    server = await startServer({
      persist: false,
      vars: {
        REALSTREAM_SECRET: SECRET,
        // The bucket must not be what answers the fuzz; the flood suite below is about the bucket.
        REALSTREAM_RATE_BURST: 100_000,
        REALSTREAM_RATE_PER_SECOND: 100_000,
      },
    });
  });
  after(async () => {
    operator?.close();
    await server?.stop();
  });

  /**
   * The room the fuzz must not change: two messages, a client tool only operators may call and
   * that needs approval (registered by the operator's socket, which stays open and watches the
   * room's events), a built-in switched off, a system prompt.
   */
  async function seed(): Promise<{
    changes: string[];
    initial: Awaited<ReturnType<typeof roomState>>;
  }> {
    const op = await Peer.open(url(await token('operator')));
    operator = op;
    const seen: Incoming[] = [];
    op.onFrame = (f) => void (f && seen.push(f));
    op.send(HELLO);
    assert.ok(await op.until(() => seen.some((f) => f.type === 'welcome'), READ_MS), 'welcome');
    const command = async (frame: Incoming) => {
      op.send(JSON.stringify(frame));
      const answer = () =>
        seen.find((f) => f.id === frame.id && (f.type === 'ack' || f.type === 'error'));
      assert.ok(await op.until(() => !!answer(), READ_MS), `an answer to ${frame.id}`);
      assert.equal(answer()!.type, 'ack', JSON.stringify(answer()));
    };
    const [m1, m2] = SEED.messages;
    const [reg, toggle, configure] = SEED.commands;
    await command({ type: 'message.send', id: m1, text: 'The vault code is 0000.', reply: false });
    await command({ type: 'message.send', id: m2, text: 'Second message.', reply: false });
    await command({
      type: 'tool.register',
      id: reg,
      tool: {
        name: SEED.operatorTool,
        description: 'Opens the vault. Operators only.',
        inputSchema: {
          type: 'object',
          properties: { q: { type: 'string' } },
          required: ['q'],
          additionalProperties: false,
        },
        requiresApproval: true,
        minRole: 'operator',
      },
    });
    await command({ type: 'tool.toggle', id: toggle, name: SEED.disabledTool, enabled: false });
    await command({
      type: 'room.configure',
      id: configure,
      settings: { systemPrompt: 'Be terse.' },
    });
    const initial = await roomState(server, ROOM, await token('operator'));
    // From here on, any event but presence, or a call sent to the operator's tool, is a change.
    const changes: string[] = [];
    op.onFrame = (f) => {
      const events =
        f?.type === 'event' ? [f] : f?.type === 'batch' ? (f.events as Incoming[]) : [];
      for (const e of events) {
        const event = e.event as Incoming;
        if ((e.seq as number) > initial.seq && !String(event.type).startsWith('presence.'))
          changes.push(`event ${show(JSON.stringify(event))}`);
      }
      if (f?.type === 'tool.run')
        changes.push(`tool.run to the operator: ${show(JSON.stringify(f))}`);
    };
    return { changes, initial };
  }

  it(
    `answers ${FRAMES} hostile frames with typed errors and changes nothing`,
    { timeout: 300_000 },
    async () => {
      const { changes, initial } = await seed();
      const tally = new Tally();
      const started = Date.now();
      const late = () => Date.now() - started > FUZZ_MS;
      /** A new fuzzing connection, or null (a crash) when the server does not take one. */
      const open = async (role: Role) => {
        tally.sockets++;
        try {
          return new Session(await Peer.open(url(await token(role))), role, tally, initial.tools);
        } catch (err) {
          tally.crash(`no connection: ${(err as Error).message}`, null);
          return null;
        }
      };
      const fuzzSocket = async (index: number) => {
        const role: Role = index % 2 ? 'member' : 'viewer';
        const frames = new Stream(hostileFrame, FUZZ_SEED * 1000 + index * 2);
        const firsts = new Stream(firstFrame, FUZZ_SEED * 1000 + index * 2 + 1);
        const quota = Math.ceil(FRAMES / SOCKETS);
        for (let life = 0, sent = 0, refused = 0; sent < quota && !late() && refused < 3; life++) {
          const session = await open(role);
          if (!session) {
            refused++;
            continue;
          }
          sent++;
          if (!(await session.first(firsts.next()))) continue;
          // Replaced now and then, so that first frames (before hello) are fuzzed too.
          const lifetime = 40 + ((index * 31 + life * 17) % 120);
          let alive = true;
          for (let k = 0; k < lifetime && sent < quota && alive && !late(); k++, sent++)
            alive = await session.step(frames.next());
          if (alive) await session.finish();
        }
      };
      await Promise.all(Array.from({ length: SOCKETS }, (_, i) => fuzzSocket(i)));
      const opToken = await token('operator');
      const read = () => roomState(server, ROOM, opToken).catch((err: Error) => err);
      // The room is read before each hand-written attack too: one that kills the room must not
      // hide what the others did.
      let final = await read();
      for (const { role, wires } of namedAttacks()) {
        const session = await open(role);
        const hello = { kind: 'hello', data: HELLO, binary: false };
        if (!session || !(await session.first(hello, false))) break;
        let alive = true;
        for (const wire of wires) alive &&= await session.step(wire, false);
        if (alive) await session.finish();
        const now = await read();
        if (now instanceof Error) {
          tally.crash(`the room stopped answering HTTP (${now.message})`, null);
          break;
        }
        final = now;
      }
      const seconds = (Date.now() - started) / 1000;
      if (operator?.closed)
        tally.crash(`the operator's socket was closed (${operator.closed.code})`, null);
      // A room that could never be read has not been shown unchanged.
      const differs =
        final instanceof Error ? ['unreadable'] : differences(initial.parts, final.parts);
      const stateChanges = differs.length + changes.length;

      console.log(`fuzz: seed=${FUZZ_SEED} sockets=${tally.sockets} seconds=${seconds.toFixed(1)}`);
      console.log(
        `fuzz: frames=${tally.frames} crashes=${tally.crashes.length} untyped=${tally.untyped.length} state_changes=${stateChanges}`,
      );
      console.log(`fuzz: unanswered=${tally.unanswered}`);
      if (tally.rateLimited)
        console.log(`fuzz: ${tally.rateLimited} frames were rate-limited (they count as answered)`);
      const causes = [...tally.byCause].sort((a, b) => b[1].count - a[1].count);
      for (const [cause, { count, example }] of causes)
        console.log(
          `fuzz:   ${count} x ${cause} (${example.kind}): ${show(example.data, example.binary)}`,
        );
      for (const c of tally.crashes.slice(0, 10)) console.log(`fuzz: crash: ${c}`);
      for (const u of tally.untyped.slice(0, 10)) console.log(`fuzz: untyped: ${u}`);
      for (const d of [...differs, ...changes].slice(0, 10))
        console.log(`fuzz: state change: ${d}`);
      if (tally.legitCloses.size)
        console.log(
          `fuzz: closed as they should be: ${[...tally.legitCloses].map(([c, n]) => `${n} x ${c}`).join(', ')}`,
        );
      for (const f of tally.outsideProtocol.slice(0, 3))
        console.log(`fuzz: server frame outside the protocol: ${f}`);

      assert.ok(tally.frames >= FRAMES, `at least ${FRAMES} frames (${tally.frames})`);
      assert.deepEqual(tally.crashes, [], 'no crash');
      assert.deepEqual(tally.untyped, [], 'only error codes from the closed list');
      assert.deepEqual([...differs, ...changes], [], 'the room did not change');
      assert.deepEqual(
        causes.map(([cause, { count }]) => `${count} x ${cause}`),
        [],
        'every bad frame got an error',
      );
    },
  );
});

describe('adversarial flood (a small bucket)', () => {
  const BURST = 20;
  const RATE_PER_SECOND = 5;
  let server: TestServer;
  const token = tokens('flood');

  before(async () => {
    server = await startServer({
      persist: false,
      vars: {
        REALSTREAM_SECRET: SECRET,
        REALSTREAM_RATE_BURST: BURST,
        REALSTREAM_RATE_PER_SECOND: RATE_PER_SECOND,
      },
    });
  });
  after(() => server?.stop());

  it('throttles a flood of hostile frames with typed errors, closes it with 4429, changes nothing', async () => {
    const opToken = await token('operator');
    const initial = await roomState(server, 'flood', opToken);
    const frames = new Stream(hostileFrame, FUZZ_SEED);
    for (const role of ['viewer', 'member'] as const) {
      const peer = await Peer.open(
        `ws://${server.host}/parties/main/flood?token=${await token(role)}`,
      );
      const got: Incoming[] = [];
      peer.onFrame = (f) => void (f && got.push(f));
      peer.send(HELLO);
      assert.ok(await peer.until(() => got.some((f) => f.type === 'welcome'), READ_MS), 'welcome');
      const floodStarted = Date.now();
      for (let sent = 0; sent < 300;) {
        const w = harmless(frames.next(), role, initial.tools);
        const data = typeof w.data === 'function' ? w.data() : w.data;
        // A hello of another protocol would be closed with 4400 before the flood is.
        if (expectationOf(data, w.binary, role, true).closes.length) continue;
        peer.send(data, w.binary);
        sent++;
      }
      assert.ok(await peer.until(() => peer.closed !== null, READ_MS), `${role}: closed`);
      assert.equal(peer.closed!.code, 4429, `${role}: closed for flooding`);
      const errors = got.filter((f) => f.type === 'error');
      const untyped = errors.filter((f) => !Object.hasOwn(ERROR_CODES, String(f.code)));
      assert.deepEqual(untyped, [], `${role}: only error codes from the closed list`);
      const limited = errors.filter((f) => f.code === 'rate_limited');
      assert.ok(limited.length > 0, `${role}: rate_limited errors before the close`);
      const through = got.filter((f) => ['ack', 'pong', 'error'].includes(String(f.type))).length;
      // One burst, plus what the bucket refilled while the flood was arriving (a loaded machine
      // reads 300 frames over a few hundred milliseconds), and not one frame more.
      const refilled = Math.ceil(((Date.now() - floodStarted) / 1000) * RATE_PER_SECOND);
      assert.ok(
        through - limited.length <= BURST + refilled,
        `${role}: ${through - limited.length} got through, more than the burst (${BURST}) and its refill (${refilled})`,
      );
    }
    const final = await roomState(server, 'flood', opToken);
    assert.deepEqual(differences(initial.parts, final.parts), [], 'the room did not change');
  });
});
