import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSE_CODES, FINAL_CLOSE_CODES } from './constants.js';
import {
  ERROR_CODES,
  ErrorBodySchema,
  ErrorCodeSchema,
  statusOf,
  type ErrorCode,
} from './errors.js';

describe('ErrorCodeSchema', () => {
  it('accepts every error code', () => {
    const codes = Object.keys(ERROR_CODES) as ErrorCode[];
    assert.ok(codes.length >= 18);
    for (const code of codes) assert.ok(ErrorCodeSchema.safeParse(code).success, code);
  });

  for (const code of ['teapot', '', 'BAD_JSON', 'bad-json', 404, null]) {
    it(`rejects ${JSON.stringify(code)}`, () => {
      assert.equal(ErrorCodeSchema.safeParse(code).success, false);
    });
  }
});

describe('statusOf', () => {
  const expected: [ErrorCode, number][] = [
    ['bad_json', 400],
    ['invalid_frame', 400],
    ['unknown_type', 400],
    ['too_large', 413],
    ['message_too_long', 413],
    ['unauthorised', 401],
    ['forbidden', 403],
    ['origin_not_allowed', 403],
    ['not_found', 404],
    ['method_not_allowed', 405],
    ['conflict', 409],
    ['rate_limited', 429],
    ['too_many_connections', 429],
    ['internal', 500],
    ['responder_failed', 502],
    ['busy', 503],
  ];
  for (const [code, status] of expected) {
    it(`maps ${code} to ${status}`, () => assert.equal(statusOf(code), status));
  }

  it('maps every code to a 4xx or 5xx status', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      const status = statusOf(code);
      assert.ok(Number.isInteger(status) && status >= 400 && status <= 599, `${code}: ${status}`);
    }
  });
});

describe('close codes', () => {
  it('treats auth and protocol closes as final', () => {
    for (const code of [
      CLOSE_CODES.unauthorised,
      CLOSE_CODES.forbidden,
      CLOSE_CODES.protocol_mismatch,
      CLOSE_CODES.server_misconfigured,
    ]) {
      assert.ok(FINAL_CLOSE_CODES.includes(code), String(code));
    }
  });

  it('lets a rate-limited client, or one turned away from a full room, reconnect', () => {
    assert.equal(FINAL_CLOSE_CODES.includes(CLOSE_CODES.rate_limited), false);
    assert.equal(FINAL_CLOSE_CODES.includes(CLOSE_CODES.too_many_connections), false);
  });

  it('uses distinct codes in the 4000 range', () => {
    const codes = Object.values(CLOSE_CODES);
    assert.equal(new Set(codes).size, codes.length);
    for (const code of codes) assert.ok(code >= 4000 && code <= 4999, String(code));
  });
});

describe('ErrorBodySchema', () => {
  for (const body of [
    { error: { code: 'not_found', message: 'no such message' } },
    { error: { code: 'rate_limited', message: 'slow down', retryAfterMs: 120 } },
  ]) {
    it(`accepts ${body.error.code}`, () => {
      const result = ErrorBodySchema.safeParse(body);
      assert.ok(result.success);
      assert.deepEqual(result.data, body);
    });
  }

  for (const [name, body, path] of [
    ['an unknown code', { error: { code: 'teapot', message: 'x' } }, 'error.code'],
    ['no message', { error: { code: 'internal' } }, 'error.message'],
    [
      'a string retryAfterMs',
      { error: { code: 'rate_limited', message: 'x', retryAfterMs: '1s' } },
      'error.retryAfterMs',
    ],
    ['a flat body without the error wrapper', { code: 'internal', message: 'x' }, 'error'],
  ] as const) {
    it(`rejects ${name}`, () => {
      const result = ErrorBodySchema.safeParse(body);
      assert.equal(result.success, false);
      assert.ok(
        result.error!.issues.some((i) => i.path.join('.') === path),
        JSON.stringify(result.error!.issues),
      );
    });
  }
});
