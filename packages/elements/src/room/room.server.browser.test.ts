/// <reference types="mocha" />
// <realstream-room> against a real server: the elements inside share one client and one socket.
import { expect } from '@open-wc/testing';
import { testServer, uniqueRoom, waitFor } from '../../test/helpers.js';
import { $$, settle, text } from '../../test/mount.js';
import '../define.js';
import type { RealstreamRoom } from './room.js';

describe('realstream-room with a server', () => {
  let room: RealstreamRoom | undefined;
  afterEach(() => room?.remove());

  it('gives every chat inside one client and one socket', async () => {
    const { host, url } = await testServer();
    const name = uniqueRoom('shared');
    room = document.createElement('realstream-room');
    Object.assign(room, { host, room: name, name: 'Ada' });
    const [a, b] = [
      document.createElement('realstream-chat'),
      document.createElement('realstream-chat'),
    ];
    room.append(a, b);
    document.body.append(room);
    await waitFor('live', () => room!.client?.$status.get().state === 'live');
    expect(a.client).to.equal(room.client);
    expect(b.client).to.equal(room.client);

    const info = await (await fetch(`${url}/parties/main/${name}`)).json();
    expect(info.connections, 'one socket for the page').to.equal(1);
    expect(info.presence).to.have.length(1);

    await room.client!.send('seen by both', { reply: false });
    for (const chat of [a, b]) {
      await waitFor('message in both chats', () => $$(chat, 'article').length === 1);
      await settle(chat);
      expect(text($$(chat, '[part="message-body"]')[0])).to.equal('seen by both');
    }
  });

  it('lets a chat with its own host and room connect by itself inside a provider', async () => {
    const { host } = await testServer();
    room = document.createElement('realstream-room');
    Object.assign(room, { host, room: uniqueRoom('outer'), name: 'Ada' });
    const inner = document.createElement('realstream-chat');
    Object.assign(inner, { host, room: uniqueRoom('inner'), name: 'Ada' });
    room.append(inner);
    document.body.append(room);
    await waitFor(
      'both live',
      () =>
        room!.client?.$status.get().state === 'live' &&
        inner.client?.$status.get().state === 'live',
    );
    expect(inner.client).to.not.equal(room.client);
    expect(inner.client!.room).to.equal(inner.room);
  });
});
