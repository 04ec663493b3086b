import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseEndpoint, roomHttpUrl, roomSocketUrl } from './url.js';

describe('parseEndpoint', () => {
  it('treats a bare local host as plain ws/http and a public one as secure', () => {
    assert.deepEqual(parseEndpoint('localhost:1999'), { host: 'localhost:1999', secure: false });
    assert.deepEqual(parseEndpoint('127.0.0.1:1999'), { host: '127.0.0.1:1999', secure: false });
    assert.deepEqual(parseEndpoint('10.0.0.5:80'), { host: '10.0.0.5:80', secure: false });
    assert.deepEqual(parseEndpoint('chat.example.com'), { host: 'chat.example.com', secure: true });
  });

  it('lets an explicit scheme win', () => {
    assert.deepEqual(parseEndpoint('https://localhost:1999/'), {
      host: 'localhost:1999',
      secure: true,
    });
    assert.deepEqual(parseEndpoint('ws://chat.example.com'), {
      host: 'chat.example.com',
      secure: false,
    });
    assert.deepEqual(parseEndpoint('WSS://chat.example.com:443'), {
      host: 'chat.example.com',
      secure: true,
    });
    assert.deepEqual(parseEndpoint('http://chat.example.com:8080'), {
      host: 'chat.example.com:8080',
      secure: false,
    });
  });

  it('refuses a URL with a path rather than silently dropping it', () => {
    assert.throws(() => parseEndpoint('https://example.com/parties/main'), TypeError);
    assert.throws(() => parseEndpoint('example.com/x'), TypeError);
  });
});

describe('roomHttpUrl', () => {
  it('builds the room API base with the same scheme as the socket', () => {
    const url = roomHttpUrl({ host: 'chat.example.com', secure: true }, 'main', 'a b');
    assert.equal(url, 'https://chat.example.com/parties/main/a%20b');
  });
});

describe('roomSocketUrl', () => {
  it('names the socket URL the link dials, with the scheme of the endpoint', () => {
    assert.equal(
      roomSocketUrl({ host: '127.0.0.1:1999', secure: false }, 'main', 'a b'),
      'ws://127.0.0.1:1999/parties/main/a%20b',
    );
    assert.equal(
      roomSocketUrl({ host: 'chat.example.com', secure: true }, 'ops', 'deployment'),
      'wss://chat.example.com/parties/ops/deployment',
    );
  });
});
