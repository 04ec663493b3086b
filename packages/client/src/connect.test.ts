import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeServer } from '../test/fake-socket.js';
import { clientKey, connect } from './connect.js';

describe('connect', () => {
  it('shares one client per host, party, room and identity', async () => {
    const server = fakeServer();
    const base = { host: 'localhost:1999', room: 'shared', WebSocket: server.WebSocket };
    const a = connect({ ...base, name: 'Ada' });
    const b = connect({ ...base, name: 'Ada', host: 'http://LOCALHOST:1999' });
    const other = connect({ ...base, name: 'Bob' });
    assert.equal(a.$messages, b.$messages, 'the same stores');
    assert.notEqual(a.$messages, other.$messages);
    await server.socket(1);
    assert.equal(server.sockets.length, 2, 'one socket per client, not per handle');
    a.close();
    b.close();
    other.close();
  });

  it('closes the socket only when the last handle closes, and each handle only once', async () => {
    const server = fakeServer();
    const opts = {
      host: 'localhost:1999',
      room: 'refcount',
      name: 'Ada',
      WebSocket: server.WebSocket,
    };
    const a = connect(opts);
    const b = connect(opts);
    const socket = await server.socket(0);
    socket.accept();
    a.close();
    a.close(); // a second close of the same handle must not release b's share
    assert.equal(socket.closedBy, null);
    assert.notEqual(b.$status.get().state, 'offline');
    b.close();
    assert.deepEqual(socket.closedBy, { code: 1000, reason: 'client closed' });
    assert.equal(b.$status.get().state, 'offline');

    const c = connect(opts);
    assert.notEqual(c.$status, a.$status, 'a closed client is never handed out again');
    c.close();
  });

  it('keys token identities by token and getToken by function reference', () => {
    const getToken = () => 't';
    const base = { host: 'chat.example.com', room: 'r' };
    assert.equal(
      clientKey({ ...base, token: 'x' }),
      clientKey({ ...base, token: 'x', name: 'ignored' }),
    );
    assert.notEqual(clientKey({ ...base, token: 'x' }), clientKey({ ...base, token: 'y' }));
    assert.equal(clientKey({ ...base, getToken }), clientKey({ ...base, getToken }));
    assert.notEqual(clientKey({ ...base, getToken }), clientKey({ ...base, getToken: () => 't' }));
    assert.notEqual(
      clientKey({ ...base, token: 'x' }),
      clientKey({ ...base, token: 'x', party: 'other' }),
    );
    assert.notEqual(clientKey(base), clientKey({ ...base, host: 'http://chat.example.com' }));
  });
});
