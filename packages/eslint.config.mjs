// ESLint for every package; the elements also get the lit, wc and lit-a11y plugins.
import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
import litA11y from 'eslint-plugin-lit-a11y';
import wc from 'eslint-plugin-wc';
import tseslint from 'typescript-eslint';

const elements = ['elements/src/**/*.ts'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/storybook-static/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  { ...lit.configs['flat/recommended'], files: elements },
  { ...wc.configs['flat/recommended'], files: elements },
  { ...litA11y.configs.recommended, files: elements },
  // Chai assertions are property reads (`expect(x).to.exist`).
  { files: ['**/*.browser.test.ts'], rules: { '@typescript-eslint/no-unused-expressions': 'off' } },
  // The room runs on PartyKit and on partyserver through server/src/adapters/ only.
  {
    files: ['**/server/src/**/*.ts'],
    ignores: ['**/server/src/adapters/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['partykit', 'partykit/*', 'partyserver', 'partyserver/*'],
              message: 'Only server/src/adapters/ may know an engine; use room-host.ts there.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
