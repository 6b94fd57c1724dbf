import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'public', 'test-results', 'playwright-report', 'experiments', 'gpu-bench'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // The engine must never block on GPU read-back (wrong values on WebGPU, stalls everywhere).
      'no-restricted-properties': [
        'error',
        { property: 'dataSync', message: 'Use await tensor.data() outside the training loop.' },
        { property: 'arraySync', message: 'Use await tensor.array() outside the training loop.' },
      ],
      // Views must stay free of tfjs: data flows engine → worker → store → views.
      'no-restricted-imports': 'off',
    },
  },
  {
    // The core (snapshot, methods, metrics on plain arrays, formats) is what state and views share with
    // the engine: it must run without tfjs, and state and views reach the engine only through it.
    files: ['src/views/**', 'src/app/**', 'src/state/**', 'src/core/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@tensorflow/*'], message: 'Views, state and the core never touch tfjs; the engine runs in the worker.' },
            { group: ['**/engine/*', '**/engine/**'], message: 'Import the engine’s types and formulas from src/core.' },
          ],
        },
      ],
    },
  },
);
