import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Fails a file that leaves a pool open or a process running, and a test that asserts nothing
    // (see the files).
    setupFiles: ['test/support/leak-check.ts', 'test/support/has-assertions.ts'],
    pool: 'forks',
    // Files in one worker share their imports (googleapis, the service, the simulator): evaluating
    // them once per file was half of each file's time on 2 cores. Each file still has its own
    // database, simulator and service, started and stopped in its own hooks; the leak check and
    // the assertion check are set up again for each file.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file gets its own database cloned from a migrated template (see test/support).
    fileParallelism: true,
    // Most of a test's time is waiting (on the simulator's delays, the worker's polls), so six
    // files run at once on two cores. A test's pools are small (test/support/pool-sizes.ts) so
    // six files stay well under the 100 connections a stock PostgreSQL allows: about 70 at the
    // peak, measured (docs/performance.md).
    maxWorkers: 6,
    // Each file's database is dropped `with (force)` when the file ends, and files share a worker
    // process (isolate: false): a connection the drop terminates (PostgreSQL's 57P01, "terminating
    // connection due to administrator command") is the suite's own teardown, not a failure of the
    // test running beside it. What the service does when its server restarts is asserted by the
    // database-restart tests themselves.
    onUnhandledError: (error) => (error as { code?: string }).code !== '57P01',
  },
});
