// Starting the service, in one place: the database (embedded when none is given), the Google
// simulator when no credentials are, the dependencies, then the roles asked for. main.ts, the demo
// and the end-to-end tests all start it here; stop() undoes each step in reverse.

import type { Express } from 'express';
import type { TaskList } from 'graphile-worker';
import { buildDeps } from './build-deps.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/database.ts';
import { startEmbeddedPostgres } from './db/embedded-postgres.ts';
import { migrateWhenReachable } from './db/wait-for-database.ts';
import type { Deps } from './deps.ts';
import { createApp } from './http/app.ts';
import { createHealthApp } from './http/health-routes.ts';
import { pollCrontab } from './jobs/crontab.ts';
import { makeTaskList } from './jobs/task-list.ts';
import { startWorker, type Worker } from './jobs/worker.ts';
import type { WorkerHealth } from './jobs/worker-stall.ts';
import type { Logger } from './logger.ts';

export type Role = 'web' | 'worker' | 'all';
type Release = () => Promise<void>;

export interface ServiceOptions {
  role?: Role;
  /** Where an embedded PostgreSQL keeps its cluster when DATABASE_URL is unset. */
  embeddedDir?: string;
  /** Throwaway embedded clusters (demo) trade durability for speed. */
  embeddedDurable?: boolean;
  /** Worker concurrency (graphile-worker's); the default suits one process per 2 cores. */
  workerConcurrency?: number;
  /**
   * Connections in this process's pool: DATABASE_POOL_SIZE's, else poolSize()'s, unless given. The
   * end-to-end tests, which run a web and a worker per file and several files at once on one
   * server, pass fewer.
   */
  poolSize?: number;
  /** Whether the worker runs the poll crontab (tests drive the poll themselves). */
  crontab?: boolean;
  /** Extra tasks beside the production ones (tests only). */
  extraTasks?: TaskList;
  /**
   * Where a worker-only process serves /healthz, /readyz and /metrics: HEALTH_PORT (itself PORT
   * unless set) unless given (tests running web and worker in one process pass 0).
   */
  healthPort?: number;
  /** Pub/Sub's push retry backoff for the simulator's subscription (tests shorten it). */
  pushBackoffS?: { min: number; max: number };
}

export interface RunningService {
  config: Config;
  deps: Deps;
  /** The web role's base URL on this host; undefined for a worker. */
  url: string | undefined;
  stop(): Promise<void>;
}

