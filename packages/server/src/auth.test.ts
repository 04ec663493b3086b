import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, type JWTPayload } from 'jose';
import {
  authenticate,
  decodeIdentity,
  encodeIdentity,
  originAllowed,
  roomClaimCovers,
  signToken,
  tokenFrom,
  type AuthResult,
  type Identity,
} from './auth.js';

const SECRET = 'test-secret-0123456789abcdef-0123456789';
const OTHER_SECRET = 'another-secret-0123456789abcdef-012345';
const BASE = 'https://rooms.example/parties/main';

const nowSeconds = () => Math.floor(Date.now() / 1000);

function request(
  room: string,
  { token, query = '', header }: { token?: string; query?: string; header?: string } = {},
) {
  const params = new URLSearchParams(query);
  if (token !== undefined) params.set('token', token);
  const qs = params.toString();
  return new Request(`${BASE}/${room}${qs ? `?${qs}` : ''}`, {
    headers: header ? { authorization: header } : {},
  });
}

/** Signs arbitrary claims, for tokens `signToken` would never make. */
function rawToken(claims: JWTPayload, { secret = SECRET, alg = 'HS256' } = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
}

function identityOf(result: AuthResult): Identity {
  assert.ok(result.ok, `expected success, got ${JSON.stringify(result)}`);
  return result.identity;
}

function refusal(result: AuthResult) {
  assert.equal(result.ok, false, `expected a refusal, got ${JSON.stringify(result)}`);
  return result as Extract<AuthResult, { ok: false }>;
}

