import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeClose, type CloseFacts } from './status-reason.js';

const url = 'ws://127.0.0.1:1999/parties/main/lobby';
const facts = (f: Partial<CloseFacts> & Pick<CloseFacts, 'code'>): CloseFacts => ({
  reason: '',
  final: true,
  opened: true,
  attempts: 1,
  url,
  tokens: 'static',
  ...f,
});

describe('describeClose', () => {
  it('calls a socket that never opened unreachable, with the URL and the attempts', () => {
    const why = describeClose(facts({ code: 1006, final: false, opened: false, attempts: 3 }));
    assert.deepEqual(why, {
      code: 'unreachable',
      closeCode: 1006,
      retrying: true,
      attempts: 3,
      url,
      message: `cannot reach ${url} (3 attempts): still retrying, with backoff`,
    });
    const once = describeClose(facts({ code: 1006, final: false, opened: false }));
    assert.match(once.message, /\(1 attempt\)/);
  });

  it('calls a drop of an open link connection_lost', () => {
    const why = describeClose(facts({ code: 1012, reason: 'restarting', final: false }));
    assert.equal(why.code, 'connection_lost');
    assert.equal(why.message, 'the connection closed (1012: restarting): reconnecting');
  });

  it('says a full room is full and when it tries again; flooding likewise', () => {
    const full = describeClose(
      facts({ code: 4408, reason: 'room is full (2 connections)', final: false, backoffMs: 2400 }),
    );
    assert.equal(full.code, 'room_full');
    assert.equal(full.retryInMs, 2400);
    assert.equal(full.message, 'room is full (2 connections): retrying in 2 s');
    const flood = describeClose(facts({ code: 4429, reason: '', final: false, backoffMs: 300 }));
    assert.equal(flood.code, 'rate_limited');
    assert.equal(flood.message, 'too many frames: retrying in 1 s');
  });

  it('tells the token problems apart and says what happens to the token next', () => {
    const expired = (tokens: CloseFacts['tokens'], askingToken = false) =>
      describeClose(facts({ code: 4401, reason: 'token expired', tokens, askingToken }));
    assert.equal(expired('getToken', true).message, 'token expired: asking getToken for a new one');
    assert.equal(expired('getToken', true).retrying, true);
    assert.equal(
      expired('getToken').message,
      'token expired: getToken will be asked for a new one on reconnect',
    );
    assert.equal(
      expired('static').message,
      "token expired: the page's token must be replaced by a fresh one from your backend",
    );
    const codeOf = (reason: string) => describeClose(facts({ code: 4401, reason })).code;
    assert.equal(codeOf('token expired'), 'token_expired');
    assert.equal(codeOf('token signature does not verify'), 'token_signature');
    assert.equal(codeOf('token malformed: Invalid Compact JWS'), 'token_malformed');
    assert.equal(codeOf('a token is required (Authorization: Bearer or ?token=)'), 'token_missing');
    assert.equal(codeOf('token has no sub claim'), 'unauthorised');
    assert.match(
      describeClose(facts({ code: 4401, reason: 'token signature does not verify' })).message,
      /signed with the server's secret/,
    );
  });

  it('names the refused origin, and keeps other refusals as forbidden', () => {
    const reason = 'origin https://a.example is not allowed: add it to REALSTREAM_ALLOWED_ORIGINS';
    const why = describeClose(facts({ code: 4403, reason }));
    assert.equal(why.code, 'origin_not_allowed');
    assert.equal(why.origin, 'https://a.example');
    assert.equal(why.message, reason);
    const room = describeClose(facts({ code: 4403, reason: 'token is not valid for room x' }));
    assert.equal(room.code, 'forbidden');
  });

  it('says which side of a protocol mismatch to upgrade', () => {
    const old = describeClose(
      facts({ code: 4400, reason: 'protocol mismatch: server speaks 2, client spoke 1' }),
    );
    assert.equal(old.code, 'protocol_mismatch');
    assert.equal(old.clientProtocol, 1);
    assert.equal(old.serverProtocol, 2);
    assert.match(
      old.message,
      /^this client speaks protocol 1, the server 2: upgrade @realstream\/client/,
    );
    const ahead = describeClose(
      facts({ code: 4400, reason: 'protocol mismatch: server speaks 1, client spoke 3' }),
    );
    assert.match(
      ahead.message,
      /upgrade the server, or use the client release that speaks protocol 1/,
    );
    const room = describeClose(facts({ code: 4400, reason: 'room name: too long' }));
    assert.equal(room.code, 'invalid_room');
    assert.equal(room.message, 'room name: too long');
  });

  it('names the variable of a misconfigured deployment', () => {
    const reason = 'server misconfigured: REALSTREAM_RING_SIZE=lots: expected a whole number';
    const why = describeClose(facts({ code: 4500, reason }));
    assert.equal(why.code, 'server_misconfigured');
    assert.equal(why.variable, 'REALSTREAM_RING_SIZE');
    assert.equal(why.message, `${reason} (the deployment's operator must fix it)`);
    assert.equal(why.retrying, false);
  });
});
