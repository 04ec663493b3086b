// The component catalogue: `npm run storybook` (dev, port 6006) and `npm run build-storybook`
// (static, into storybook-static/, which `npm test` smoke-tests in Chromium).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StorybookConfig } from '@storybook/web-components-vite';

// preview.ts feeds the docs from custom-elements.json; on a fresh clone (no `npm run build` yet)
// write it first, from the JSDoc alone.
const manifest = fileURLToPath(
  new URL('../packages/elements/dist/custom-elements.json', import.meta.url),
);
if (!existsSync(manifest)) {
  const script = fileURLToPath(
    new URL('../packages/elements/scripts/build-manifest.mjs', import.meta.url),
  );
  const made = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (made.status !== 0) throw new Error('storybook: writing custom-elements.json failed');
}

const config: StorybookConfig = {
  framework: { name: '@storybook/web-components-vite', options: {} },
  stories: ['../packages/elements/src/**/*.stories.ts'],
  addons: ['@storybook/addon-docs'],
  // Telemetry would resolve a host on every run and stall offline; the scripts also set
  // STORYBOOK_DISABLE_TELEMETRY=1 for the paths that read only the environment.
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  async viteFinal(config) {
    config.resolve ??= {};
    // Workspace packages resolve to their TypeScript source, as everywhere else in the repo.
    config.resolve.conditions = ['realstream-source', 'browser', 'module', 'import', 'default'];
    // Stories render the elements the way the npm build does, without the dev-mode warnings.
    config.define = { ...config.define, 'process.env.NODE_ENV': '"production"' };
    return config;
  },
};

export default config;
