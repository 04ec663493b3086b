// Every published bundle. Budgets are checked here, at build time: a bundle over its gzipped budget
// fails the build (and so `npm test`, which builds first).
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

/** Fails the build when a chunk's gzipped size exceeds `kb`; prints the size either way. */
function budget(kb) {
  return {
    name: 'size-budget',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const gz = gzipSync(chunk.code, { level: 9 }).length;
        const line = `${chunk.fileName}: ${(chunk.code.length / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzipped (budget ${kb} KB)`;
        if (gz > kb * 1024) this.error(`over budget: ${line}`);
        console.log(`size ${line}`);
      }
    },
  };
}

/** An entry made of one line of code, to measure exactly what an importer would pull in. */
function virtual(id, code) {
  return {
    name: 'virtual-entry',
    resolveId: (source) => (source === id ? id : null),
    load: (source) => (source === id ? code : null),
  };
}

/** Copies the written bundle to each of `paths` as well (the examples serve their own copies). */
function copyTo(...paths) {
  return {
    name: 'copy-bundle',
    writeBundle(options) {
      for (const to of paths) {
        mkdirSync(dirname(to), { recursive: true });
        copyFileSync(options.file, to);
      }
    },
  };
}

/**
 * Replaces `process.env.NODE_ENV` (nanostores reads it for dev-only checks) with "production":
 * bundles for a browser's <script> tag have no `process`, and would throw at the first atom.
 */
function production() {
  return {
    name: 'node-env-production',
    transform(code) {
      if (!code.includes('process.env.NODE_ENV')) return null;
      return { code: code.replaceAll('process.env.NODE_ENV', '"production"'), map: null };
    },
  };
}

const ts = () => esbuild({ target: 'es2022', tsconfig: 'packages/tsconfig.base.json' });
const external = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0');

export default [
  // npm packages: ESM, dependencies left to the importer's bundler.
  {
    input: 'packages/protocol/src/index.ts',
    output: { file: 'packages/protocol/dist/index.js', format: 'es', sourcemap: true },
    external,
    plugins: [ts()],
  },
  {
    input: 'packages/client/src/index.ts',
    output: { file: 'packages/client/dist/index.js', format: 'es', sourcemap: true },
    external,
    plugins: [ts()],
  },
  // @realstream/server for hosts that run rooms in their own worker: the room core, the PartyKit
  // and partyserver adapters, and a Node-safe ./auth entry (signToken for a host's backend). Module
  // for module, so an importer of ./auth never loads the room. Declarations: packages/server/
  // tsconfig.build.json.
  {
    input: {
      index: 'packages/server/src/index.ts',
      auth: 'packages/server/src/auth.ts',
      'adapters/partykit': 'packages/server/src/adapters/partykit.ts',
      'adapters/partykit-ops': 'packages/server/src/adapters/partykit-ops.ts',
      'adapters/partyserver': 'packages/server/src/adapters/partyserver.ts',
    },
    output: {
      dir: 'packages/server/dist',
      format: 'es',
      sourcemap: true,
      preserveModules: true,
      preserveModulesRoot: 'packages/server/src',
    },
    external,
    plugins: [ts()],
  },
  // What validating server frames costs a browser: parseServerFrame with zod/mini, self-contained.
  // zod/mini's core is most of it; the rest is the frame schemas (chat, tools, metrics). Measured
  // 10.9 KB gzipped with all three (8.6 KB with chat frames only; full zod would cost ~27 KB).
  {
    input: 'virtual:server-frame-validation',
    output: { file: 'packages/protocol/dist/server-frame-validation.min.js', format: 'es' },
    plugins: [
      virtual(
        'virtual:server-frame-validation',
        "export { parseServerFrame } from './packages/protocol/src/index.ts';",
      ),
      resolve({ browser: true }),
      ts(),
      terser(),
      budget(12),
    ],
  },
  // The headless client for a <script type="module"> tag: everything inside, minified.
  {
    input: 'packages/client/src/index.ts',
    output: { file: 'packages/client/dist/realstream-client.min.js', format: 'es' },
    plugins: [resolve({ browser: true }), production(), ts(), terser(), budget(26)],
  },
  // @realstream/elements for npm: ESM with lit, @lit/context, marked and the client left to the
  // importer; the define files are entries of their own, so `sideEffects` can name them. The
  // declarations come from tsc (packages/elements/tsconfig.build.json), run by `npm run build`.
  {
    input: {
      index: 'packages/elements/src/index.ts',
      define: 'packages/elements/src/define.ts',
      'chat/define': 'packages/elements/src/chat/define.ts',
      'room/define': 'packages/elements/src/room/define.ts',
      'tools/define': 'packages/elements/src/tools/define.ts',
      'dashboard/define': 'packages/elements/src/dashboard/define.ts',
    },
    output: {
      dir: 'packages/elements/dist',
      format: 'es',
      sourcemap: true,
      preserveModules: true,
      preserveModulesRoot: 'packages/elements/src',
    },
    external,
    plugins: [ts()],
  },
  // The elements for one <script type="module"> tag: every element defined, everything inside
  // (lit, marked, the client, nanostores, partysocket), minified. Also copied next to the
  // script-tag example and the reference host, which `npm start` serves.
  {
    input: 'packages/elements/src/define.ts',
    output: { file: 'packages/elements/dist/realstream.min.js', format: 'es' },
    plugins: [
      resolve({ browser: true }),
      production(),
      ts(),
      terser(),
      budget(110),
      copyTo('examples/script-tag/realstream.min.js', 'examples/realstream.min.js'),
    ],
  },
  // What the chat alone costs on top of the headless client (which has its own budget above):
  // the element, lit, @lit/context, marked and the stylesheet, minified. Self-contained, the chat
  // measures ~67 KB gzipped, the client (zod/mini, partysocket, tools, metrics) being ~24 KB of it.
  {
    input: 'packages/elements/src/chat/define.ts',
    output: { file: 'packages/elements/dist/realstream-chat.min.js', format: 'es' },
    external: (id) => id === '@realstream/client' || id.startsWith('@realstream/protocol'),
    plugins: [resolve({ browser: true }), production(), ts(), terser(), budget(45)],
  },
];
