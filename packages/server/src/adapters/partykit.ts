/**
 * The PartyKit adapter (`partykit dev`, PartyKit's platform): mounts the engine-neutral RoomHost on
 * a Party.Server. Auth and origin checks run in the worker (onBeforeConnect / onBeforeRequest),
 * before the room's Durable Object is reached.
 */
import type * as Party from 'partykit/server';
import { admitRequest, admitSocket } from '../party-http.js';
import { RoomHost } from '../room-host.js';

export default class RealstreamParty implements Party.Server {
  // Hibernatable WebSockets: an idle room may be evicted with its sockets open (see RoomHost).
  readonly options: Party.ServerOptions = { hibernate: true };
  private readonly host: RoomHost;

  constructor(readonly party: Party.Room) {
    this.host = new RoomHost({
      id: party.id,
      party: party.name,
      env: party.env,
      storage: party.storage,
      connections: () => party.getConnections(),
      setAlarm: (at) => party.storage.setAlarm(at),
      deleteAlarm: () => party.storage.deleteAlarm(),
      reportToOps: (init) => party.context.parties.ops?.get('deployment').fetch(init) ?? null,
    });
  }

  onStart(): Promise<void> {
    return this.host.start();
  }

  onAlarm(): Promise<void> {
    return this.host.alarm();
  }

  onConnect(conn: Party.Connection, ctx: Party.ConnectionContext): Promise<void> {
    return this.host.connect(conn, ctx.request as unknown as Request);
  }

  onMessage(message: string | ArrayBuffer | ArrayBufferView, sender: Party.Connection) {
    return this.host.message(sender, message);
  }

  onClose(conn: Party.Connection): void {
    this.host.disconnect(conn);
    // partykit's runtime does not answer a client's close frame of a hibernatable socket by
    // itself: without this the client waits out its own close timeout (~20 s in `ws`, ending 1006),
    // holding the TCP connection meanwhile. A socket the room closed is closed already: nothing to do.
    try {
      conn.close(1000);
    } catch {
      // already closed
    }
  }

  onError(conn: Party.Connection): void {
    this.host.disconnect(conn);
  }

  onRequest(req: Party.Request): Promise<Response> {
    return this.host.request(req as unknown as Request);
  }

  static onBeforeConnect(req: Party.Request, lobby: Party.Lobby) {
    return admitSocket(req as unknown as Request, lobby) as Promise<Party.Request | Response>;
  }

  static onBeforeRequest(req: Party.Request, lobby: Party.Lobby) {
    return admitRequest(req as unknown as Request, lobby) as Promise<Party.Request | Response>;
  }
}

RealstreamParty satisfies Party.Worker;
