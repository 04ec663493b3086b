// The throw-away apps of the consumer suite: how each is generated (the real Vite scaffold, or a
// package.json pinned to majors), its own type check, its production build and its own server.
// Their sources are the files under ./apps/<name>/, copied in over the generated ones.
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTool, serveStatic, startPreview, type Served } from './run.js';

const fixtures = fileURLToPath(new URL('./apps/', import.meta.url));

/** create-vite's major: the scaffold's own files (tsconfig, package.json ranges) are its. */
const CREATE_VITE = 'vite@9';

export interface AppSpec {
  readonly name: string;
  /** For the size report: what the page is made of. */
  readonly about: string;
  /** Our packages it imports; the @realstream packages they depend on come along. */
  readonly uses: readonly string[];
  /** Generates the app at `dir` (its parent exists) with its sources in place. */
  create(dir: string): Promise<void>;
  /** Its own type check: a command (a bin of the app, or node) and its arguments. */
  readonly tsc: readonly string[];
  /** Its production build; none for the node script. */
  readonly build?: readonly string[];
  /** Serves the built app on `port`; none for the node script. */
  serve?(dir: string, port: number): Promise<Served>;
}

const bin = (dir: string, tool: string) => join(dir, 'node_modules/.bin', tool);

function copyFixture(app: string, from: string, dir: string, to = from): void {
  const target = join(dir, to);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join(fixtures, app, from), target);
}

function writePackage(dir: string, manifest: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  const pkg = { name: `realstream-consumer-${manifest.name}`, private: true, ...manifest };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
}

/** `npm create vite`, non-interactive, in the folder the app goes in. */
async function scaffold(app: string, dir: string, template: string): Promise<void> {
  await runTool(
    app,
    'install',
    'npm',
    ['create', '--yes', CREATE_VITE, app, '--', '--template', template, '--no-interactive'],
    { cwd: dirname(dir), timeoutMs: 120_000 },
  );
}

const vitePreview = (app: string) => (dir: string, port: number) =>
  startPreview(
    app,
    bin(dir, 'vite'),
    ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: dir, port },
  );

export const APPS: readonly AppSpec[] = [
  {
    name: 'node',
    about: 'plain node ESM script, @realstream/client',
    uses: ['@realstream/client'],
    async create(dir) {
      writePackage(dir, {
        name: 'node',
        type: 'module',
        dependencies: { ws: '^8' },
        // Only for the type check of the plain JavaScript (checkJs); node runs the file as it is.
        devDependencies: { typescript: '^7', '@types/node': '^20', '@types/ws': '^8' },
      });
      copyFixture('node', 'reply.mjs', dir);
      copyFixture('node', 'jsconfig.json', dir);
    },
    tsc: ['tsc', '-p', 'jsconfig.json'],
  },
  {
    name: 'vanilla-ts',
    about: 'Vite vanilla-ts, @realstream/elements/chat/define only',
    uses: ['@realstream/elements'],
    async create(dir) {
      await scaffold('vanilla-ts', dir, 'vanilla-ts');
      copyFixture('vanilla-ts', 'main.ts', dir, 'src/main.ts');
    },
    // The scaffold's own build is `tsc && vite build`: the same two, as two steps.
    tsc: ['tsc'],
    build: ['vite', 'build'],
    serve: vitePreview('vanilla-ts'),
  },
  {
    name: 'react-ts',
    about: 'Vite react-ts, React 19, every tag in JSX',
    uses: ['@realstream/elements'],
    async create(dir) {
      await scaffold('react-ts', dir, 'react-ts');
      copyFixture('react-ts', 'App.tsx', dir, 'src/App.tsx');
    },
    // The scaffold's own build is `tsc -b && vite build`.
    tsc: ['tsc', '-b'],
    build: ['vite', 'build'],
    serve: vitePreview('react-ts'),
  },
  {
    name: 'webpack',
    about: 'webpack 5, tsc-compiled TypeScript page, the chat',
    uses: ['@realstream/elements'],
    async create(dir) {
      writePackage(dir, {
        name: 'webpack',
        type: 'module',
        devDependencies: { webpack: '^5', 'webpack-cli': '^7', typescript: '^7' },
      });
      copyFixture('webpack', 'main.ts', dir, 'src/main.ts');
      copyFixture('webpack', 'tsconfig.json', dir);
      copyFixture('webpack', 'webpack.config.mjs', dir);
      copyFixture('webpack', 'index.html', dir, 'dist/index.html');
    },
    // Type check and emit to build/, which webpack bundles.
    tsc: ['tsc', '-p', 'tsconfig.json'],
    build: ['webpack', '--config', 'webpack.config.mjs'],
    serve: (dir, port) => serveStatic(join(dir, 'dist'), port),
  },
  {
    name: 'next',
    about: "Next.js 16 App Router, the chat in a 'use client' component, server-rendered",
    uses: ['@realstream/elements'],
    async create(dir) {
      writePackage(dir, {
        name: 'next',
        scripts: { build: 'next build', start: 'next start' },
        dependencies: { next: '^16', react: '^19', 'react-dom': '^19' },
        // TypeScript 5, as create-next-app pins it: `next build` uses the compiler's API.
        devDependencies: {
          typescript: '^5',
          '@types/node': '^20',
          '@types/react': '^19',
          '@types/react-dom': '^19',
        },
      });
      cpSync(join(fixtures, 'next'), dir, { recursive: true });
    },
    tsc: ['tsc', '--noEmit'],
    build: ['next', 'build'],
    serve: (dir, port) =>
      startPreview('next', bin(dir, 'next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
        cwd: dir,
        port,
      }),
  },
];

/** Runs one of an app's commands (`tsc`, `build`) with the app's own bin. */
export function runAppCommand(
  app: AppSpec,
  step: string,
  dir: string,
  [tool, ...args]: readonly string[],
  timeoutMs: number,
): Promise<string> {
  return runTool(app.name, step, bin(dir, tool!), args, { cwd: dir, timeoutMs });
}
