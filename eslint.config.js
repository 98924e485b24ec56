import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_PREFIX = { name: 'child_process', message: 'Use node:child_process.' };

/**
 * The layers, one direction of dependency (DESIGN.md): shells (renderer, src/main, src/cli) → src/app
 * (the composition) → src/server and src/api → src/core. Each layer may not import the ones above it.
 */
function layer(files, forbidden, message, paths = []) {
  return {
    files,
    // Tests may cross layers to check that two of them agree.
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [NODE_PREFIX, ...paths], patterns: [{ group: forbidden, message }] }],
    },
  };
}

const ELECTRON = { name: 'electron', message: 'Only the Electron shell (src/main, src/preload) may use Electron.' };

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'vendor/', 'coverage/', 'test-results/', 'release/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [NODE_PREFIX] }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  layer(
    ['renderer/**/*.{ts,tsx}'],
    ['**/src/core/**', '**/src/main/**', '**/src/cli/**', '**/src/server/**', '**/src/app/**', '**/src/preload/**'],
    'The window knows only the API contract (src/api): it runs in a sandboxed page, over IPC or HTTP.',
    [ELECTRON],
  ),
  layer(
    ['src/core/**/*.ts'],
    ['**/api/**', '**/main/**', '**/cli/**', '**/server/**', '**/app/**', '**/preload/**', '**/renderer/**'],
    'src/core is the Electron-free core: it imports no shell, transport or composition.',
    [{ name: 'electron', message: 'src/core must stay Electron-free.' }],
  ),
  layer(
    ['src/api/**/*.ts'],
    ['**/main/**', '**/cli/**', '**/server/**', '**/app/**', '**/preload/**', '**/renderer/**'],
    'src/api is the contract between the core and every UI: it imports only the core.',
    [ELECTRON],
  ),
  layer(
    ['src/api/report/**/*.ts'],
    ['**/main/**', '**/cli/**', '**/server/**', '**/app/**', '**/preload/**', '**/renderer/**', '**/core/**', 'zod', 'node:*'],
    'The window bundles src/api/report: it imports only the zod-free modules of src/api (no core, no zod, no Node).',
    [ELECTRON],
  ),
  layer(
    ['src/server/**/*.ts'],
    ['**/main/**', '**/cli/**', '**/app/**', '**/preload/**', '**/renderer/**'],
    'src/server carries the API over HTTP and the control socket: it imports only the API and the core.',
    [ELECTRON],
  ),
  layer(
    ['src/app/**/*.ts'],
    ['**/main/**', '**/cli/**', '**/preload/**', '**/renderer/**'],
    'src/app composes Porchlight for every shell: it imports no shell.',
    [ELECTRON],
  ),
  layer(['src/cli/**/*.ts'], ['**/main/**', '**/preload/**', '**/renderer/**'], 'The CLI is a shell beside the tray app, not on top of it.', [ELECTRON]),
  layer(
    ['src/preload/**/*.ts'],
    ['../core/**', '../main/**', '../cli/**', '../server/**', '../app/**', '../renderer/**', '../api/*', '!../api/ipc-channels.js'],
    'The preload bridges two channels and nothing else: it imports only their names.',
  ),
);
