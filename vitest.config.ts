import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // CI has 2 cores; suites that start servers or browsers run in their own processes.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
