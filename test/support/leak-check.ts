// Fails a test file that leaves a database pool open or a child process running when it ends
// (as graphile-worker's own suite does): a leak there is a leak in a real shutdown path too.
// Pools and processes are tracked from creation, with the stack that made them.
import childProcess, { type ChildProcess } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import pg from 'pg';
import { afterAll } from 'vitest';

interface Tracked {
  /** The pg module patched: a fresh module graph (isolate: true) is patched again. */
  pg: typeof pg;
  pools: Map<pg.Pool, string>;
  children: Map<ChildProcess, string>;
}
const origin = () => (new Error().stack ?? '').split('\n').slice(3, 7).join('\n');

/** Patches pg.Pool and spawn once per module graph: files that share one (isolate: false) share
 * the patch rather than wrap it again. */
function install(): Tracked {
  const tracked: Tracked = { pg, pools: new Map(), children: new Map() };
  const OriginalPool = pg.Pool;
  pg.Pool = class TrackedPool extends OriginalPool {
    constructor(config?: pg.PoolConfig) {
      super(config);
      tracked.pools.set(this, origin());
    }
  } as typeof pg.Pool;

  const originalSpawn = childProcess.spawn;
  childProcess.spawn = ((...args: Parameters<typeof originalSpawn>) => {
    const child = originalSpawn(...args);
    tracked.children.set(child, `${String(args[0])} ${origin()}`);
    return child;
  }) as typeof originalSpawn;
  syncBuiltinESMExports();
  return tracked;
}

const shared = globalThis as { leakCheck?: Tracked };
if (shared.leakCheck?.pg !== pg) shared.leakCheck = install();
const { pools, children } = shared.leakCheck;
// What an earlier file in this process left is that file's failure, not this one's.
pools.clear();
children.clear();

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
