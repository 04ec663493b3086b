#!/usr/bin/env node
// `npm run size`: what a chat-only page downloads. Bundles packages/elements/src/chat/define.ts
// self-contained (lit, @lit/context, the client, the protocol's generated validators,
// the stylesheet all inside; zod only if an import brought it back; what the chat import()s when
// needed, the tool cards, counted apart), minified and gzipped the way
// rollup.config.mjs does its bundles, then again with the parts below stubbed out one after
// another: a part's share is what the bundle loses when it goes ("by removal"). `--total` prints the whole only (one build instead of ten); `--budget KB` exits 1
// when the whole is over KB gzipped.
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';
import { minifyTemplates } from './minify-literals.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const entry = `${root}packages/elements/src/chat/define.ts`;

/** Parts measured by removal: a name and a test on a resolved module id. */
const PARTS = [
  [
    'lit (+ @lit/context)',
    (id) =>
      /node_modules\/(lit|lit-html|lit-element|@lit\/[^/]+|@lit\/reactive-element)\//.test(id),
  ],
  ['zod', (id) => /node_modules\/zod\//.test(id)],
  ['nanostores', (id) => /node_modules\/nanostores\//.test(id)],
  ['stylesheet', (id) => /packages\/elements\/src\/styles\/sheet[^/]*\.generated\.ts$/.test(id)],
  [
    'markdown',
    (id) => /packages\/elements\/src\/internal\/markdown\/(?!context)[^/]+\.ts$/.test(id),
  ],
  ['protocol (own code)', (id) => /packages\/protocol\/src\//.test(id)],
  ['client (own code)', (id) => /packages\/client\/src\//.test(id)],
];

/** Every module matching `test` becomes an empty one; rollup shims the names it was to export. */
function stub(test) {
  return {
    name: 'stub',
    load: (id) => (test(id) ? 'export default undefined;' : null),
  };
}

/** Same replacement as rollup.config.mjs's production(): nanostores reads process.env.NODE_ENV. */
const production = {
  name: 'node-env-production',
  transform: (code) =>
    code.includes('process.env.NODE_ENV')
      ? { code: code.replaceAll('process.env.NODE_ENV', '"production"'), map: null }
      : null,
};

async function measure(test) {
  const bundle = await rollup({
    input: entry,
    shimMissingExports: true,
    onwarn: () => {},
    plugins: [
      ...(test ? [stub(test)] : []),
      resolve({ browser: true }),
      production,
      minifyTemplates(),
      esbuild({ target: 'es2022', tsconfig: `${root}packages/tsconfig.base.json` }),
    ],
  });
  const { output } = await bundle.generate({ format: 'es', plugins: [terser()] });
  await bundle.close();
  // The entry is what the page downloads; what it import()s (the tool cards) comes when needed.
  const chunks = output.filter((c) => c.type === 'chunk');
  const code = chunks.find((c) => c.isEntry).code;
  const lazy = chunks.filter((c) => !c.isEntry).map((c) => c.code);
  return {
    min: code.length,
    gz: gzipSync(code, { level: 9 }).length,
    lazyGz: lazy.reduce((n, c) => n + gzipSync(c, { level: 9 }).length, 0),
    modules: chunks.flatMap((c) => c.moduleIds),
  };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const whole = await measure(null);
console.log(
  `chat, self-contained: ${kb(whole.min)} minified, ${kb(whole.gz)} gzipped` +
    (whole.lazyGz ? ` (+ ${kb(whole.lazyGz)} gzipped loaded when needed)` : ''),
);
if (!process.argv.includes('--total')) {
  // Removed one after another, in this order: each share is what the bundle loses when that part
  // goes too, so the shares are disjoint and add up (code two parts share counts for the first).
  const removed = [];
  let previous = whole.gz;
  for (const [name, test] of PARTS) {
    if (!whole.modules.some(test)) {
      console.log(`  ${name.padEnd(22)} not in the bundle`);
      continue;
    }
    removed.push(test);
    const without = await measure((id) => removed.some((t) => t(id)));
    console.log(`  ${name.padEnd(22)} ${kb(previous - without.gz).padStart(8)} gzipped`);
    previous = without.gz;
  }
  console.log(`  ${'rest (elements code)'.padEnd(22)} ${kb(previous).padStart(8)}`);
}

const at = process.argv.indexOf('--budget');
if (at > 0) {
  const budget = Number(process.argv[at + 1]);
  if (!Number.isFinite(budget)) throw new TypeError('--budget needs a number of KB');
  if (whole.gz > budget * 1024) {
    console.error(`over budget: ${kb(whole.gz)} gzipped > ${budget} KB`);
    process.exit(1);
  }
  console.log(`within budget: ${kb(whole.gz)} gzipped <= ${budget} KB`);
}
