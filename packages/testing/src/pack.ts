// The npm packages as a consumer gets them: `npm pack` of each publishable package, from a copy
// of it (see packAll). Shared by packages.test.ts (the tarballs' contents) and consumer.test.ts
// (the tarballs installed into real apps), so both test the same bytes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Every package a consumer installs, in dependency order: the one list of what we publish. */
export const PUBLISHED = [
  '@realstream/protocol',
  '@realstream/server',
  '@realstream/client',
  '@realstream/elements',
];

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  types?: string;
  module?: string;
  customElements?: string;
  'web-types'?: string;
  exports: Record<string, unknown>;
  sideEffects?: boolean | string[];
  dependencies?: Record<string, string>;
}
export interface Packed {
  name: string;
  tarball: string;
  size: number;
  files: string[];
  manifest: Manifest;
}

export const dirOf = (name: string) => name.replace('@realstream/', '');

export async function tar(args: string[]): Promise<string> {
  return (await run('tar', args, { maxBuffer: 64 << 20 })).stdout;
}

/** The workspace manifests, byte for byte: packing must never change them. */
const workspaceManifests = () =>
  PUBLISHED.map((name) =>
    readFileSync(join(root, 'packages', dirOf(name), 'package.json'), 'utf8'),
  );

/**
 * Packs every PUBLISHED package into `work` (after `npm run build`) and returns the tarballs by
 * package name. Packs copies, laid out as in the repository (each package's prepack runs
 * ../testing/src/pack-manifest.mjs): prepack rewrites package.json for a moment, and a
 * `partykit dev` another suite has running watches the workspace's and would reload its rooms.
 * Everything but node_modules is copied, so `files` is what keeps src/ and tests out.
 */
export async function packAll(work: string): Promise<Map<string, Packed>> {
  for (const name of PUBLISHED) {
    const built = join(root, 'packages', dirOf(name), 'dist/index.d.ts');
    assert.ok(existsSync(built), `${built} is missing: run \`npm run build\` first`);
  }
  const packed = new Map<string, Packed>();
  const copies = join(work, 'packages');
  cpSync(
    join(root, 'packages/testing/src/pack-manifest.mjs'),
    join(copies, 'testing/src/pack-manifest.mjs'),
  );
  const before = workspaceManifests();
  for (const name of PUBLISHED) {
    const from = join(root, 'packages', dirOf(name));
    const to = join(copies, dirOf(name));
    cpSync(from, to, { recursive: true, filter: (src) => !src.includes('/node_modules') });
    const { stdout } = await run(
      'npm',
      ['pack', '--pack-destination', work, '--json', '--loglevel=error'],
      { cwd: to, maxBuffer: 64 << 20 },
    );
    const [entry] = JSON.parse(stdout) as { name: string; filename: string; size: number }[];
    assert.ok(entry, `npm pack in ${to} printed no tarball`);
    assert.ok(!existsSync(join(to, 'package.json.workspace')), `${name}: postpack did not run`);
    assert.equal(
      readFileSync(join(to, 'package.json'), 'utf8'),
      readFileSync(join(from, 'package.json'), 'utf8'),
      `${name}: postpack did not put the workspace package.json back`,
    );
    const tarball = join(work, entry.filename);
    const files = (await tar(['-tzf', tarball]))
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    const manifest = JSON.parse(await tar(['-xOzf', tarball, 'package/package.json'])) as Manifest;
    packed.set(entry.name, { name: entry.name, tarball, size: entry.size, files, manifest });
    console.log(
      `packed ${entry.filename}: ${(entry.size / 1024).toFixed(1)} KB, ${files.length} files`,
    );
  }
  assert.deepEqual(workspaceManifests(), before, 'packing changed a workspace package.json');
  return packed;
}

/**
 * The packages to install for `names`: them and every @realstream package they depend on, so that
 * npm takes each of ours from its tarball (see tarballsFor) and never looks it up on a registry.
 */
export function withOurDependencies(
  packed: Map<string, Packed>,
  names: readonly string[],
): string[] {
  const wanted = new Set<string>();
  const visit = (name: string) => {
    if (wanted.has(name)) return;
    const pkg = packed.get(name);
    assert.ok(pkg, `${name} is not among the packed packages (${[...packed.keys()].join(', ')})`);
    wanted.add(name);
    for (const dep of Object.keys(pkg.manifest.dependencies ?? {})) {
      if (dep.startsWith('@realstream/')) visit(dep);
    }
  };
  names.forEach(visit);
  return [...wanted];
}

/** The tarballs to install for `names` (see withOurDependencies). */
export function tarballsFor(packed: Map<string, Packed>, names: readonly string[]): string[] {
  return withOurDependencies(packed, names).map((name) => packed.get(name)!.tarball);
}
