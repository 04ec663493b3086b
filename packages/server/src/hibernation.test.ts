// Hibernation as the platform does it: a quiet room's object is evicted with its WebSockets still
// open, and a fresh object is made over the same storage and the same sockets (their attachments
// intact) when the next frame arrives. These tests do exactly that with RoomHost, the code both
// adapters run, over in-memory storage and sockets that keep an attachment.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventFrame, ServerFrame } from '@realstream/protocol';
import { encodeIdentity, IDENTITY_HEADER, type Identity } from './auth.js';
import { SEQ_BLOCK } from './event-log.js';
import { RESTING_HEADER } from './ops-party.js';
import { REPORT_MS, RoomHost, type EngineConnection, type RoomEngine } from './room-host.js';
import { MemoryStorage } from './storage.js';

class FakeSocket implements EngineConnection {
  frames: ServerFrame[] = [];
  closed: number | null = null;
  state: unknown = null;
  constructor(readonly id: string) {}
  send(data: string): void {
    if (this.closed !== null) throw new TypeError("Can't call WebSocket send() after close()");
    this.frames.push(JSON.parse(data) as ServerFrame);
  }
  close(code = 1000): void {
    this.closed = code;
  }
  setState(state: unknown): unknown {
    // An attachment is stored as a structured clone, like workerd's serializeAttachment.
    this.state = structuredClone(state);
    return this.state;
  }
  events(): EventFrame[] {
    return this.frames.flatMap((f) =>
      f.type === 'event' ? [f] : f.type === 'batch' ? f.events : [],
    );
  }
  next<T extends ServerFrame['type']>(type: T, after = 0): Extract<ServerFrame, { type: T }> {
    const found = this.frames.slice(after).find((f) => f.type === type);
    assert.ok(found, `${this.id} got a ${type} frame`);
    return found as Extract<ServerFrame, { type: T }>;
  }
}

/** One Durable Object as the platform keeps it across evictions: storage, sockets, the alarm. */
class FakeObject {
  readonly storage = new MemoryStorage();
  readonly sockets = new Set<FakeSocket>();
  alarmAt: number | null = null;
  reports: Record<string, string>[] = [];
  host!: RoomHost;
  constructor(private readonly vars: Record<string, string> = {}) {}

  engine(): RoomEngine {
    return {
      id: 'quiet',
      party: 'main',
      env: { REALSTREAM_LOG_LEVEL: 'error', ...this.vars },
      storage: this.storage,
      connections: () => [...this.sockets].filter((s) => s.closed === null),
      setAlarm: async (at) => void (this.alarmAt = at),
      deleteAlarm: async () => void (this.alarmAt = null),
      reportToOps: (init) => {
        this.reports.push(init.headers);
        return Promise.resolve(new Response(null, { status: 204 }));
      },
    };
  }

  /** A new object over the same storage and sockets: what the platform makes after an eviction. */
  async wake(): Promise<RoomHost> {
    this.host = new RoomHost(this.engine());
    await this.host.start();
    return this.host;
  }

  /** The platform drops the object: nothing of its memory survives, its sockets stay open. */
  evict(): void {
    this.host.room.shutdown();
    this.host = undefined as unknown as RoomHost;
  }

  connect(id: string, identity: Identity): FakeSocket {
    const socket = new FakeSocket(id);
    this.sockets.add(socket);
    const request = new Request('http://room/parties/main/quiet', {
      headers: { [IDENTITY_HEADER]: encodeIdentity(identity) },
    });
    this.host.connect(socket, request);
    return socket;
  }

  async frame(socket: FakeSocket, frame: object): Promise<void> {
    await this.host.message(socket, JSON.stringify(frame));
  }

  /** Runs the alarm once it is due (in real time: the tests wait for it). */
  async alarm(): Promise<void> {
    assert.notEqual(this.alarmAt, null, 'an alarm is set');
    const wait = this.alarmAt! - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait + 5));
    this.alarmAt = null;
    await this.host.alarm();
  }
}

