import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        AbortController: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Only packages/kit may talk to the runner; everything else receives what it needs. The layer
    // order of the workspaces (and dynamic imports) is checked by test/unit/repo/layers.test.ts.
    files: ['packages/*/src/**', 'actions/*/src/**'],
    ignores: ['packages/kit/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            // @actions/expressions is GitHub's expression parser, not the runner toolkit: the audit reads workflows with it.
            {
              group: ['@actions/*', '!@actions/expressions', '!@actions/expressions/*'],
              message: 'Only packages/kit imports the runner toolkit (@actions/*).',
            },
          ],
        },
      ],
    },
  },
);
