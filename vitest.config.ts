import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two busy cores under CI: UI and daemon changes settle in well under this, but not always in 1 s.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
  },
});
