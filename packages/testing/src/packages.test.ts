// The npm packages as a consumer gets them: `npm pack` of each publishable package (after
// `npm run build`, which `npm test` runs first; packed from a copy of the package, see pack.ts), the
// tarballs' contents and manifests, then the
// tarballs installed into a throw-away folder (never the workspace) where plain node imports them
// as server-side rendering would, and TypeScript 7 (what `npm create vite` pins) checks a small app
// under the strictest settings an app may have, with skipLibCheck off, React 19 JSX included.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { packAll, PUBLISHED, tar, type Packed } from './pack.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = fileURLToPath(new URL('./consumer/', import.meta.url));

const TAGS = [
  'realstream-chat',
  'realstream-dashboard',
  'realstream-room',
  'realstream-schema-form',
  'realstream-tools',
];

const work = mkdtempSync(join(tmpdir(), 'realstream-packages-'));
const app = join(work, 'app');
let packed = new Map<string, Packed>();

before(async () => {
  packed = await packAll(work);
});

after(() => rmSync(work, { recursive: true, force: true }));

test('each publishable package packs', () => {
  assert.deepEqual([...packed.keys()].sort(), [...PUBLISHED].sort());
});

test('tarballs hold compiled ESM and declarations: no TypeScript source, no tests', () => {
  for (const { name, files } of packed.values()) {
    const source = files.filter((f) => /\.(c|m)?tsx?$/.test(f) && !/\.d\.(c|m)?ts$/.test(f));
    assert.deepEqual(source, [], `${name} ships TypeScript source`);
    const tests = files.filter((f) =>
      /(^|\/)(tests?|__tests__)\/|\.(test|spec|stories|fixture)\.|\.test-util\.|\.map$/.test(f),
    );
    assert.deepEqual(tests, [], `${name} ships tests, stories or source maps`);
    assert.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts'), name);
  }
});

/** Every file an `exports` map can resolve to, with the conditions that lead there. */
function targets(value: unknown, path: string[] = []): { path: string[]; file: string }[] {
  if (typeof value === 'string') return [{ path, file: value }];
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.some(([key]) => key === 'types')) {
      assert.equal(entries[0]?.[0], 'types', `${path.join(' > ')}: "types" must come first`);
    }
    return entries.flatMap(([key, inner]) => targets(inner, [...path, key]));
  }
  return [];
}

test('every exports target is in the tarball, compiled, with types first', () => {
  for (const { name, files, manifest } of packed.values()) {
    assert.ok(!manifest.private, `${name} is private`);
    const all = targets(manifest.exports, [name]);
    assert.ok(all.length > 0, `${name} has no exports`);
    for (const { path, file } of all) {
      const where = path.join(' > ');
      assert.ok(!path.includes('realstream-source'), `${where}: a workspace-only condition`);
      assert.match(file, /^\.\//, where);
      assert.ok(files.includes(file.slice(2)), `${where}: ${file} is not in the tarball`);
      assert.ok(!/\.tsx?$/.test(file) || /\.d\.ts$/.test(file), `${where}: ${file} is source`);
      if (path.at(-1) === 'types') assert.match(file, /\.d\.ts$/, where);
    }
    for (const field of ['types', 'module', 'customElements', 'web-types'] as const) {
      const file = manifest[field];
      if (file) assert.ok(files.includes(file.replace(/^\.\//, '')), `${name} ${field}: ${file}`);
    }
    assert.notEqual(manifest.sideEffects, undefined, `${name} says nothing of sideEffects`);
    for (const pattern of Array.isArray(manifest.sideEffects) ? manifest.sideEffects : []) {
      assert.match(pattern, /^\.\/dist\//, `${name} sideEffects: ${pattern}`);
    }
  }
});

test('versions move together: one version, and each other @realstream dependency at ^it', () => {
  const versions = new Set([...packed.values()].map((p) => p.manifest.version));
  assert.equal(versions.size, 1, `versions differ: ${[...versions].join(', ')}`);
  const [version] = versions;
  const ranges = new Map<string, string>();
  for (const { name, manifest } of packed.values()) {
    for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
      if (dep.startsWith('@realstream/')) {
        assert.ok(packed.has(dep), `${name} depends on ${dep}, which is not published`);
        assert.equal(range, `^${version}`, `${name} -> ${dep}`);
      } else {
        // One range per third-party package across ours, so a consumer gets one copy.
        assert.equal(ranges.get(dep) ?? range, range, `${name} -> ${dep}: ranges differ`);
        ranges.set(dep, range);
      }
    }
  }
});

test('the elements tarball carries custom-elements.json, VS Code, JetBrains and React data', async () => {
  const elements = packed.get('@realstream/elements');
  assert.ok(elements);
  const read = async (file: string) =>
    await tar(['-xOzf', elements.tarball, `package/${file.replace(/^\.\//, '')}`]);
  assert.equal(elements.manifest.customElements, './dist/custom-elements.json');
  const cem = JSON.parse(await read('./dist/custom-elements.json')) as {
    modules: { path: string; declarations?: { tagName?: string; attributes?: unknown[] }[] }[];
  };
  const tagged = cem.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.tagName);
  assert.deepEqual(tagged.map((d) => d.tagName).sort(), TAGS);
  for (const mod of cem.modules) assert.ok(elements.files.includes(mod.path), mod.path);
  const vscode = JSON.parse(await read('./dist/vscode.html-custom-data.json')) as {
    tags: { name: string; attributes: { name: string; values?: { name: string }[] }[] }[];
  };
  assert.deepEqual(
    vscode.tags.map((t) => t.name),
    TAGS,
  );
  const theme = vscode.tags[0]?.attributes.find((a) => a.name === 'theme');
  assert.deepEqual(
    theme?.values?.map((v) => v.name),
    ['light', 'dark', 'auto'],
  );
  const webTypes = JSON.parse(await read(elements.manifest['web-types'] ?? '')) as {
    version: string;
    contributions: { html: { elements: { name: string }[] } };
  };
  assert.equal(webTypes.version, elements.manifest.version);
  assert.deepEqual(
    webTypes.contributions.html.elements.map((e) => e.name),
    TAGS,
  );
  const react = await read('./dist/react.d.ts');
  for (const tag of TAGS) assert.match(react, new RegExp(`'${tag}': RealstreamElementProps<`));
});

/** The throw-away app: its own package.json, our tarballs, TypeScript 7 and React 19's types. */
async function installApp() {
  if (existsSync(join(app, 'node_modules'))) return;
  mkdirSync(join(app, 'src'), { recursive: true });
  mkdirSync(join(app, 'without'), { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'realstream-consumer', private: true, type: 'module' }, null, 2),
  );
  const started = Date.now();
  await run(
    'npm',
    [
      'install',
      ...PUBLISHED.map((name) => packed.get(name)?.tarball ?? name),
      'typescript@7',
      '@types/react@19',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      '--loglevel=error',
    ],
    { cwd: app, maxBuffer: 64 << 20 },
  );
  console.log(`installed the tarballs into a throw-away app in ${Date.now() - started} ms`);
  for (const file of ['main.ts', 'app.tsx', 'server.ts', 'ssr.mjs']) {
    copyFileSync(join(fixtures, file), join(app, 'src', file));
  }
  copyFileSync(join(fixtures, 'tsconfig.consumer.json'), join(app, 'tsconfig.json'));
  writeFileSync(
    join(app, 'tsconfig.node.json'),
    JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' },
    }),
  );
}

