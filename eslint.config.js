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
    // Type-aware rules for all TypeScript, each file checked in the program of its nearest tsconfig.json.
    // Above all: a promise nobody awaits (a dropped `await` before a password check type-checks fine).
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test() and describe() return promises the runner itself waits for.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Not require-await: an async function that implements a promise-returning interface (a Fastify
      // plugin, a store) without awaiting anything is fine, and turns its throws into rejections.
      // return-await only where it matters: a promise returned unawaited from a try skips its catch.
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      // A condition must be a boolean, a string, a number or a nullable object: `!ok` where `ok` is
      // `boolean | Promise<boolean>` (that dropped await) is always false, whatever the password.
      '@typescript-eslint/strict-boolean-expressions': [
        'error',
        {
          allowNullableBoolean: true,
          allowNullableString: true,
          allowNullableNumber: true,
          allowNullableEnum: true,
          allowAny: true,
        },
      ],
    },
  },
  {
    // The E2EE boundary starts here: protocol and client code must never import server code.
    files: ['packages/protocol/**', 'packages/e2ee/**', 'packages/client/**', 'apps/web/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@conclave/server', '**/packages/server/**'] }],
    },
  },
  {
    // Isomorphic and browser code: no Node-only globals or modules (tests may use them).
    files: ['packages/protocol/src/**', 'packages/e2ee/src/**', 'packages/client/src/**', 'apps/web/src/**'],
    rules: {
      'no-restricted-globals': ['error', 'Buffer', 'process', 'require', '__dirname'],
      'no-restricted-imports': [
        'error',
        { patterns: ['@conclave/server', '**/packages/server/**', 'node:*'] },
      ],
    },
  },
  {
    // The MLS library is young and unaudited: only the adapter in src/mls/ may import it, so it can be
    // replaced without touching the rest (issue 6).
    files: ['packages/e2ee/src/**'],
    ignores: ['packages/e2ee/src/mls/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@conclave/server', '**/packages/server/**', 'node:*', 'ts-mls', 'ts-mls/*'] },
      ],
    },
  },
);
