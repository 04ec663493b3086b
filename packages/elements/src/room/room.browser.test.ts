/// <reference types="mocha" />
// <realstream-room client=...>: a client made elsewhere (your own, or a test double) is shared
// with the elements inside instead of the room opening one.
import { expect } from '@open-wc/testing';
import { FakeClient, message } from '../../test/fake-client.js';
import { $$, settle, text } from '../../test/mount.js';
import { RealstreamRoom } from './room.js';

describe('realstream-room client property', () => {
  let room: RealstreamRoom;
  afterEach(() => room?.remove());

  it('shares a given client with the chat inside, opens none, and never closes it', async () => {
    const fake = new FakeClient();
    fake.$messages.set([message('Hello from a client made elsewhere')]);
    room = document.createElement('realstream-room');
    room.client = fake;
    const chat = document.createElement('realstream-chat');
    room.append(chat);
    document.body.append(room);
    await settle(chat);

    expect(room.client).to.equal(fake);
    expect(chat.client).to.equal(fake);
    expect($$(chat, '[part~="message"]').map(text).join(' ')).to.contain(
      'Hello from a client made elsewhere',
    );

    // Host and room attributes do not replace a given client.
    room.host = 'localhost:1';
    room.room = 'elsewhere';
    await settle(chat);
    expect(chat.client).to.equal(fake);

    // Taking the client away leaves the chat to the room's own (here: from host and room).
    room.client = undefined;
    await settle(chat);
    expect(chat.client).to.not.equal(fake);
    expect(chat.client?.room).to.equal('elsewhere');
    room.remove();
    await new Promise((r) => setTimeout(r, 10));
    expect(fake.calls.map((c) => c.method)).to.not.include('close');
  });
});

describe('realstream-room registerTool', () => {
  it('registers a page tool with whichever client the room uses, and unregisters it', async () => {
    const first = new FakeClient();
    const second = new FakeClient();
    const room = document.createElement('realstream-room');
    room.client = first;
    document.body.append(room);
    await room.updateComplete;
    const spec = { name: 'page.echo', description: 'Echoes', inputSchema: { type: 'object' } };
    const off = room.registerTool(spec, (args) => args);
    expect(first.calls.map((c) => c.method)).to.include('registerTool');

    // The room switches clients: the tool moves with it.
    room.client = second;
    await room.updateComplete;
    expect(first.calls.map((c) => c.method)).to.include('unregisterTool');
    expect(second.calls.filter((c) => c.method === 'registerTool')).to.have.length(1);

    off();
    expect(second.calls.map((c) => c.method)).to.include('unregisterTool');
    room.remove();
  });
});

describe('realstream-room defined after the elements inside it', () => {
  it('still gives them its client (the lazy loader may define the chat first)', async () => {
    // A tag of its own that is not defined yet; the chat's tag already is.
    class LateRoom extends RealstreamRoom {}
    const fake = new FakeClient();
    fake.$messages.set([message('Hello from a room that came late')]);
    const late = document.createElement('late-room') as RealstreamRoom;
    const chat = document.createElement('realstream-chat');
    late.append(chat);
    document.body.append(late);
    await settle(chat);
    expect(chat.client === undefined, 'no client before there is a room').to.equal(true);

    late.client = fake; // a property set before the upgrade, kept by it
    LateRoom.define('late-room');
    await settle(chat);
    // Compared as booleans: a failure message need not print a whole client.
    expect(late.client === fake, 'the room kept its client').to.equal(true);
    expect(chat.client === fake, 'the chat got the room client').to.equal(true);
    expect($$(chat, '[part~="message"]').map(text).join(' ')).to.contain(
      'Hello from a room that came late',
    );
    late.remove();
  });
});
