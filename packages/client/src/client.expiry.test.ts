// A token's expiry against a real `partykit dev`: the server closes the socket at `exp`, and the
// client comes back with the next token from getToken, without the app doing anything.
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startServer, waitFor, type TestServer } from '@realstream/testing/harness';
import { signToken } from '@realstream/server';
import { postMessage } from '../test/rest.js';
import { connect } from './index.js';

const SECRET = 'expiry-secret-that-is-long-enough-for-hs256!';

describe('token expiry', () => {
  let server: TestServer;
  const token = (sub: string, role: 'viewer' | 'member', room: string, exp: string | number) =>
    signToken(SECRET, { sub, name: sub, room, role }, exp);
  before(async () => {
    server = await startServer({ persist: false, vars: { REALSTREAM_SECRET: SECRET } });
  });
  after(() => server.stop());

  it('reconnects a client with getToken’s next token when the server closes it at exp', async () => {
    const room = 'renew';
    let asked = 0;
    const client = connect({
      host: server.host,
      room,
      WebSocket: WebSocket as never,
      getToken: async () => {
        asked++;
        return token('rita', 'viewer', room, Math.floor(Date.now() / 1000) + 2);
      },
    });
    try {
      await waitFor('live', () => client.$status.get().state === 'live');
      await waitFor(
        'a second token, and live again',
        () => asked >= 2 && client.$status.get().state === 'live',
        {
          timeoutMs: 8000,
        },
      );
      await postMessage(server, room, 'after renewal', await token('ada', 'member', room, '1h'));
      await waitFor('the renewed client receives', () =>
        client.$messages.get().some((m) => m.text === 'after renewal'),
      );
    } finally {
      client.close();
    }
  });
});
