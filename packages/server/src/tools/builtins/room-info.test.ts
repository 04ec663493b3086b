import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@cfworker/json-schema';
import type { RoomView, ToolRunContext } from '../types.js';
import { roomInfoTool } from './room-info.js';

const room: RoomView = {
  name: 'design-review',
  seq: 42,
  presence: [
    { id: 'u1', name: 'Ada', role: 'operator' },
    { id: 'u2', name: 'Grace', role: 'member' },
    { id: 'u3', name: '', role: 'viewer' },
  ],
  connections: 4,
  messages: 17,
  streaming: 1,
  tools: [
    { name: 'time.now', enabled: true, available: true },
    { name: 'crm.lookup', enabled: true, available: false },
    { name: 'http.fetch', enabled: false, available: true },
  ],
};

const ctx = (view: RoomView) => ({ room: view }) as ToolRunContext;

describe('room.info', () => {
  it('reports the room as the view shows it, without user ids', async () => {
    assert.deepEqual(await roomInfoTool.run({}, ctx(room)), {
      name: 'design-review',
      seq: 42,
      people: [
        { name: 'Ada', role: 'operator' },
        { name: 'Grace', role: 'member' },
        { name: '', role: 'viewer' },
      ],
      connections: 4,
      messages: 17,
      streaming: 1,
      tools: [
        { name: 'time.now', enabled: true, available: true },
        { name: 'crm.lookup', enabled: true, available: false },
        { name: 'http.fetch', enabled: false, available: true },
      ],
    });
  });

  it('reports an empty room', async () => {
    const empty = {
      ...room,
      seq: 0,
      presence: [],
      connections: 0,
      messages: 0,
      streaming: 0,
      tools: [],
    };
    const out = (await roomInfoTool.run({}, ctx(empty))) as { people: unknown[]; tools: unknown[] };
    assert.deepEqual(out.people, []);
    assert.deepEqual(out.tools, []);
  });

  it('reads the room at call time, not when the tool was made', async () => {
    const live = structuredClone(room);
    live.messages = 18;
    live.presence.pop();
    const out = (await roomInfoTool.run({}, ctx(live))) as { messages: number; people: unknown[] };
    assert.equal(out.messages, 18);
    assert.equal(out.people.length, 2);
  });

  it('takes no arguments and matches its output schema', async () => {
    const input = new Validator(roomInfoTool.inputSchema as object, '2020-12', false);
    const output = new Validator(roomInfoTool.outputSchema as object, '2020-12', false);
    assert.ok(input.validate({}).valid);
    assert.ok(!input.validate({ room: 'other' }).valid);
    const out = (await roomInfoTool.run({}, ctx(room))) as object;
    assert.ok(output.validate(out).valid);
    // The schema would catch an id leaking into the output.
    assert.ok(!output.validate({ ...out, people: room.presence }).valid);
  });
});
