/** The ops party on PartyKit: mounts the engine-neutral OpsRoom (see ops-party.ts). */
import type * as Party from 'partykit/server';
import { OpsRoom } from '../ops-party.js';
import { admitRequest, admitSocket } from '../party-http.js';
import type { Socket } from '../room.js';

export default class OpsParty implements Party.Server {
  readonly options: Party.ServerOptions = { hibernate: false };
  private readonly ops: OpsRoom;
  private readonly sockets = new WeakMap<Party.Connection, Socket>();

  constructor(readonly party: Party.Room) {
    this.ops = new OpsRoom({ id: party.id, party: party.name, env: party.env });
  }

  onConnect(conn: Party.Connection, ctx: Party.ConnectionContext): void {
    const socket: Socket = {
      id: conn.id,
      send: (data) => conn.send(data),
      close: (code, reason) => conn.close(code, reason),
    };
    this.sockets.set(conn, socket);
    this.ops.connect(socket, ctx.request as unknown as Request);
  }

  onClose(conn: Party.Connection): void {
    const socket = this.sockets.get(conn);
    if (socket) this.ops.disconnect(socket);
  }

  onError(conn: Party.Connection): void {
    this.onClose(conn);
  }

  onRequest(req: Party.Request): Promise<Response> {
    return this.ops.request(req as unknown as Request);
  }

  static onBeforeConnect(req: Party.Request, lobby: Party.Lobby) {
    return admitSocket(req as unknown as Request, lobby, 'deployment') as Promise<
      Party.Request | Response
    >;
  }

  static onBeforeRequest(req: Party.Request, lobby: Party.Lobby) {
    // Reports from rooms reach the party directly; anything from outside needs a token.
    return admitRequest(req as unknown as Request, lobby, 'deployment') as Promise<
      Party.Request | Response
    >;
  }
}

OpsParty satisfies Party.Worker;
