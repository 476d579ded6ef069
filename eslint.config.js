import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Structural rules: the invariants that the layout keeps, enforced rather than remembered. */
const restrict = (modules, message) => modules.map((name) => ({ name, message, allowTypeImports: true }));
const SPAWN_AND_PRINT = [
  ...restrict(['node:child_process', 'child_process', '@actions/exec'], 'start docker through src/docker/process.ts'),
  ...restrict(['@actions/core'], 'print through the Log of src/report/log.ts; read inputs in src/inputs/read.ts')
];

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
    ignores: ['src/docker/process.ts', 'src/report/log.ts', 'src/inputs/read.ts', 'src/post.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: SPAWN_AND_PRINT }] }
  },
  {
    // The secret lifecycle (values, vault, session) is a leaf: nothing of the detection engine (src/detection/) comes into it.
    files: ['src/secrets/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: SPAWN_AND_PRINT, patterns: [{ group: ['**/detection/*', '**/detection'], message: 'src/secrets/ is the lifecycle, a leaf: detection imports it, not the other way' }] }
      ]
    }
  },
  { files: ['**/*.mjs', '**/*.js'], ...tseslint.configs.disableTypeChecked, languageOptions: { parserOptions: { projectService: false } } },
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: { console: 'readonly', process: 'readonly' } } }
);