const person = (id: string, exp: number | null = null): Identity => ({
  id,
  name: id.toUpperCase(),
  role: 'member',
  exp,
});

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('a room evicted while its clients are idle', () => {
  it('wakes on the next frame with every socket, and no client notices', async () => {
    const object = new FakeObject();
    await object.wake();
    const ada = object.connect('c-ada', person('ada'));
    const bob = object.connect('c-bob', person('bob'));
    await object.frame(ada, { type: 'hello', protocol: 1, since: 0 });
    await object.frame(bob, { type: 'hello', protocol: 1, since: 0 });
    await object.frame(ada, { type: 'message.send', id: 'm-1', text: 'before', reply: false });
    await settle();
    const before = ada.next('ack').seq;
    assert.equal(bob.events().at(-1)?.seq, before);

    // Quiet for SETTLE_MS: the alarm records where the log stands, and the room may go. (An alarm
    // set at the first frame finds the later ones too recent and is set again.)
    for (let i = 0; i < 3 && (await object.storage.get('meta:settled')) === undefined; i++)
      await object.alarm();
    assert.equal(await object.storage.get('meta:settled'), before);
    object.evict();
    const seen = { ada: ada.frames.length, bob: bob.frames.length };

    const host = await object.wake();
    assert.deepEqual(
      host.room.presenceList.map((u) => u.id),
      ['ada', 'bob'],
      'presence rebuilt from the attachments',
    );
    assert.deepEqual(
      { ada: ada.frames.length, bob: bob.frames.length },
      seen,
      'waking sends nothing: no presence.left / joined, no snapshot',
    );
    assert.equal(ada.closed, null);
    assert.equal(bob.closed, null);

    // Bob's next command works, and Ada sees its event right after the last one she had.
    await object.frame(bob, { type: 'message.send', id: 'm-2', text: 'after', reply: false });
    await settle();
    const ack = bob.frames.slice(seen.bob).find((f) => f.type === 'ack');
    assert.ok(ack && ack.type === 'ack');
    assert.equal(ack.seq, before + 1, 'the log continues where it was: no gap');
    const adaGot = ada.events().filter((e) => e.seq > before);
    assert.deepEqual(
      adaGot.map((e) => [e.seq, e.event.type]),
      [[before + 1, 'message.created']],
    );
    assert.equal(await object.storage.get('meta:settled'), undefined, 'in use again');

    // A command resent after the eviction is still applied once (the ledger is in storage).
    await object.frame(ada, { type: 'message.send', id: 'm-1', text: 'before', reply: false });
    await settle();
    const again = ada.frames.filter((f) => f.type === 'ack').at(-1);
    assert.ok(again?.type === 'ack' && again.seq === before && again.duplicate);

    // A client that reconnects with the `since` it had is replayed, not snapshotted.
    const ada2 = object.connect('c-ada-2', person('ada'));
    await object.frame(ada2, { type: 'hello', protocol: 1, since: before });
    await settle();
    assert.equal(ada2.next('welcome').resume, 'replay');
    assert.deepEqual(
      ada2.events().map((e) => e.seq),
      [before + 1],
    );
    // One from before the eviction's ring gets a snapshot, as after any restart.
    const old = object.connect('c-old', person('cy'));
    await object.frame(old, { type: 'hello', protocol: 1, since: before - 1 });
    await settle();
    assert.equal(old.next('welcome').resume, 'snapshot');
    object.host.room.shutdown();
  });

  it('skips to the next seq block when it was not quiet (no settled seq stored)', async () => {
    const object = new FakeObject();
    await object.wake();
    const ada = object.connect('c-ada', person('ada'));
    await object.frame(ada, { type: 'hello', protocol: 1, since: 0 });
    await object.frame(ada, { type: 'message.send', id: 'm-1', text: 'one', reply: false });
    await settle();
    object.evict(); // before the alarm could settle it: a crash, or a deploy
    await object.wake();
    const seen = ada.frames.length;
    await object.frame(ada, { type: 'message.send', id: 'm-2', text: 'two', reply: false });
    await settle();
    const ack = ada.frames.slice(seen).find((f) => f.type === 'ack');
    assert.ok(ack?.type === 'ack');
    assert.equal(ack.seq, SEQ_BLOCK + 1, 'a seq a client may have seen is never reused');
    object.host.room.shutdown();
  });

  it('keeps the deadlines of its sockets: hello and token expiry, from the alarm', async () => {
    const object = new FakeObject();
    await object.wake();
    const exp = Date.now() + 300;
    const ada = object.connect('c-ada', person('ada', exp));
    await object.frame(ada, { type: 'hello', protocol: 1, since: 0 });
    const mute = object.connect('c-mute', person('mute'));
    object.evict();
    await object.wake();
    assert.ok(object.alarmAt !== null && object.alarmAt <= exp, 'woken at the token expiry');
    await object.alarm();
    assert.equal(ada.closed, 4401, 'closed when its token expired');
    const last = ada.frames.at(-1);
    assert.equal(last?.type === 'error' && last.code, 'unauthorised');
    assert.equal(mute.closed, null, 'the one yet to say hello still has time');
    while (mute.closed === null) await object.alarm();
    assert.equal(mute.closed, 4408, 'closed for not saying hello, though the room was evicted');
    object.host.room.shutdown();
  });

  it('keeps the client tools its sockets implement', async () => {
    const object = new FakeObject();
    await object.wake();
    const impl = object.connect('c-impl', person('impl'));
    await object.frame(impl, { type: 'hello', protocol: 1, since: 0 });
    await object.frame(impl, {
      type: 'tool.register',
      id: 'r-1',
      tool: { name: 'page.color', description: 'Reads a colour', inputSchema: { type: 'object' } },
    });
    await settle();
    object.evict();
    const host = await object.wake();
    const tool = host.room.tools.list().find((t) => t.name === 'page.color');
    assert.equal(tool?.available, true, 'still available: its implementer is still connected');
    const ada = object.connect('c-ada', person('ada'));
    await object.frame(ada, { type: 'hello', protocol: 1, since: 0 });
    await object.frame(ada, { type: 'tool.invoke', id: 'call-1', name: 'page.color', args: {} });
    await settle();
    const run = impl.frames.find((f) => f.type === 'tool.run');
    assert.ok(run?.type === 'tool.run' && run.callId === 'call-1', 'the call reaches it');
    host.room.shutdown();
  });

  it('tells the ops party it rests, rather than going on reporting every few seconds', async () => {
    const object = new FakeObject();
    await object.wake();
    const ada = object.connect('c-ada', person('ada'));
    await object.frame(ada, { type: 'hello', protocol: 1, since: 0 });
    // The report timer runs while the room is busy; once it is quiet the next one says so.
    const deadline = Date.now() + 2 * REPORT_MS + 1000;
    while (!(RESTING_HEADER in (object.reports.at(-1) ?? {})) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    assert.ok(RESTING_HEADER in (object.reports.at(-1) ?? {}), 'the last report says it rests');
    const reports = object.reports.length;
    await new Promise((r) => setTimeout(r, REPORT_MS + 100));
    assert.equal(object.reports.length, reports, 'and then no report for a while');
    assert.ok(object.alarmAt !== null, 'the next (rare) report is the alarm’s');
    object.host.room.shutdown();
  });

  it('closes a socket it refuses at its first frame, holding no place meanwhile', async () => {
    // A hibernatable socket closed before the room read a frame from it may keep its TCP
    // connection for the client's close timeout; closed in its first frame's event it does not.
    const object = new FakeObject({ REALSTREAM_MAX_CONNECTIONS: '1' });
    await object.wake();
    const ada = object.connect('c-ada', person('ada'));
    await object.frame(ada, { type: 'hello', protocol: 1, since: 0 });
    const bob = object.connect('c-bob', person('bob'));
    assert.equal(bob.closed, null);
    assert.equal(object.host.room.conns.size, 1, 'not in the room');
    await object.frame(bob, { type: 'hello', protocol: 1, since: 0 });
    assert.equal(bob.closed, 4408);
    assert.deepEqual(bob.frames, [], 'its hello was not read');
    object.host.room.shutdown();
  });
});
