import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'bench/results/**', '.tsbuild/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // The E2EE boundary starts here: protocol and client code must never import server code.
    files: ['packages/protocol/**', 'packages/client/**', 'apps/web/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@conclave/server', '**/packages/server/**'] }],
    },
  },
  {
    // Isomorphic and browser code: no Node-only globals or modules (tests may use them).
    files: ['packages/protocol/src/**', 'packages/client/src/**', 'apps/web/src/**'],
    rules: {
      'no-restricted-globals': ['error', 'Buffer', 'process', 'require', '__dirname'],
      'no-restricted-imports': [
        'error',
        { patterns: ['@conclave/server', '**/packages/server/**', 'node:*'] },
      ],
    },
  },
);