describe('authenticate with a secret', () => {
  it('round-trips a signed token: id, name, role and expiry', async () => {
    const before = nowSeconds();
    const token = await signToken(SECRET, {
      sub: 'u-42',
      name: 'Ada',
      room: 'lobby',
      role: 'operator',
    });
    const identity = identityOf(await authenticate(request('lobby', { token }), 'lobby', SECRET));
    assert.equal(identity.id, 'u-42');
    assert.equal(identity.name, 'Ada');
    assert.equal(identity.role, 'operator');
    // '1h' by default, in ms since epoch.
    assert.ok(
      identity.exp! >= (before + 3600) * 1000 && identity.exp! <= (nowSeconds() + 3600) * 1000,
      String(identity.exp),
    );
  });

  it('honours an explicit expiry', async () => {
    const exp = nowSeconds() + 120;
    const token = await signToken(SECRET, { sub: 'u1', room: 'lobby' }, exp);
    assert.equal(
      identityOf(await authenticate(request('lobby', { token }), 'lobby', SECRET)).exp,
      exp * 1000,
    );
  });

  it('defaults the role to member and the name to the subject', async () => {
    const token = await signToken(SECRET, { sub: 'u-7', room: 'lobby' });
    const identity = identityOf(await authenticate(request('lobby', { token }), 'lobby', SECRET));
    assert.equal(identity.role, 'member');
    assert.equal(identity.name, 'u-7');
  });

  it('treats a token without a role claim as a member', async () => {
    const token = await rawToken({ sub: 'u1', room: 'lobby', exp: nowSeconds() + 60 });
    assert.equal(
      identityOf(await authenticate(request('lobby', { token }), 'lobby', SECRET)).role,
      'member',
    );
  });

  it('refuses an expired token', async () => {
    const token = await signToken(SECRET, { sub: 'u1', room: 'lobby' }, nowSeconds() - 60);
    const result = refusal(await authenticate(request('lobby', { token }), 'lobby', SECRET));
    assert.equal(result.code, 'unauthorised');
    assert.equal(result.message, 'token expired');
  });

  it('refuses a token signed with another secret', async () => {
    const token = await signToken(OTHER_SECRET, { sub: 'u1', room: 'lobby' });
    const result = refusal(await authenticate(request('lobby', { token }), 'lobby', SECRET));
    assert.equal(result.code, 'unauthorised');
    assert.equal(result.message, 'token signature does not verify');
  });

  it('refuses a token signed with another algorithm, even with the right secret', async () => {
    const token = await rawToken(
      { sub: 'u1', room: 'lobby', exp: nowSeconds() + 60 },
      { alg: 'HS512' },
    );
    const result = refusal(await authenticate(request('lobby', { token }), 'lobby', SECRET));
    assert.equal(result.code, 'unauthorised');
    // Not a signature we take at all: the token is not what the server accepts.
    assert.match(result.message, /^token malformed: /);
  });

  it('refuses a token whose payload was tampered with', async () => {
    const token = await signToken(SECRET, { sub: 'u1', room: 'lobby', role: 'viewer' });
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(
      JSON.stringify({ sub: 'u1', room: 'lobby', role: 'operator', exp: nowSeconds() + 60 }),
    ).toString('base64url');
    const forged = `${header}.${payload}.${signature}`;
    const result = refusal(
      await authenticate(request('lobby', { token: forged }), 'lobby', SECRET),
    );
    assert.equal(result.code, 'unauthorised');
    assert.equal(result.message, 'token signature does not verify');
  });

  it('refuses garbage, saying the token is malformed', async () => {
    const result = refusal(
      await authenticate(request('lobby', { token: 'not-a-jwt' }), 'lobby', SECRET),
    );
    assert.equal(result.code, 'unauthorised');
    assert.match(result.message, /^token malformed: /);
  });

  it('refuses a request without a token', async () => {
    const result = refusal(
      await authenticate(request('lobby', { query: 'name=Ada' }), 'lobby', SECRET),
    );
    assert.equal(result.code, 'unauthorised');
    assert.match(result.message, /^a token is required/);
  });

  it('forbids a valid token for another room', async () => {
    const token = await signToken(SECRET, { sub: 'u1', room: 'lobby' });
    const result = refusal(await authenticate(request('kitchen', { token }), 'kitchen', SECRET));
    assert.equal(result.code, 'forbidden');
    assert.match(result.message, /kitchen/);
  });

  it('forbids a token without a room claim', async () => {
    const token = await rawToken({ sub: 'u1', exp: nowSeconds() + 60 });
    assert.equal(
      refusal(await authenticate(request('lobby', { token }), 'lobby', SECRET)).code,
      'forbidden',
    );
  });

  it('admits a prefix claim to the rooms it covers and no others', async () => {
    const token = await signToken(SECRET, { sub: 'u1', room: 'team-*' });
    for (const room of ['team-a', 'team-red-42']) {
      identityOf(await authenticate(request(room, { token }), room, SECRET));
    }
    for (const room of ['team', 'teams', 'lobby', 'other-team-a']) {
      assert.equal(
        refusal(await authenticate(request(room, { token }), room, SECRET)).code,
        'forbidden',
        room,
      );
    }
  });

  it('refuses a token without a subject', async () => {
    const token = await rawToken({ room: 'lobby', role: 'member', exp: nowSeconds() + 60 });
    const result = refusal(await authenticate(request('lobby', { token }), 'lobby', SECRET));
    assert.equal(result.code, 'unauthorised');
    assert.match(result.message, /sub/);
  });

  it('refuses a token with an empty subject', async () => {
    const token = await rawToken({ sub: '', room: 'lobby', exp: nowSeconds() + 60 });
    assert.equal(
      refusal(await authenticate(request('lobby', { token }), 'lobby', SECRET)).code,
      'unauthorised',
    );
  });

  it('refuses a token that never expires', async () => {
    const token = await rawToken({ sub: 'u1', room: 'lobby' });
    const result = refusal(await authenticate(request('lobby', { token }), 'lobby', SECRET));
    assert.equal(result.code, 'unauthorised');
    assert.match(result.message, /exp/);
  });

  it('refuses an unknown role', async () => {
    const token = await rawToken({
      sub: 'u1',
      room: 'lobby',
      role: 'admin',
      exp: nowSeconds() + 60,
    });
    const result = refusal(await authenticate(request('lobby', { token }), 'lobby', SECRET));
    assert.equal(result.code, 'unauthorised');
    assert.match(result.message, /admin/);
  });

  it('ignores ?name= when a secret is set: the token names the user', async () => {
    const token = await signToken(SECRET, {
      sub: 'u1',
      name: 'Ada',
      room: 'lobby',
      role: 'viewer',
    });
    const identity = identityOf(
      await authenticate(
        request('lobby', { token, query: 'name=Root&uid=admin' }),
        'lobby',
        SECRET,
      ),
    );
    assert.deepEqual(
      { id: identity.id, name: identity.name, role: identity.role },
      { id: 'u1', name: 'Ada', role: 'viewer' },
    );
  });
});

