/**
 * `ws` with a hand on the wire, for tests against a real server: see every frame, drop chosen
 * inbound frames, freeze one socket (bytes stop arriving but nothing closes, like a NAT that
 * forgot us), or kill it outright with `terminate()`.
 */
import WebSocket from 'ws';

export interface FlakySocket extends WebSocket {
  /** While frozen, this socket's inbound frames vanish silently. */
  frozen: boolean;
}

export interface FlakyLink {
  /** Pass as the client's `WebSocket` option. */
  WebSocket: new (url: string, protocols?: string | string[]) => WebSocket;
  readonly sockets: FlakySocket[];
  /** The newest socket. */
  readonly current: FlakySocket;
  /** Inbound text frames of every socket, as received (dropped ones too). */
  readonly received: string[];
  /** Return true to drop an inbound frame before the client sees it. */
  dropInbound: ((data: string, socket: FlakySocket) => boolean) | null;
}

export function flakyLink(): FlakyLink {
  const link: FlakyLink = {
    WebSocket: null as unknown as FlakyLink['WebSocket'],
    sockets: [],
    get current() {
      const last = this.sockets.at(-1);
      if (!last) throw new Error('no socket yet');
      return last;
    },
    received: [],
    dropInbound: null,
  };
  class Flaky extends WebSocket implements FlakySocket {
    frozen = false;

    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      link.sockets.push(this);
    }

    // ws turns each inbound frame into a 'message' emit; intercepting it here is the network.
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'message') {
        const data = String(args[0]);
        link.received.push(data);
        if (this.frozen || link.dropInbound?.(data, this)) return false;
      }
      return super.emit(event, ...args);
    }
  }
  link.WebSocket = Flaky;
  return link;
}
