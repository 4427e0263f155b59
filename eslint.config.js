import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', '.dist-next-*/', '.dist-old-*/', 'node_modules/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The store is async and Lambda transactions are callbacks that must await every read and
    // write: a forgotten await there is a lost update, so promises are checked with types.
    files: ['src/**/*.ts'],
    ignores: ['src/console/**'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // The console is a client of the public API (docs/design.md): no imports from the server's rooms.
    files: ['src/console/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../../*', '../services/*', '../store/*', '../runtime/*', '../iam/*', '../aws/*', 'node:*'] }],
    },
  },
  {
    // src/iam is the pure policy engine: it may import only itself and packages.
    files: ['src/iam/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../*/**', 'node:fs*', 'node:net', 'node:http*', 'node:child_process'] }],
    },
  },
);
