#!/usr/bin/env node
// The package.json that `npm pack` / `npm publish` ship differs from the workspace's own.
// In the workspace, @realstream/protocol and @realstream/client resolve to their TypeScript source
// (`"exports": {".": "./src/index.ts"}`), because the tools that import them there cannot be given a
// custom condition: tsx in `node --import tsx --test`, and the esbuild inside `partykit dev`
// (conditions fixed to partykit/workerd/worker). A consumer must get compiled ESM and `.d.ts` only.
//
// So each publishable package runs this as `prepack` (rewrite package.json to the published form,
// keeping the workspace form beside it) and `postpack` (put the workspace form back, byte for byte):
// - an export target `./src/X.ts` becomes `{ "types": "./dist/X.d.ts", "default": "./dist/X.js" }`;
// - the workspace-only `realstream-source` condition is dropped wherever it appears;
// - `sideEffects` entries under ./src/ are dropped; `devDependencies` and `scripts` are dropped.
// `node pack-manifest.mjs print` shows the published form without touching anything;
// `prepublishOnly` refuses `npm publish` of the folder (publish the packed tarball).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const FILE = 'package.json';
const SAVED = 'package.json.workspace';
const SOURCE_CONDITION = 'realstream-source';

/** The compiled twin of one export target. */
function target(value) {
  if (typeof value === 'string') {
    const m = /^\.\/src\/(.+)\.ts$/.exec(value);
    return m ? { types: `./dist/${m[1]}.d.ts`, default: `./dist/${m[1]}.js` } : value;
  }
  if (value && typeof value === 'object') {
    const out = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key !== SOURCE_CONDITION) out[key] = target(inner);
    }
    return out;
  }
  return value;
}

/** The manifest a consumer installs, from the workspace's. */
export function publishedManifest(pkg) {
  const out = { ...pkg };
  if (out.exports) out.exports = target(out.exports);
  const main = out.exports?.['.'];
  if (!out.types && main && typeof main === 'object' && typeof main.types === 'string') {
    out.types = main.types;
  }
  if (Array.isArray(out.sideEffects)) {
    out.sideEffects = out.sideEffects.filter((p) => !p.startsWith('./src/'));
  }
  delete out.devDependencies;
  delete out.scripts;
  return out;
}

const step =
  import.meta.url === pathToFileURL(process.argv[1] ?? '').href ? process.argv[2] : undefined;
if (step === 'prepack') {
  // A pack that died before postpack left the workspace form aside: that one is the truth.
  if (existsSync(SAVED)) renameSync(SAVED, FILE);
  const raw = readFileSync(FILE, 'utf8');
  writeFileSync(SAVED, raw);
  writeFileSync(FILE, JSON.stringify(publishedManifest(JSON.parse(raw)), null, 2) + '\n');
} else if (step === 'postpack') {
  if (existsSync(SAVED)) renameSync(SAVED, FILE);
} else if (step === 'prepublishOnly') {
  // `npm publish` from the folder re-reads package.json after postpack, so the registry's metadata
  // would describe the workspace form. Publish the tarball instead: its manifest is the published one.
  console.error(
    'Publish the tarball, not the folder: `npm pack --pack-destination out` here, then ' +
      '`npm publish out/<name>-<version>.tgz` (see the README, "Installing the packages").',
  );
  process.exit(1);
} else if (step === 'print') {
  const raw = existsSync(SAVED) ? readFileSync(SAVED, 'utf8') : readFileSync(FILE, 'utf8');
  console.log(JSON.stringify(publishedManifest(JSON.parse(raw)), null, 2));
} else if (step !== undefined) {
  console.error(`pack-manifest: unknown step ${step} (prepack, postpack, prepublishOnly, print)`);
  process.exit(2);
}
