import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Fails a file that leaves a pool open or a process running, and a test that asserts nothing
    // (see the files).
    setupFiles: ['test/support/leak-check.ts', 'test/support/has-assertions.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file gets its own database cloned from a migrated template (see test/support).
    fileParallelism: true,
    maxWorkers: 2,
  },
});