describe('token sources', () => {
  it('reads the token from Authorization: Bearer', async () => {
    const token = await signToken(SECRET, { sub: 'u1', room: 'lobby' });
    identityOf(
      await authenticate(request('lobby', { header: `Bearer ${token}` }), 'lobby', SECRET),
    );
    identityOf(
      await authenticate(request('lobby', { header: `bearer ${token}` }), 'lobby', SECRET),
    );
  });

  it('reads the token from ?token=', async () => {
    const token = await signToken(SECRET, { sub: 'u1', room: 'lobby' });
    identityOf(await authenticate(request('lobby', { token }), 'lobby', SECRET));
  });

  it('prefers the header over ?token=', async () => {
    const good = await signToken(SECRET, { sub: 'from-header', room: 'lobby' });
    const bad = await signToken(OTHER_SECRET, { sub: 'from-query', room: 'lobby' });
    assert.equal(
      identityOf(
        await authenticate(
          request('lobby', { header: `Bearer ${good}`, token: bad }),
          'lobby',
          SECRET,
        ),
      ).id,
      'from-header',
    );
    assert.equal(
      refusal(
        await authenticate(
          request('lobby', { header: `Bearer ${bad}`, token: good }),
          'lobby',
          SECRET,
        ),
      ).code,
      'unauthorised',
    );
  });

  it('falls back to ?token= when the Authorization header is not a bearer token', () => {
    assert.equal(
      tokenFrom(request('lobby', { header: 'Basic dXNlcjpwdw==', token: 'abc' })),
      'abc',
    );
  });

  it('finds no token when there is none', () => {
    assert.equal(tokenFrom(request('lobby')), null);
  });
});

describe('authenticate in dev mode (no secret)', () => {
  it('admits a guest operator named by ?name=', async () => {
    const identity = identityOf(
      await authenticate(request('lobby', { query: 'name=Ada Lovelace' }), 'lobby', null),
    );
    assert.equal(identity.name, 'Ada Lovelace');
    assert.equal(identity.role, 'operator');
    assert.equal(identity.exp, null);
    assert.match(identity.id, /^guest-[0-9a-f]{8}$/);
  });

  it('calls an unnamed guest Guest and gives each guest its own id', async () => {
    const a = identityOf(await authenticate(request('lobby'), 'lobby', null));
    const b = identityOf(await authenticate(request('lobby'), 'lobby', null));
    assert.equal(a.name, 'Guest');
    assert.notEqual(a.id, b.id);
  });

  it('keeps a stable id from ?uid=', async () => {
    assert.equal(
      identityOf(await authenticate(request('lobby', { query: 'uid=tab-1' }), 'lobby', null)).id,
      'tab-1',
    );
  });

  it('caps the name at 64 characters', async () => {
    const identity = identityOf(
      await authenticate(request('lobby', { query: `name=${'n'.repeat(500)}` }), 'lobby', null),
    );
    assert.equal(identity.name, 'n'.repeat(64));
  });

  it('does not check tokens', async () => {
    const identity = identityOf(
      await authenticate(request('lobby', { token: 'garbage', query: 'name=Ada' }), 'lobby', null),
    );
    assert.equal(identity.name, 'Ada');
  });
});

describe('roomClaimCovers', () => {
  const cases: [claim: string, room: string, covers: boolean][] = [
    ['lobby', 'lobby', true],
    ['lobby', 'lobby2', false],
    ['lobby', 'Lobby', false],
    ['*', 'anything', true],
    ['team-*', 'team-a', true],
    ['team-*', 'team-', true],
    ['team-*', 'team', false],
    ['team-*', 'xteam-a', false],
    ['team-', 'team-a', false],
  ];
  for (const [claim, room, covers] of cases) {
    it(`${claim} ${covers ? 'covers' : 'does not cover'} ${room}`, () =>
      assert.equal(roomClaimCovers(claim, room), covers));
  }
});

describe('originAllowed', () => {
  const list = ['https://app.example', 'http://localhost:5173'];
  it('lets requests without an Origin through', () =>
    assert.equal(originAllowed(null, list), true));
  it('allows a listed origin', () =>
    assert.equal(originAllowed('http://localhost:5173', list), true));
  it('refuses an unlisted origin', () =>
    assert.equal(originAllowed('https://evil.example', list), false));
  it('compares exactly (scheme, port)', () => {
    assert.equal(originAllowed('http://app.example', list), false);
    assert.equal(originAllowed('http://localhost:5174', list), false);
  });
  it('allows any origin with *', () =>
    assert.equal(originAllowed('https://evil.example', ['*']), true));
});

describe('identity header encoding', () => {
  it('round-trips an identity with awkward characters', () => {
    const identity: Identity = { id: 'u1', name: 'Zoë "; \n 🎉', role: 'viewer', exp: null };
    assert.deepEqual(decodeIdentity(encodeIdentity(identity)), identity);
  });

  it('reads a missing or malformed header as no identity', () => {
    assert.equal(decodeIdentity(null), null);
    assert.equal(decodeIdentity('%E0%A4%A'), null);
    assert.equal(decodeIdentity('{not json'), null);
  });
});
