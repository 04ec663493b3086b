// `npm run dev -w @realstream/elements`: the elements on a page, against a real `partykit dev`
// (slow demo replies, so streaming is easy to watch). Open /packages/elements/dev/index.html.
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { realstreamServer } from '../test/server-plugin.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default {
  rootDir: here('../../..'),
  port: Number(process.env.PORT ?? 8123),
  nodeResolve: { exportConditions: ['browser', 'development'] },
  appIndex: here('index.html'),
  plugins: [
    esbuildPlugin({
      ts: true,
      // nanostores reads process.env.NODE_ENV, which bundlers replace; so must the dev server.
      js: true,
      define: { 'process.env.NODE_ENV': '"development"' },
      target: 'es2022',
      tsconfig: here('../../tsconfig.base.json'),
    }),
    realstreamServer(
      { REALSTREAM_DEMO_TOKENS_PER_SECOND: Number(process.env.TOKENS_PER_SECOND ?? 12) },
      { stopOnSignal: true },
    ),
  ],
};
