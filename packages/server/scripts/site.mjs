#!/usr/bin/env node
// `npm run site`: the pages and what they load, in one folder for a deployment's static assets
// (dist/site/): examples/ without the npm app, plus the built files the front of `npm start` serves
// beside them (dev-front.mjs BUILT: the loader and its chunks at the root, the host's assets under
// host/). Run after `npm run build`; never used by `npm start`, whose watched folder stays examples/.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILT, builtFile } from './dev-front.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const out = join(root, 'dist/site');

/** Every file under `dir`, as paths relative to it. */
function walk(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name), base) : [relative(base, join(dir, e.name))],
  );
}

rmSync(out, { recursive: true, force: true });
cpSync(join(root, 'examples'), out, {
  recursive: true,
  filter: (src) => !relative(join(root, 'examples'), src).startsWith('npm-app'),
});
let copied = 0;
for (const { dir } of BUILT) {
  const from = join(root, dir);
  if (!existsSync(from)) throw new Error(`${dir} is missing: run \`npm run build\` first`);
  const prefix = dir === 'dist/host' ? 'host/' : '';
  for (const file of walk(from)) {
    const url = `/${prefix}${file}`;
    // Only what the front would serve at that URL (not the npm modules beside the loader).
    if (builtFile(url, root) !== join(from, file)) continue;
    mkdirSync(join(out, url, '..'), { recursive: true });
    cpSync(join(from, file), join(out, url));
    copied++;
  }
}
console.log(`site: examples/ and ${copied} built files in ${out}`);
