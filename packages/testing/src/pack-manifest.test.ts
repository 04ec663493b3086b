// The published package.json, from the workspace's (pack-manifest.mjs runs it as prepack).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { publishedManifest } from './pack-manifest.mjs';

test('a source target becomes its compiled twin, types first', () => {
  const out = publishedManifest({
    name: '@realstream/x',
    exports: { '.': './src/index.ts', './bundle.js': './dist/bundle.js' },
    sideEffects: false,
  });
  assert.deepEqual(out.exports, {
    '.': { types: './dist/index.d.ts', default: './dist/index.js' },
    './bundle.js': './dist/bundle.js',
  });
  assert.deepEqual(Object.keys(out.exports['.']), ['types', 'default']);
  assert.equal(out.types, './dist/index.d.ts');
});

test('the workspace-only condition, source side effects, scripts and dev dependencies go', () => {
  const out = publishedManifest({
    name: '@realstream/y',
    types: './dist/index.d.ts',
    exports: {
      './define': {
        'realstream-source': './src/define.ts',
        types: './dist/define.d.ts',
        default: './dist/define.js',
      },
    },
    sideEffects: ['./src/define.ts', './dist/define.js'],
    scripts: { prepack: 'x' },
    dependencies: { lit: '^3.3.3' },
    devDependencies: { '@realstream/testing': '^0.1.0' },
  });
  assert.deepEqual(out.exports, {
    './define': { types: './dist/define.d.ts', default: './dist/define.js' },
  });
  assert.deepEqual(out.sideEffects, ['./dist/define.js']);
  assert.equal(out.scripts, undefined);
  assert.equal(out.devDependencies, undefined);
  assert.deepEqual(out.dependencies, { lit: '^3.3.3' });
});
