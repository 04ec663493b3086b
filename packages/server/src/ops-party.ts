/**
 * The `ops` party: one room, `deployment`, that every Realstream room reports to every few seconds,
 * so an operator sees all rooms of a deployment in one view. Operators connect with a WebSocket
 * (`deployment` frames about once a second) or GET it as JSON. Engine-neutral: the adapters in
 * `adapters/` mount it on PartyKit and on partyserver.
 */
import {
  CLOSE_CODES,
  RoomSummarySchema,
  describeIssues,
  roleAtLeast,
  type ServerFrame,
} from '@realstream/protocol';
import { decodeIdentity, IDENTITY_HEADER } from './auth.js';
import { readConfig, type Config } from './config.js';
import { errorResponse, json } from './http.js';
import { Logger } from './log.js';
import { Deployment } from './metrics/deployment.js';
import { corsHeaders, discardUnreadBody, withHeaders } from './party-http.js';
import type { Socket } from './room.js';

/** Header a room's report carries: internal calls prove they come from the deployment. */
export const REPORT_HEADER = 'x-realstream-report';
/** On a room's last report: it went idle, drop it from the view now. */
export const IDLE_HEADER = 'x-realstream-idle';
/** On a report of a room whose clients are all idle: it reports rarely now, keep it longer. */
export const RESTING_HEADER = 'x-realstream-resting';
const PUSH_MS = 1000;

/** The value of REPORT_HEADER: the secret itself never leaves the deployment; dev mode has none. */
export function reportKey(config: Config): string {
  return config.secret ?? 'dev-mode';
}

/**
 * The deployment view. It does not hibernate: its view is in memory (rebuilt from the rooms'
 * reports within REPORT_MS when lost), it pushes every PUSH_MS while an operator watches and is
 * idle otherwise, and there is one per deployment, so hibernating would save next to nothing.
 */
export class OpsRoom {
  private readonly deployment = new Deployment();
  private readonly config: Config;
  private readonly logger: Logger;
  private readonly sockets = new Set<Socket>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(opts: { id: string; party: string; env: Record<string, unknown> }) {
    this.config = readConfig(opts.env);
    this.logger = new Logger(this.config.logLevel, { room: opts.id, party: opts.party });
  }

  connect(socket: Socket, request: Request): void {
    const identity = decodeIdentity(request.headers.get(IDENTITY_HEADER));
    if (!identity) return socket.close(CLOSE_CODES.unauthorised, 'no identity');
    if (!roleAtLeast(identity.role, 'operator'))
      return socket.close(CLOSE_CODES.forbidden, 'the deployment view needs the operator role');
    this.sockets.add(socket);
    socket.send(this.frame());
    this.timer ??= setInterval(() => this.push(), PUSH_MS);
  }

  disconnect(socket: Socket): void {
    this.sockets.delete(socket);
    if (this.sockets.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  async request(req: Request): Promise<Response> {
    const res = await this.answer(req);
    // A refusal leaves the body unread; read it so the connection stays usable.
    await discardUnreadBody(req);
    return res;
  }

  private async answer(req: Request): Promise<Response> {
    const cors = corsHeaders(req.headers.get('origin'), this.config);
    if (req.method === 'POST') {
      if (req.headers.get(REPORT_HEADER) !== reportKey(this.config)) {
        this.logger.warn('refused a report without the deployment key');
        return errorResponse('forbidden', 'reports come from the rooms of this deployment');
      }
      const parsed = RoomSummarySchema.safeParse(await req.json().catch(() => null));
      if (!parsed.success) return errorResponse('invalid_frame', describeIssues(parsed.error));
      if (req.headers.get(IDLE_HEADER)) this.deployment.gone(parsed.data.party, parsed.data.room);
      else this.deployment.report(parsed.data, req.headers.has(RESTING_HEADER));
      return new Response(null, { status: 204 });
    }
    const identity = decodeIdentity(req.headers.get(IDENTITY_HEADER));
    if (!identity) return withHeaders(errorResponse('unauthorised', 'no identity'), cors);
    if (!roleAtLeast(identity.role, 'operator'))
      return withHeaders(
        errorResponse('forbidden', 'the deployment view needs the operator role'),
        cors,
      );
    if (req.method !== 'GET')
      return withHeaders(errorResponse('method_not_allowed', `${req.method}: use GET`), cors);
    return withHeaders(json(this.deployment.metrics()), cors);
  }

  private frame(): string {
    return JSON.stringify({
      type: 'deployment',
      metrics: this.deployment.metrics(),
    } satisfies ServerFrame);
  }

  private push(): void {
    const frame = this.frame();
    for (const socket of this.sockets) {
      try {
        socket.send(frame);
      } catch {
        this.disconnect(socket); // closed under us: its close event may never come
      }
    }
  }
}
