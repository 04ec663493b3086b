#!/usr/bin/env node
// Editor and framework data, all from one custom-elements.json (`npm run build` runs this last):
//   dist/custom-elements.json          the manifest: the analyzer over src/ (see the config beside
//                                      package.json), module paths rewritten to the shipped dist/*.js
//   dist/vscode.html-custom-data.json  VS Code's html custom data (`html.customData` setting)
//   dist/web-types.json                JetBrains web-types (found through package.json "web-types")
//   dist/react.d.ts, dist/react.js     React 19 JSX types for every tag: `@realstream/elements/react`
// Our own generator, not the break-stuff integrations: the four outputs are ~150 lines here, with no
// dependency to keep up with, and the React types can lean on the classes' own property types.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const dist = join(pkgDir, 'dist');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));

// 1. The analyzer, as its CLI runs it (config file, globs, lit plugin). A stale manifest must not
// survive an analyzer that wrote nothing.
rmSync(join(dist, 'custom-elements.json'), { force: true });
const require = createRequire(import.meta.url);
const cem = join(
  dirname(require.resolve('@custom-elements-manifest/analyzer/package.json')),
  'cem.js',
);
const run = spawnSync(
  process.execPath,
  [cem, 'analyze', '--config', 'custom-elements-manifest.config.mjs', '--quiet'],
  { cwd: pkgDir, encoding: 'utf8' },
);
if (run.status !== 0) {
  process.stderr.write(run.stdout + run.stderr);
  throw new Error(`custom-elements-manifest analyzer exited with ${run.status}`);
}
const manifestPath = join(dist, 'custom-elements.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));

// 2. Tidy: the package ships dist/*.js, not src/*.ts; events are those the class's JSDoc declares
// (the analyzer also guesses events from `dispatchEvent(new X(...))` calls, without a name).
const shipped = (path) => path.replace(/^\/?src\/(.+)\.ts$/, 'dist/$1.js');
function rewrite(node) {
  if (Array.isArray(node)) return node.forEach(rewrite);
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'path' || key === 'module') && typeof value === 'string')
      node[key] = shipped(value);
    else rewrite(value);
  }
}
rewrite(manifest);
// Modules rollup did not emit (re-export barrels, code nothing imports) are not in the package.
// Before any build (Storybook on a fresh clone asks for the manifest alone) keep them all.
if (existsSync(join(dist, 'index.js'))) {
  manifest.modules = manifest.modules.filter((mod) => existsSync(join(pkgDir, mod.path)));
}
const elements = [];
for (const mod of manifest.modules) {
  for (const decl of mod.declarations ?? []) {
    if (decl.events) decl.events = decl.events.filter((e) => e.name && e.description);
    // A tag's users see its public API; private and protected members are the class's business.
    if (decl.members) {
      decl.members = decl.members.filter(
        (m) => (!m.privacy || m.privacy === 'public') && !m.name.startsWith('#'),
      );
    }
    if (decl.tagName) elements.push({ mod, decl });
  }
}
elements.sort((a, b) => a.decl.tagName.localeCompare(b.decl.tagName));
if (!elements.length) throw new Error('custom-elements.json names no tag');
writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');

// What each element offers, read once for every output below.
const values = (type) => {
  const text = (type?.text ?? '').replace(/\s*\|\s*undefined$/, '');
  const parts = text.split('|').map((s) => s.trim());
  return parts.every((p) => /^'[^']*'$/.test(p)) ? parts.map((p) => p.slice(1, -1)) : null;
};
const summary = (decl) => (decl.summary ?? decl.description ?? '').replace(/\s+/g, ' ').trim();
const props = (decl) =>
  (decl.members ?? []).filter(
    (m) => m.kind === 'field' && !m.static && !m.readonly && !m.privacy && !m.name.startsWith('#'),
  );

