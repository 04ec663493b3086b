// Starts a real `partykit dev` for the browser tests (through the harness the node suites use)
// and tells the test pages where it is: GET /__realstream-config answers {host, url}. A TCP proxy
// in front of it lets a page's link stall for real: GET /__realstream-proxy answers {host} (the
// proxy's), and POST /__realstream-proxy/freeze stops forwarding on every connection through it
// now (they stay open, as behind a NAT that forgot them), answering {frozen: n}.
import { tsImport } from 'tsx/esm/api';

/**
 * `stopOnSignal`: stop the server on Ctrl+C / SIGTERM (the dev server exits without calling
 * serverStop, which would leave partykit running in its own process group).
 */
export function realstreamServer(vars = {}, { stopOnSignal = false } = {}) {
  let ready;
  let proxy;
  if (stopOnSignal) {
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.once(signal, async () => {
        await (await ready)?.stop();
        process.exit(130);
      });
    }
  }
  return {
    name: 'realstream-server',
    serverStart() {
      ready = tsImport('../../testing/src/harness.ts', import.meta.url).then(({ startServer }) =>
        startServer({ vars }),
      );
      proxy = Promise.all([
        ready,
        tsImport('../../testing/src/chaos-proxy.ts', import.meta.url),
      ]).then(([server, { startProxy }]) => startProxy(server.port));
      // Test files must not load before the server is up; wds serves meanwhile and waits below.
      return ready;
    },
    async serverStop() {
      await (await proxy)?.close();
      await (await ready)?.stop();
    },
    async serve(context) {
      if (context.path === '/__realstream-proxy') {
        const { port } = await proxy;
        return { body: JSON.stringify({ host: `127.0.0.1:${port}` }), type: 'json' };
      }
      if (context.path === '/__realstream-proxy/freeze' && context.method === 'POST') {
        const frozen = (await proxy).freeze();
        return { body: JSON.stringify({ frozen }), type: 'json' };
      }
      if (context.path !== '/__realstream-config') return undefined;
      const server = await ready;
      return { body: JSON.stringify({ host: server.host, url: server.url }), type: 'json' };
    },
  };
}
