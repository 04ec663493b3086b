import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { errorReason, httpError, providerMessage, redactSecrets } from './provider-errors.js';

describe('providerMessage', () => {
  it('finds the message in every common error shape', () => {
    assert.equal(providerMessage('{"error":{"message":"Incorrect API key"}}'), 'Incorrect API key');
    assert.equal(
      providerMessage('{"type":"error","error":{"type":"x","message":"Overloaded"}}'),
      'Overloaded',
    );
    assert.equal(providerMessage('{"error":"model not found"}'), 'model not found');
    assert.equal(
      providerMessage('{"object":"error","message":"bad model","code":400}'),
      'bad model',
    );
    assert.equal(providerMessage('{"detail":"Not Found"}'), 'Not Found');
  });

  it('reads plain text and HTML, on one line and capped', () => {
    assert.equal(providerMessage('upstream\n connect error'), 'upstream connect error');
    assert.equal(
      providerMessage('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>'),
      '502 Bad Gateway nginx',
    );
    assert.ok(providerMessage('x'.repeat(5000)).length <= 500);
    assert.equal(providerMessage(''), '');
  });
});

describe('redactSecrets', () => {
  it('replaces every occurrence of every secret', () => {
    assert.equal(
      redactSecrets('key sk-1 and sk-1 and k2', ['sk-1', 'k2']),
      'key [redacted] and [redacted] and [redacted]',
    );
    assert.equal(redactSecrets('nothing here', ['', 'sk-1']), 'nothing here');
  });
});

describe('httpError', () => {
  it('names the provider and status, quotes the provider, and picks a code', () => {
    assert.deepEqual(httpError('openai', 401, '{"error":{"message":"bad key"}}'), {
      type: 'error',
      code: 'unauthorised',
      message: 'openai answered HTTP 401: bad key',
    });
    const code = (status: number) => httpError('x', status, '').code;
    assert.deepEqual([400, 403, 404, 429, 500, 529].map(code), [
      'bad_request',
      'forbidden',
      'bad_request',
      'rate_limited',
      'provider_unavailable',
      'provider_unavailable',
    ]);
    assert.equal(httpError('x', 502, '').message, 'x answered HTTP 502');
  });
});

describe('errorReason', () => {
  it('adds the cause of a failed fetch', () => {
    const err = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    assert.equal(errorReason(err), 'fetch failed: ECONNREFUSED');
    assert.equal(errorReason('plain'), 'plain');
  });
});