// 3. VS Code html custom data (version 1.1).
const vscode = {
  version: 1.1,
  tags: elements.map(({ decl }) => ({
    name: decl.tagName,
    description: [
      summary(decl),
      decl.slots?.length &&
        `Slots: ${decl.slots.map((s) => `\`${s.name || '(default)'}\``).join(', ')}.`,
      decl.events?.length && `Events: ${decl.events.map((e) => `\`${e.name}\``).join(', ')}.`,
      decl.cssParts?.length && `Parts: ${decl.cssParts.map((p) => `\`${p.name}\``).join(', ')}.`,
      decl.cssProperties?.length &&
        `CSS properties: ${decl.cssProperties.map((p) => `\`${p.name}\``).join(', ')}.`,
    ]
      .filter(Boolean)
      .join('\n\n'),
    attributes: (decl.attributes ?? []).map((a) => {
      const closed = values(a.type);
      return {
        name: a.name,
        description: a.description ?? '',
        ...(closed ? { values: closed.map((name) => ({ name })) } : {}),
        ...(a.type?.text === 'boolean' ? { valueSet: 'v' } : {}),
      };
    }),
  })),
};
writeFileSync(join(dist, 'vscode.html-custom-data.json'), JSON.stringify(vscode, null, 2) + '\n');

// 4. JetBrains web-types (schema 2.0).
const valueOf = (type) => {
  if (type?.text === 'boolean') return { kind: 'no-value', type: 'boolean' };
  if (/^number\b/.test(type?.text ?? '')) return { type: 'number' };
  return { type: 'string' };
};
const webTypes = {
  $schema: 'https://json.schemastore.org/web-types',
  name: pkg.name,
  version: pkg.version,
  'description-markup': 'markdown',
  contributions: {
    html: {
      elements: elements.map(({ mod, decl }) => ({
        name: decl.tagName,
        description: summary(decl),
        source: { module: `./${mod.path}`, symbol: decl.name },
        attributes: (decl.attributes ?? []).map((a) => {
          const closed = values(a.type);
          return {
            name: a.name,
            description: a.description ?? '',
            value: valueOf(a.type),
            ...(closed ? { values: closed.map((name) => ({ name })) } : {}),
          };
        }),
        slots: (decl.slots ?? []).map((s) => ({ name: s.name, description: s.description ?? '' })),
        events: (decl.events ?? []).map((e) => ({ name: e.name, description: e.description })),
        js: {
          properties: props(decl).map((m) => ({
            name: m.name,
            description: m.description ?? '',
            type: m.type?.text ?? 'unknown',
          })),
          events: (decl.events ?? []).map((e) => ({ name: e.name, description: e.description })),
        },
        css: {
          parts: (decl.cssParts ?? []).map((p) => ({ name: p.name, description: p.description })),
          properties: (decl.cssProperties ?? []).map((p) => ({
            name: p.name,
            description: p.description,
          })),
        },
      })),
    },
  },
};
writeFileSync(join(dist, 'web-types.json'), JSON.stringify(webTypes, null, 2) + '\n');

// 5. React 19: every tag in React.JSX.IntrinsicElements, with the class's own property types (React
// 19 sets a custom element's properties when the name is one) and its events as `on<event-name>`
// props (React 19 adds a listener for `onfoo` named `foo`, case kept).
const q = (s) => `'${s}'`;
const imports = elements
  .map(({ mod, decl }) => {
    const from = `./${relative('dist', mod.path).replace(/\\/g, '/')}`;
    return `import type { ${decl.name} } from '${from}';`;
  })
  .join('\n');
const entries = elements
  .map(({ decl }) => {
    const fields = props(decl).map((m) => q(m.name));
    // Native events (`input`) already have React's own props (`onInput`).
    const events = (decl.events ?? []).filter((e) => e.name.includes('-')).map((e) => q(e.name));
    // Attributes spelled unlike their property (`no-history`) are accepted too.
    const attrs = (decl.attributes ?? [])
      .filter((a) => a.fieldName && a.name !== a.fieldName)
      .map((a) => `${q(a.name)}?: ${decl.name}[${q(a.fieldName)}] | undefined;`);
    return [
      `      /** ${summary(decl).replace(/\*\//g, '*\\/')} */`,
      `      ${q(decl.tagName)}: RealstreamElementProps<`,
      `        ${decl.name},`,
      `        ${fields.join(' | ') || 'never'},`,
      `        ${events.join(' | ') || 'never'}`,
      `      >${attrs.length ? ` & { ${attrs.join(' ')} }` : ''};`,
    ].join('\n');
  })
  .join('\n');
const reactDts = `// Generated by scripts/build-manifest.mjs from custom-elements.json. Do not edit.
// React 19 JSX types for every Realstream tag. Load them once in a React + TypeScript app:
//   import type {} from '@realstream/elements/react';
// (or list "@realstream/elements/react" in tsconfig "types").
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
// The events' GlobalEventHandlersEventMap entries, which type each listener below.
import type {} from './events/index.js';
${imports}

/** The event named \`K\`, as GlobalEventHandlersEventMap types it (the events/ classes declare it). */
export type RealstreamEventFor<K extends string> = K extends keyof GlobalEventHandlersEventMap
  ? GlobalEventHandlersEventMap[K]
  : CustomEvent;

/** React 19 props of one element: HTML attributes, its properties, \`on<event-name>\` listeners. */
export type RealstreamElementProps<
  El extends HTMLElement,
  P extends keyof El,
  E extends string,
> = DetailedHTMLProps<HTMLAttributes<El>, El> &
  Partial<Pick<El, P>> & {
    [K in E as \`on\${K}\`]?: ((event: RealstreamEventFor<K>) => void) | undefined;
  };

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
${entries}
    }
  }
}
`;
writeFileSync(join(dist, 'react.d.ts'), reactDts);
writeFileSync(
  join(dist, 'react.js'),
  '// Types only (react.d.ts): React 19 JSX types for every Realstream tag.\nexport {};\n',
);

console.log(
  `manifest: ${elements.length} elements (${elements.map((e) => e.decl.tagName).join(', ')}); ` +
    'wrote custom-elements.json, vscode.html-custom-data.json, web-types.json, react.d.ts',
);

// 6. The element reference in this package's README (between the markers), from the same
// manifest: what npm shows, what the repository's docs link to, and never out of step with the
// JSDoc it is written from.
const cell = (s) => (s ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
const code = (s) => (s ? `\`${s.replace(/\s+/g, ' ').replace(/\|/g, '\\|')}\`` : '');
const table = (head, rows) =>
  rows.length
    ? [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`]
        .concat(rows.map((r) => `| ${r.join(' | ')} |`))
        .join('\n')
    : '';
const reference = elements
  .map(({ decl }) => {
    const attrOf = new Map((decl.attributes ?? []).map((a) => [a.fieldName ?? a.name, a.name]));
    const fields = (decl.members ?? []).filter(
      (m) => m.kind === 'field' && !m.static && !m.name.startsWith('#'),
    );
    const methods = (decl.members ?? []).filter((m) => m.kind === 'method' && !m.static);
    const sections = [
      `### \`<${decl.tagName}>\``,
      cell(summary(decl)) + (decl.description ? `\n\n${decl.description.trim()}` : ''),
      `Class \`${decl.name}\`; \`${decl.name}.define(tag?)\` registers it (and skips a tag already taken).`,
      table(
        ['property', 'attribute', 'type', ''],
        fields.map((m) => [
          code(m.name) + (m.readonly ? ' (read only)' : ''),
          code(attrOf.get(m.name) ?? ''),
          code(m.type?.text?.replace(/\s*\|\s*undefined$/, '') ?? ''),
          cell(m.description),
        ]),
      ),
      table(
        ['method', ''],
        methods.map((m) => [
          code(`${m.name}(${(m.parameters ?? []).map((p) => p.name).join(', ')})`),
          cell(m.description),
        ]),
      ),
      table(
        ['event', ''],
        (decl.events ?? []).map((e) => [code(e.name), cell(e.description)]),
      ),
      table(
        ['slot', ''],
        (decl.slots ?? []).map((s) => [code(s.name) || '(default)', cell(s.description)]),
      ),
      table(
        ['part', ''],
        (decl.cssParts ?? []).map((p) => [code(p.name), cell(p.description)]),
      ),
      table(
        ['custom property', ''],
        (decl.cssProperties ?? []).map((p) => [code(p.name), cell(p.description)]),
      ),
    ];
    return sections.filter(Boolean).join('\n\n');
  })
  .join('\n\n');
const readmePath = join(pkgDir, 'README.md');
const START = '<!-- reference:start (generated from custom-elements.json by scripts/build-manifest.mjs) -->';
const END = '<!-- reference:end -->';
const readme = readFileSync(readmePath, 'utf8');
const at = readme.indexOf(START);
const until = readme.indexOf(END);
if (at < 0 || until < at) throw new Error(`${readmePath}: the reference markers are missing`);
// Formatted as `npm run format` would, so formatting the repository never fights the build.
const prettier = await import('prettier');
const updated = await prettier.format(
  `${readme.slice(0, at + START.length)}\n\n${reference}\n\n${readme.slice(until)}`,
  { ...(await prettier.resolveConfig(readmePath)), filepath: readmePath },
);
if (updated !== readme) writeFileSync(readmePath, updated);