test('the installed packages come from the tarballs, not the workspace', async () => {
  await installApp();
  for (const name of PUBLISHED) {
    const dir = join(app, 'node_modules', name);
    assert.ok(existsSync(join(dir, 'dist/index.js')), `${name} is not installed`);
    assert.ok(!existsSync(join(dir, 'src')), `${name} came with its source`);
  }
});

test('server-side rendering: plain node imports every package and define without throwing', async () => {
  await installApp();
  const { stdout } = await run(process.execPath, ['src/ssr.mjs'], { cwd: app });
  const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
  assert.deepEqual(report, {
    classes: ['RealstreamChat', 'RealstreamRoom', 'RealstreamTools', 'RealstreamDashboard'],
    defined: ['realstream-room', 'realstream-chat', 'realstream-tools', 'realstream-dashboard'],
    connect: 'function',
    parseServerFrame: 'function',
    defineWithoutRegistry: 'returned',
  });
});

test("a host's backend: plain node signs a room token with @realstream/server/auth", async () => {
  await installApp();
  const script = `
    import { signToken, authenticate } from '@realstream/server/auth';
    const token = await signToken('s3cret', { sub: 'ada', name: 'Ada', room: 'lobby' });
    const req = new Request('http://room/parties/main/lobby', {
      headers: { authorization: 'Bearer ' + token },
    });
    console.log(JSON.stringify(await authenticate(req, 'lobby', 's3cret')));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: app,
  });
  const result = JSON.parse(stdout) as { ok: boolean; identity?: Record<string, unknown> };
  assert.equal(result.ok, true, stdout);
  assert.deepEqual(
    { ...result.identity, exp: typeof result.identity?.exp },
    { id: 'ada', name: 'Ada', role: 'member', exp: 'number' },
  );
});

// TypeScript 7 as `npm create vite` pins it, bundler and node resolution; and TypeScript 5 (this
// repository's own compiler, run over the app's node_modules), for apps that have not moved yet.
const compilers = [
  { label: 'TypeScript 7', tsc: () => join(app, 'node_modules/.bin/tsc'), config: 'tsconfig.json' },
  {
    label: 'TypeScript 7',
    tsc: () => join(app, 'node_modules/.bin/tsc'),
    config: 'tsconfig.node.json',
  },
  {
    label: 'TypeScript 5',
    tsc: () => join(root, 'node_modules/.bin/tsc'),
    config: 'tsconfig.json',
  },
];
for (const { label, tsc, config } of compilers) {
  test(`a consumer's strict ${label} (${config}) checks client, protocol, server, elements and React 19 JSX`, async () => {
    await installApp();
    const result = await run(tsc(), ['-p', config], { cwd: app }).catch(
      (err: { stdout: string; stderr: string }) => err,
    );
    assert.equal(result.stdout + result.stderr, '', 'tsc reported errors');
  });
}

test('the React types are what makes the tags known (no declaration, no tags)', async () => {
  await installApp();
  const source = readFileSync(join(app, 'src/app.tsx'), 'utf8');
  const without = source.replace(/^import type \{\} from '@realstream\/elements\/react';$/m, '');
  assert.notEqual(without, source);
  // A program of its own: a module augmentation loaded anywhere in a program applies everywhere.
  writeFileSync(join(app, 'without/app.tsx'), without);
  writeFileSync(
    join(app, 'tsconfig.without.json'),
    JSON.stringify({ extends: './tsconfig.json', include: ['without'] }),
  );
  const result = await run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.without.json'], {
    cwd: app,
  }).catch((err: { stdout: string }) => err);
  assert.match(
    result.stdout,
    /Property 'realstream-chat' does not exist on type 'JSX\.IntrinsicElements'/,
  );
});
