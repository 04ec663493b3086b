// GET /api/token: the one backend route the app needs. It signs a short-lived room token with
// REALSTREAM_SECRET, the secret the room server has too, so the room can trust who the user is
// without calling back here. Vite's dev server (vite.config.ts) and the production server
// (server/serve.ts) both mount this same handler.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { signToken } from '@realstream/server/auth';

export const TOKEN_PATH = '/api/token';

/** What the browser gets: the token, and where and which room to open with it. */
export interface TokenResponse {
  token: string;
  /** The room server as the browser reaches it, for `<realstream-room host>`. */
  host: string;
  room: string;
  role: 'viewer' | 'member' | 'operator';
  /** Seconds the token is valid; the room asks for a fresh one on every reconnect. */
  expiresIn: number;
}

/** Every refusal: a status, a code a program can branch on, and a sentence for a person. */
export class TokenRouteError extends Error {
  readonly status: number;
  readonly code: 'secret_missing' | 'bad_config' | 'bad_request' | 'method_not_allowed';
  constructor(status: number, code: TokenRouteError['code'], message: string) {
    super(message);
    this.name = 'TokenRouteError';
    this.status = status;
    this.code = code;
  }
}

/** The route's settings, read from the environment at each request (see README). */
export interface TokenRouteEnv {
  REALSTREAM_SECRET?: string | undefined;
  REALSTREAM_HOST?: string | undefined;
  REALSTREAM_ROOM?: string | undefined;
  REALSTREAM_ROLE?: string | undefined;
}

const ROLES = ['viewer', 'member', 'operator'] as const;

const TTL_SECONDS = 60 * 60;
const NAME = /^[\p{L}\p{N} ._'-]{1,40}$/u;
const UID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * Issues a token for `?name=` (shown to others) and `?uid=` (a stable id for this browser).
 * In your own app, take both from your session instead: whoever can call this route is let in.
 */
export async function issueToken(url: URL, env: TokenRouteEnv): Promise<TokenResponse> {
  const secret = env.REALSTREAM_SECRET;
  if (!secret) {
    throw new TokenRouteError(
      503,
      'secret_missing',
      'REALSTREAM_SECRET is not set on the app server, so it cannot sign room tokens. ' +
        'Set it to the same value the room server has.',
    );
  }
  const name = (url.searchParams.get('name') ?? '').trim();
  if (!NAME.test(name)) {
    throw new TokenRouteError(
      400,
      'bad_request',
      "?name= must be 1 to 40 letters, digits, spaces or . _ ' -",
    );
  }
  const uid = url.searchParams.get('uid') ?? '';
  if (!UID.test(uid)) {
    throw new TokenRouteError(400, 'bad_request', '?uid= must be 8 to 64 of A-Z a-z 0-9 _ -');
  }
  // Members chat and run tools; the dashboard's figures and the tool switches are for operators.
  // Your app decides per user; this demo gives everyone the one role REALSTREAM_ROLE names.
  const role = (env.REALSTREAM_ROLE || 'member') as (typeof ROLES)[number];
  if (!ROLES.includes(role)) {
    throw new TokenRouteError(
      500,
      'bad_config',
      `REALSTREAM_ROLE=${role}: use ${ROLES.join(', ')} (or leave it unset for member)`,
    );
  }
  const room = env.REALSTREAM_ROOM || 'lobby';
  // A number would be an absolute time to jose; a duration is a string.
  const token = await signToken(secret, { sub: uid, name, room, role }, `${TTL_SECONDS}s`);
  const host = env.REALSTREAM_HOST || 'localhost:1999';
  return { token, host, room, role, expiresIn: TTL_SECONDS };
}

/**
 * The route as connect-style middleware (what Vite's `server.middlewares` takes; the production
 * server calls it the same way): answers TOKEN_PATH, hands anything else to `next`.
 */
export function tokenRoute(env: TokenRouteEnv = process.env) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const url = new URL(req.url ?? '/', 'http://app.invalid');
    if (url.pathname !== TOKEN_PATH) return next();
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const work =
      req.method === 'GET'
        ? issueToken(url, env)
        : Promise.reject(
            new TokenRouteError(405, 'method_not_allowed', `${TOKEN_PATH} answers GET only`),
          );
    work.then(
      (body) => answer(200, body),
      (err: unknown) => {
        if (err instanceof TokenRouteError) {
          answer(err.status, { error: { code: err.code, message: err.message } });
          return;
        }
        // signToken refuses a room name no room could match (REALSTREAM_ROOM): say so, once.
        console.error(`${TOKEN_PATH}:`, err);
        answer(500, { error: { code: 'internal', message: String((err as Error).message) } });
      },
    );
  };
}
