// The room driven directly (no workerd): a peer whose send throws, as workerd's does once a socket
// is closing, must not stop or reorder delivery to anyone else.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EventFrame, ServerFrame } from '@realstream/protocol';
import { readConfig } from './config.js';
import { Logger } from './log.js';
import { createResponders } from './responders/index.js';
import { Room, type Socket } from './room.js';
import { MemoryStorage } from './storage.js';

async function openRoom(): Promise<Room> {
  const config = readConfig({ REALSTREAM_METRICS: 'off' });
  return Room.open({
    name: 'direct',
    storage: new MemoryStorage(),
    config,
    logger: new Logger('error', {}, () => {}),
    responders: createResponders(config),
    serverTools: [],
  });
}

function peer(id: string, opts: { throwAfter?: number } = {}) {
  const frames: ServerFrame[] = [];
  let sends = 0;
  const closes: number[] = [];
  const socket: Socket = {
    id,
    send(data) {
      if (opts.throwAfter !== undefined && ++sends > opts.throwAfter)
        throw new TypeError("Can't call WebSocket send() after close()");
      frames.push(JSON.parse(data) as ServerFrame);
    },
    close: (code) => void closes.push(code),
  };
  const seqs = () =>
    frames.flatMap((f) =>
      f.type === 'event'
        ? [f.seq]
        : f.type === 'batch'
          ? f.events.map((e: EventFrame) => e.seq)
          : [],
    );
  return { socket, frames, closes, seqs };
}

const identity = (id: string) => ({ id, name: id, role: 'member' as const, exp: null });

describe('delivery past a peer whose send throws', () => {
  it('keeps sending to the others, in seq order, and drops only that peer', async () => {
    const room = await openRoom();
    try {
      const early = peer('early');
      const broken = peer('broken', { throwAfter: 2 });
      const late = peer('late');
      for (const p of [early, broken, late]) {
        room.connect(p.socket, identity(p.socket.id));
        await room.message(p.socket.id, JSON.stringify({ type: 'hello', protocol: 1, since: 0 }));
      }
      for (let i = 0; i < 5; i++) {
        const r = await room.send(identity('early'), `m-${i}`, `message ${i}`, false);
        assert.ok(r.ok);
      }
      await new Promise((r) => setTimeout(r, 10));
      for (const p of [early, late]) {
        const seqs = p.seqs();
        assert.deepEqual(
          seqs,
          [...seqs].sort((a, b) => a - b),
          `${p.socket.id}: in order`,
        );
        const texts = p.frames.flatMap((f) =>
          (f.type === 'event' ? [f] : f.type === 'batch' ? f.events : []).flatMap((e) =>
            e.event.type === 'message.created' ? [e.event.message.text] : [],
          ),
        );
        assert.deepEqual(
          texts,
          [0, 1, 2, 3, 4].map((i) => `message ${i}`),
          p.socket.id,
        );
      }
      assert.ok(!room.conns.has('broken'), 'the broken peer left the room');
      assert.deepEqual(broken.closes, [1011]);
    } finally {
      room.shutdown();
    }
  });
});
