// Starts a real `partykit dev` for the browser tests (through the harness the node suites use)
// and tells the test pages where it is: GET /__realstream-config answers {host, url}. A TCP proxy
// in front of it lets a page's link stall for real: GET /__realstream-proxy answers {host} (the
// proxy's), and POST /__realstream-proxy/freeze stops forwarding on every connection through it
// now (they stay open, as behind a NAT that forgot them), answering {frozen: n}.
//
// With `scriptedProvider`, rooms may also choose the `openai` responder (`configure({ responder:
// 'openai' })`): a local server speaking the Chat Completions stream (fake-upstream.ts), scripted by
// the words of the message it answers, so that a page can make a reply fail for real: "fail
// before" gets an HTTP 400 with the provider's message, "fail after" two pieces of text and then a
// cut connection; anything else a short reply.
import { tsImport } from 'tsx/esm/api';

/** What the scripted provider answers, by the last message it was sent. */
function providerScript(req, { openAiStream, openAiChunk }) {
  const last = String(req.body?.messages?.at(-1)?.content ?? '');
  if (last.includes('fail before')) {
    return {
      status: 400,
      body: [
        '{"error":{"message":"The model refused the request.","type":"invalid_request_error"}}',
      ],
    };
  }
  if (last.includes('fail after')) {
    return {
      body: [
        openAiChunk({ role: 'assistant', content: '' }),
        openAiChunk({ content: 'Half of' }),
        openAiChunk({ content: ' a reply' }),
        { wait: 50 },
        { destroy: true },
      ],
    };
  }
  return { body: openAiStream(['A short', ' reply.']) };
}

/**
 * `stopOnSignal`: stop the server on Ctrl+C / SIGTERM (the dev server exits without calling
 * serverStop, which would leave partykit running in its own process group).
 */
export function realstreamServer(
  vars = {},
  { stopOnSignal = false, scriptedProvider = false } = {},
) {
  let ready;
  let proxy;
  let provider;
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
      provider = scriptedProvider
        ? tsImport('../../server/src/responders/fake-upstream.ts', import.meta.url).then(
            async (wire) =>
              (await wire.FakeUpstream.start()).handle((req) => providerScript(req, wire)),
          )
        : Promise.resolve(null);
      ready = Promise.all([
        tsImport('../../testing/src/harness.ts', import.meta.url),
        provider,
      ]).then(([{ startServer }, upstream]) =>
        startServer({
          vars: {
            ...(upstream && {
              REALSTREAM_ROOM_RESPONDERS: 'demo,openai',
              REALSTREAM_OPENAI_BASE_URL: `${upstream.url}/v1`,
              REALSTREAM_OPENAI_MODEL: 'scripted',
              REALSTREAM_LLM_RETRIES: 0,
            }),
            ...vars,
          },
        }),
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
      await (await provider)?.close();
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