export async function startService(
  initial: Config,
  log: Logger,
  opts: ServiceOptions = {},
): Promise<RunningService> {
  const role = opts.role ?? 'all';
  const releases: Release[] = [];
  const stop = async () => {
    for (const release of releases.splice(0).reverse()) {
      await release().catch((err: unknown) => log.error({ err }, 'shutdown step failed'));
    }
  };
  try {
    let config = initial;
    const databaseUrl = config.databaseUrl ?? (await startDevDatabase(log, releases, opts));
    if (config.google.useSimulator && !config.google.emulatorHost) {
      config = await startDevSimulator(config, log, releases);
    }
    const database = openDatabase(databaseUrl, {
      max: opts.poolSize ?? config.databasePoolSize ?? poolSize(),
      onError: (err) => log.warn({ err }, 'idle database connection lost'),
    });
    releases.push(() => database.close());
    const deps = buildDeps(config, database, log);

    // Listen before anything else: a port already taken stops start-up before any job is taken,
    // and while the database is awaited, probes are answered (readyz 503) instead of refused.
    let worker: Worker | undefined;
    let starting = true;
    const workerHealth = () => worker?.health() ?? NOT_STARTED;
    const url =
      role === 'worker'
        ? undefined
        : await listen(deps, releases, {
            app: createApp(deps, {
              ...(role === 'all' ? { workerHealth } : {}),
              starting: () => starting,
            }),
            port: config.port,
            name: 'PORT',
          });
    if (role === 'worker') {
      // A worker-only process answers health probes on its own small listener (HEALTH_PORT).
      const app = createHealthApp(deps, workerHealth);
      const port = opts.healthPort ?? config.healthPort;
      await listen(deps, releases, { app, port, name: 'HEALTH_PORT' });
    }

    const aborted = new AbortController();
    releases.push(async () => aborted.abort(new Error('stopped while starting')));
    await migrateWhenReachable(databaseUrl, log, { signal: aborted.signal });
    if (config.google.useSimulator && role !== 'worker') {
      await setupSimulatorPubsub(config, opts.pushBackoffS);
    }
    if (role !== 'web') worker = await startWorkerRole(deps, releases, opts);
    starting = false;
    return { config, deps, url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** What readiness reports for a worker role whose runner has not started yet. */
const NOT_STARTED: WorkerHealth = {
  stalled: true,
  overdueJobs: 0,
  secondsSinceJobStart: 0,
  restarts: 0,
};

/**
 * Connections per process: 25 whatever the role, plus one each for the session locks and the
 * liveness lease. A sync holds a connection only for its statements and mostly waits on Gmail's
 * quota, so 64 concurrent syncs share 25 well (measured: bench/, docs/scaling.md), and several
 * worker processes stay under PostgreSQL's default max_connections of 100. (graphile-worker warns
 * when its pool is smaller than its concurrency; jobs/worker.ts says why that warning is muted.)
 */
function poolSize(): number {
  return 25;
}

async function startWorkerRole(
  deps: Deps,
  releases: Release[],
  opts: ServiceOptions,
): Promise<Worker> {
  const { config, database, log } = deps;
  const worker = await startWorker(deps, {
    taskList: { ...makeTaskList(deps), ...opts.extraTasks },
    ...(opts.crontab === false ? {} : { crontab: pollCrontab(config.sync.pollInterval) }),
    ...(opts.workerConcurrency ? { concurrency: opts.workerConcurrency } : {}),
  });
  releases.push(() => worker.stop());
  if (!config.google.pubsubSubscription) return worker;
  // The Pub/Sub client library is large: loaded only in pull mode.
  const { makePubSub, projectOfTopic } = await import('./google/pubsub-client.ts');
  const { startPullConsumer } = await import('./jobs/pubsub-pull.ts');
  const pubsub = makePubSub({
    projectId: projectOfTopic(config.google.pubsubTopic),
    emulatorHost: config.google.emulatorHost,
  });
  const consumer = startPullConsumer(
    { db: database.db, pool: database.pool, log, pubsub, timings: config.timings },
    config.google.pubsubSubscription,
  );
  releases.push(async () => {
    await consumer.close();
    await pubsub.close();
  });
  return worker;
}

interface Listener {
  app: Express;
  port: number;
  /** The variable the port comes from, named when it is already taken. */
  name: 'PORT' | 'HEALTH_PORT';
}

async function listen(deps: Deps, releases: Release[], { app, port, name }: Listener) {
  const server = app.listen(port);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve).once('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE') return reject(err);
      const hint = name === 'HEALTH_PORT' ? ': give a worker-only process its own HEALTH_PORT' : '';
      reject(new Error(`${name} ${port} is already in use by another process${hint}`));
    });
  });
  releases.push(() => new Promise((resolve) => server.close(() => resolve())));
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  deps.log.info({ port: bound, url: deps.config.publicUrl }, 'listening');
  return `http://127.0.0.1:${bound}`;
}

async function startDevDatabase(
  log: Logger,
  releases: Release[],
  opts: ServiceOptions,
): Promise<string> {
  let dir = opts.embeddedDir ?? '.data/pg';
  const pg = await startEmbeddedPostgres({
    dir,
    durable: opts.embeddedDurable ?? true,
    onMoved: (moved) => {
      dir = moved;
      log.info(
        { dir },
        'running as root in a folder the postgres user cannot reach: the cluster lives in /var/tmp',
      );
    },
  });
  releases.push(() => pg.stop());
  log.info({ port: pg.port, dir }, 'DATABASE_URL unset: started embedded PostgreSQL');
  return pg.url;
}

async function startDevSimulator(
  config: Config,
  log: Logger,
  releases: Release[],
): Promise<Config> {
  const { startSimulator } = await import('../sim/index.ts');
  const sim = await startSimulator({ port: 0 });
  releases.push(() => sim.close());
  log.info(
    { emulator: sim.hostPort },
    'GOOGLE_CLIENT_ID unset: started the Google simulator in-process',
  );
  return { ...config, google: { ...config.google, emulatorHost: sim.hostPort } };
}

/** What `gmail-sync setup-pubsub` does in production, so the simulator's pushes reach this service. */
async function setupSimulatorPubsub(config: Config, backoff?: { min: number; max: number }) {
  const { makePubSub, projectOfTopic } = await import('./google/pubsub-client.ts');
  const { setupPubsub } = await import('./google/pubsub-setup.ts');
  const { lookUpProjectNumber } = await import('./google/project-number.ts');
  const project = projectOfTopic(config.google.pubsubTopic);
  const pubsub = makePubSub({ projectId: project, emulatorHost: config.google.emulatorHost });
  // The service agent's grants make the simulator dead-letter as Google would; an older simulator
  // without Resource Manager simply goes without them.
  const projectNumber = await lookUpProjectNumber(project, config.google.emulatorHost).catch(
    () => undefined,
  );
  await setupPubsub(pubsub, {
    topic: config.google.pubsubTopic,
    pushEndpoint: `${config.publicUrl}/pubsub/gmail`,
    audience: config.google.pushAudience,
    serviceAccount: config.google.pushServiceAccount,
    projectNumber,
    ...(backoff ? { minBackoffS: backoff.min, maxBackoffS: backoff.max } : {}),
  }).finally(() => pubsub.close());
}
