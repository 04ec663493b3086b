// Every published bundle. Budgets are checked here, at build time: a bundle over its gzipped budget
// fails the build (and so `npm test`, which builds first).
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
  // What validating server frames costs a browser: parseServerFrame with zod/mini, self-contained.
  // zod/mini's core is most of it (measured 8.6 KB gzipped; full zod costs ~27 KB).
  {
    input: 'virtual:server-frame-validation',
    output: { file: 'packages/protocol/dist/server-frame-validation.min.js', format: 'es' },
    plugins: [
      virtual('virtual:server-frame-validation', "export { parseServerFrame } from './packages/protocol/src/index.ts';"),
      resolve({ browser: true }),
      ts(),
      terser(),
      budget(9),
    ],
  },
  // The headless client for a <script type="module"> tag: everything inside, minified.
  {
    input: 'packages/client/src/index.ts',
    output: { file: 'packages/client/dist/realstream-client.min.js', format: 'es' },
    plugins: [resolve({ browser: true }), ts(), terser(), budget(22)],
  },
];
