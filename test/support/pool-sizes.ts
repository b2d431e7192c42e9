// How many connections a test file may hold on the one PostgreSQL server the whole run shares.
// vitest.config.ts runs several files at once (maxWorkers) and a stock server allows 100
// connections, while production's pools are 25 a process (src/service.ts's poolSize()). So a test's
// pools are small: an end-to-end file holds at most web + worker + test, plus one session-lock
// connection per pool and the worker's liveness lease (about 20); a file that runs the service as a
// child process adds that process's pool. Measured with six files at once: docs/performance.md.

export const POOL_SIZES = {
  /** The e2e web role (src/service.ts): the API and the push endpoint. */
  web: 4,
  /** The e2e worker role: its 4 jobs at once and graphile-worker's LISTEN connection. */
  worker: 6,
  /** The test's own pool (test-database.ts), and in-process deps built on it. */
  test: 4,
  /** A service run as a child process (service-process.ts), web and worker in one. */
  childProcess: 8,
};
