// Fails a test file that leaves a database pool open or a child process running when it ends
// (as graphile-worker's own suite does): a leak there is a leak in a real shutdown path too.
// Pools and processes are tracked from creation, with the stack that made them.
import childProcess, { type ChildProcess } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import pg from 'pg';
import { afterAll } from 'vitest';

const pools = new Map<pg.Pool, string>();
const children = new Map<ChildProcess, string>();
const origin = () => (new Error().stack ?? '').split('\n').slice(3, 7).join('\n');

const OriginalPool = pg.Pool;
pg.Pool = class TrackedPool extends OriginalPool {
  constructor(config?: pg.PoolConfig) {
    super(config);
    pools.set(this, origin());
  }
} as typeof pg.Pool;

const originalSpawn = childProcess.spawn;
childProcess.spawn = ((...args: Parameters<typeof originalSpawn>) => {
  const child = originalSpawn(...args);
  children.set(child, `${String(args[0])} ${origin()}`);
  return child;
}) as typeof originalSpawn;
syncBuiltinESMExports();

afterAll(() => {
  const openPools = [...pools].filter(([pool]) => !pool.ended).map(([, where]) => where);
  const running = [...children]
    .filter(([child]) => child.exitCode === null && child.signalCode === null)
    .map(([, where]) => where);
  pools.clear();
  children.clear();
  if (openPools.length > 0 || running.length > 0) {
    throw new Error(
      `this file leaked ${openPools.length} database pool(s) and ${running.length} process(es):\n` +
        [...openPools, ...running].join('\n---\n'),
    );
  }
});
