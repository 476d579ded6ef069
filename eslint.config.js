import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Structural rules: the invariants that the layout keeps, enforced rather than remembered. */
const restrict = (modules, message) => modules.map((name) => ({ name, message, allowTypeImports: true }));

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error'
    }
  },
  {
    // Only docker/process.ts starts processes (argv and environment checks); only the Log prints.
    files: ['src/**/*.ts'],
    ignores: ['src/docker/process.ts', 'src/output/log.ts', 'src/inputs/read.ts', 'src/post.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...restrict(['node:child_process', 'child_process', '@actions/exec'], 'start docker through src/docker/process.ts'),
            ...restrict(['@actions/core'], 'print through the Log of src/output/log.ts; read inputs in src/inputs/read.ts')
          ]
        }
      ]
    }
  },
  { files: ['**/*.mjs', '**/*.js'], ...tseslint.configs.disableTypeChecked, languageOptions: { parserOptions: { projectService: false } } },
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: { console: 'readonly', process: 'readonly' } } }
);
