/**
 * A TCP proxy on loopback that can cut any connection through it at once: the closest thing to a
 * network drop that one machine offers. Clients connect here instead of to the server; the proxy
 * survives server restarts, so clients see refused or cut links, as they would in the field. It can
 * also freeze its open connections: they stay open and forward nothing, like a link whose NAT or
 * proxy stopped forwarding, which no close or error ever reports.
 */
import { createServer, connect, type Socket, type Server } from 'node:net';

export interface ChaosProxy {
  readonly port: number;
  /** Connections currently open through the proxy. */
  readonly open: number;
  /** Destroys one random open connection (both sides); returns whether there was one. */
  cutRandom(): boolean;
  /**
   * Stops forwarding on every connection open now, in both directions, without closing any: bytes
   * wait in the proxy. Connections made later flow normally. Returns how many were frozen.
   */
  freeze(): number;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<ChaosProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const server: Server = createServer((down) => {
    const up = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [down, up];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      down.destroy();
      up.destroy();
    };
    down.on('error', drop).on('close', drop);
    up.on('error', drop).on('close', drop);
    down.pipe(up);
    up.pipe(down);
  });
  const frozen = new Set<[Socket, Socket]>();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    get open() {
      return pairs.size;
    },
    cutRandom() {
      const all = [...pairs];
      if (!all.length) return false;
      const [down, up] = all[Math.floor(Math.random() * all.length)];
      // resetAndDestroy sends RST: the peer sees the link die, not a polite close.
      down.resetAndDestroy();
      up.resetAndDestroy();
      return true;
    },
    freeze() {
      let n = 0;
      for (const pair of pairs) {
        if (frozen.has(pair)) continue;
        const [down, up] = pair;
        down.unpipe(up);
        up.unpipe(down);
        down.pause();
        up.pause();
        frozen.add(pair);
        n++;
      }
      return n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [d, u] of pairs) {
          d.destroy();
          u.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
