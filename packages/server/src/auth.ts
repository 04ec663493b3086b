import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import {
  RoleSchema,
  roomClaimProblem,
  TOKEN_PROBLEMS,
  type Role,
  type User,
} from '@realstream/protocol';

/** Who is on the other end, as established before the room is reached. */
export interface Identity extends User {
  /** Token expiry (ms since epoch), or null for dev-mode guests. */
  exp: number | null;
}

export type AuthResult =
  | { ok: true; identity: Identity }
  | { ok: false; code: 'unauthorised' | 'forbidden'; message: string };

const encoder = new TextEncoder();

/**
 * What a party asks of a token: a room's party takes a claim of the room's name or a prefix of
 * it; the deployment view (every room's figures) takes only `*` or `deployment` itself, so a
 * prefix claim such as `d*` meant for rooms `d…` does not reach it.
 */
export type Reach = 'room' | 'deployment';

/**
 * Does the token's `room` claim cover this room? `*`, the exact name, or (unless `exact`) a
 * prefix ending in `*`.
 */
export function roomClaimCovers(claim: string, room: string, exact = false): boolean {
  if (claim === '*') return true;
  if (claim.endsWith('*')) return !exact && room.startsWith(claim.slice(0, -1));
  return claim === room;
}

/** Reads the token from `Authorization: Bearer` or `?token=` (EventSource and WebSocket cannot set headers). */
export function tokenFrom(req: Request): string | null {
  const header = req.headers.get('authorization');
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim();
  return new URL(req.url).searchParams.get('token');
}

/**
 * Verifies an HS256 JWT for `room`. With no secret (dev mode) anyone gets in as an operator guest,
 * named by `?name=` when given: convenient locally, and logged as a warning at start.
 */
export async function authenticate(
  req: Request,
  room: string,
  secret: string | null,
  reach: Reach = 'room',
): Promise<AuthResult> {
  const token = tokenFrom(req);
  if (secret === null) {
    const url = new URL(req.url);
    const name = (url.searchParams.get('name') ?? 'Guest').slice(0, 64);
    const id = (url.searchParams.get('uid') ?? `guest-${crypto.randomUUID().slice(0, 8)}`).slice(
      0,
      128,
    );
    return { ok: true, identity: { id, name, role: 'operator', exp: null } };
  }
  if (!token)
    return {
      ok: false,
      code: 'unauthorised',
      message: `${TOKEN_PROBLEMS.missing} (Authorization: Bearer or ?token=)`,
    };
  try {
    const { payload } = await jwtVerify(token, encoder.encode(secret), { algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || !payload.sub) {
      return { ok: false, code: 'unauthorised', message: 'token has no sub claim' };
    }
    if (typeof payload.exp !== 'number')
      return { ok: false, code: 'unauthorised', message: 'token has no exp claim' };
    const role = RoleSchema.safeParse(payload.role ?? 'member');
    if (!role.success)
      return { ok: false, code: 'unauthorised', message: `unknown role ${String(payload.role)}` };
    if (
      typeof payload.room !== 'string' ||
      !roomClaimCovers(payload.room, room, reach === 'deployment')
    ) {
      return { ok: false, code: 'forbidden', message: `token is not valid for room ${room}` };
    }
    const name = typeof payload.name === 'string' ? payload.name.slice(0, 128) : payload.sub;
    return {
      ok: true,
      identity: { id: payload.sub, name, role: role.data, exp: payload.exp * 1000 },
    };
  } catch (err) {
    return { ok: false, code: 'unauthorised', message: tokenRefusal(err) };
  }
}

/**
 * Why jose refused a token, beginning with the TOKEN_PROBLEMS prefix the client reads, so the page
 * can say which it is: expired (a fresh one helps), a signature that does not verify (signed with
 * another secret), or not a well-formed JWT at all.
 */
function tokenRefusal(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return TOKEN_PROBLEMS.expired;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return TOKEN_PROBLEMS.signature;
  const detail = (err as Error)?.message ?? String(err);
  if (
    err instanceof joseErrors.JWSInvalid ||
    err instanceof joseErrors.JWTInvalid ||
    err instanceof joseErrors.JOSENotSupported ||
    err instanceof joseErrors.JOSEAlgNotAllowed
  ) {
    return `${TOKEN_PROBLEMS.malformed}: ${detail}`;
  }
  // A claim check that failed (nbf in the future, ...): jose's words name the claim.
  return `token rejected: ${detail}`;
}

/** Signs a token the way a host's backend would (used by tests, benchmarks and the dev token route). */
export async function signToken(
  secret: string,
  claims: { sub: string; name?: string; room: string; role?: Role },
  expiresIn: string | number = '1h',
): Promise<string> {
  // A claim no room can match would only fail later, at the door, as "not valid for this room".
  const problem = roomClaimProblem(claims.room);
  if (problem) throw new TypeError(problem);
  return new SignJWT({ name: claims.name, room: claims.room, role: claims.role ?? 'member' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(encoder.encode(secret));
}

/** The origin allow-list: `*` or exact origins. Requests without Origin (servers, curl) pass. */
export function originAllowed(origin: string | null, allowed: string[]): boolean {
  if (origin === null || allowed.includes('*')) return true;
  return allowed.includes(origin);
}

// The worker verifies the token, then hands the identity to the room in this header; it always
// overwrites whatever a client sent in it, so a client cannot forge one.
export const IDENTITY_HEADER = 'x-realstream-identity';

export function encodeIdentity(identity: Identity): string {
  return encodeURIComponent(JSON.stringify(identity));
}

export function decodeIdentity(value: string | null): Identity | null {
  if (!value) return null;
  try {
    return JSON.parse(decodeURIComponent(value)) as Identity;
  } catch {
    return null;
  }
}
