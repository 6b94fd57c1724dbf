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
    files: ['src/views/**', 'src/app/**', 'src/state/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@tensorflow/*'], message: 'Views and state never touch tfjs; the engine runs in the worker.' }] }],
    },
  },
);
