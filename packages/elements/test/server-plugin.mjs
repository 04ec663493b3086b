// Starts a real `partykit dev` for the browser tests (through the harness the node suites use)
// and tells the test pages where it is: GET /__realstream-config answers {host, url}.
import { tsImport } from 'tsx/esm/api';

/**
 * `stopOnSignal`: stop the server on Ctrl+C / SIGTERM (the dev server exits without calling
 * serverStop, which would leave partykit running in its own process group).
 */
export function realstreamServer(vars = {}, { stopOnSignal = false } = {}) {
  let ready;
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
      // Test files must not load before the server is up; wds serves meanwhile and waits below.
      return ready;
    },
    async serverStop() {
      await (await ready)?.stop();
    },
    async serve(context) {
      if (context.path !== '/__realstream-config') return undefined;
      const server = await ready;
      return { body: JSON.stringify({ host: server.host, url: server.url }), type: 'json' };
    },
  };
}
