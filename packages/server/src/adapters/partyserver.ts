/**
 * The partyserver adapter, Cloudflare's current stack (`wrangler dev`, `wrangler deploy`): the worker
 * entry of wrangler.toml. It mounts the same RoomHost and OpsRoom as the PartyKit adapter on
 * SQLite-backed Durable Objects, under the same URLs (/parties/main/:room, /parties/ops/deployment).
 * routePartykitRequest finds a party by its binding's name in kebab case, hence `Main` and `Ops`.
 */
import {
  getServerByName,
  routePartykitRequest,
  Server,
  type Connection,
  type ConnectionContext,
  type WSMessage,
} from 'partyserver';
import { HEARTBEAT_PING, HEARTBEAT_PONG } from '@realstream/protocol';
import { OpsRoom } from '../ops-party.js';
import { admitRequest, admitSocket } from '../party-http.js';
import { RoomHost } from '../room-host.js';
import type { Socket } from '../room.js';

/** The Durable Object namespaces of wrangler.toml (opaque here) and the REALSTREAM_* vars. */
interface Env {
  Main: unknown;
  Ops: unknown;
  /** Static assets (examples/), when wrangler.toml serves them. */
  ASSETS?: { fetch(req: Request): Promise<Response> };
  [name: string]: unknown;
}

/**
 * Completes a close the client started. partyserver echoes the client's close code, but not a
 * reserved one: a client that closes without a code (1005, what `ws.close()` and browsers send)
 * got no close frame back and waited out its own timeout (30 s in `ws`) before it was closed.
 */
function answerClose(conn: Connection): void {
  try {
    conn.close(1000, '');
  } catch {
    // Closed already.
  }
}

export class Main extends Server<Env> {
  // Hibernatable WebSockets: an idle room may be evicted with its sockets open (see RoomHost).
  static override options = { hibernate: true };
  private host!: RoomHost;

  override async onStart(): Promise<void> {
    const env = this.env;
    // Heartbeats are answered by the runtime, even while the object hibernates: an idle room with
    // connected clients is not woken (nor billed duration) every ping interval per client. The
    // pong is the same bytes the room sends when it answers itself, so clients see no difference.
    // A heartbeat so answered never reaches the room: it is not counted by the flood limiter,
    // which is fine, since answering it costs the room nothing.
    this.ctx.setWebSocketAutoResponse(
      new WebSocketRequestResponsePair(HEARTBEAT_PING, HEARTBEAT_PONG),
    );
    this.host = new RoomHost({
      id: this.name,
      party: 'main',
      env,
      storage: this.ctx.storage,
      connections: () => this.getConnections(),
      setAlarm: (at) => this.ctx.storage.setAlarm(at),
      deleteAlarm: () => this.ctx.storage.deleteAlarm(),
      reportToOps: (init) =>
        getServerByName(env.Ops as never, 'deployment').then((ops: { fetch: typeof fetch }) =>
          ops.fetch(new Request('http://ops/parties/ops/deployment', init)),
        ),
    });
    await this.host.start();
  }

  override onAlarm(): Promise<void> {
    return this.host.alarm();
  }

  override onConnect(conn: Connection, ctx: ConnectionContext): Promise<void> {
    return this.host.connect(conn, ctx.request);
  }

  override onMessage(conn: Connection, message: WSMessage): Promise<void> {
    return this.host.message(conn, message);
  }

  override onClose(conn: Connection): void {
    this.host.disconnect(conn);
    answerClose(conn);
  }

  override onError(conn: Connection): void {
    this.host.disconnect(conn);
  }

  override onRequest(req: Request): Promise<Response> {
    return this.host.request(req);
  }
}

export class Ops extends Server<Env> {
  static override options = { hibernate: false };
  private ops!: OpsRoom;
  private readonly sockets = new WeakMap<Connection, Socket>();

  override onStart(): void {
    this.ops = new OpsRoom({ id: this.name, party: 'ops', env: this.env });
  }

  override onConnect(conn: Connection, ctx: ConnectionContext): void {
    const socket: Socket = {
      id: conn.id,
      send: (data) => conn.send(data),
      close: (code, reason) => conn.close(code, reason),
    };
    this.sockets.set(conn, socket);
    this.ops.connect(socket, ctx.request);
  }

  override onClose(conn: Connection): void {
    const socket = this.sockets.get(conn);
    if (socket) this.ops.disconnect(socket);
    answerClose(conn);
  }

  override onError(conn: Connection): void {
    this.onClose(conn);
  }

  override onRequest(req: Request): Promise<Response> {
    return this.ops.request(req);
  }
}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    // The deployment view takes a token for `*` or `deployment`, a room's for that room.
    const reach = (className: string) => (className === 'Ops' ? 'deployment' : 'room');
    const routed = await routePartykitRequest(req, env as never, {
      onBeforeConnect: (r, lobby) =>
        admitSocket(r, { id: lobby.name, env }, reach(lobby.className)),
      onBeforeRequest: (r, lobby) =>
        admitRequest(r, { id: lobby.name, env }, reach(lobby.className)),
    });
    if (routed) return routed;
    // Assets are served before the worker runs; what reaches here is no asset and no party.
    return new Response('not found', { status: 404 });
  },
};
