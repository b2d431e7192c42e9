// Start-up: configuration, database (embedded when none is given), the Google simulator when no
// credentials are, then the roles asked for (web, worker or both), and an orderly shutdown.
import { parseArgs } from 'node:util';
import { buildDeps } from './build-deps.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { isDatabaseUnavailable } from './db/database-errors.ts';
import { startEmbeddedPostgres } from './db/embedded-postgres.ts';
import { migrateDatabase } from './db/migrate.ts';
import type { Deps } from './deps.ts';
import { createApp } from './http/app.ts';
import { pollCrontab } from './jobs/crontab.ts';
import { makeTaskList } from './jobs/task-list.ts';
import { startWorker } from './jobs/worker.ts';
import { createLogger, type Logger } from './logger.ts';

type Role = 'web' | 'worker' | 'all';
type Release = () => Promise<void>;

async function main(): Promise<void> {
  const role = parseRole();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`gmail-sync: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger({ level: config.logLevel, base: { service: 'gmail-sync', role } });
  const releases: Release[] = [];
  installShutdown(log, releases);
  survivePostgresRestarts(log);

  const databaseUrl = config.databaseUrl ?? (await startDevDatabase(log, releases));
  await migrateDatabase(databaseUrl);
  if (config.google.useSimulator && !config.google.emulatorHost) {
    config = await startDevSimulator(config, log, releases);
  }
  if (config.crm.usesDevSecret) log.warn('CRM_JWT_SECRET unset: using the development secret');

  const database = openDatabase(databaseUrl, { max: 25 });
  releases.push(() => database.close());
  const deps: Deps = buildDeps(config, database, log);

  if (role !== 'web') {
    const worker = await startWorker(deps, {
      taskList: makeTaskList(deps),
      crontab: pollCrontab(config.sync.pollInterval),
    });
    releases.push(() => worker.stop());
    if (config.google.pubsubSubscription) {
      // The Pub/Sub client library is large: loaded only in pull mode.
      const { makePubSub, projectOfTopic } = await import('./google/pubsub-client.ts');
      const { startPullConsumer } = await import('./jobs/pubsub-pull.ts');
      const pubsub = makePubSub({
        projectId: projectOfTopic(config.google.pubsubTopic),
        emulatorHost: config.google.emulatorHost,
      });
      const consumer = startPullConsumer(
        { db: database.db, pool: database.pool, log, pubsub },
        config.google.pubsubSubscription,
      );
      releases.push(async () => {
        await consumer.close();
        await pubsub.close();
      });
    }
  }
  if (role !== 'worker') {
    const server = createApp(deps).listen(config.port);
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve).once('error', reject);
    });
    releases.push(() => new Promise((resolve) => server.close(() => resolve())));
    log.info({ port: config.port, url: config.publicUrl }, 'listening');
  }
}

function parseRole(): Role {
  const { values } = parseArgs({
    options: { role: { type: 'string', default: 'all' } },
    strict: false,
  });
  const role = values.role;
  if (role === 'web' || role === 'worker' || role === 'all') return role;
  process.stderr.write(`gmail-sync: invalid --role ${String(role)}: must be web, worker or all\n`);
  process.exit(1);
}

async function startDevDatabase(log: Logger, releases: Release[]): Promise<string> {
  let dir = '.data/pg';
  const pg = await startEmbeddedPostgres({
    dir,
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
  const withSim = { ...config, google: { ...config.google, emulatorHost: sim.hostPort } };
  const { makePubSub, projectOfTopic } = await import('./google/pubsub-client.ts');
  const { setupPubsub } = await import('./google/pubsub-setup.ts');
  // What `gmail-sync setup-pubsub` does in production: Gmail's pushes then reach this process.
  const pubsub = makePubSub({
    projectId: projectOfTopic(withSim.google.pubsubTopic),
    emulatorHost: sim.hostPort,
  });
  await setupPubsub(pubsub, {
    topic: withSim.google.pubsubTopic,
    pushEndpoint: `${withSim.publicUrl}/pubsub/gmail`,
    audience: withSim.google.pushAudience,
    serviceAccount: withSim.google.pushServiceAccount,
  }).finally(() => pubsub.close());
  return withSim;
}

/**
 * graphile-worker, when the database goes away mid-batch, can leave a connection error unhandled,
 * which would end the process; pools reconnect by themselves once PostgreSQL is back, so such an
 * error is logged and survived. Any other unhandled rejection is a bug: log it and exit.
 */
function survivePostgresRestarts(log: Logger): void {
  process.on('unhandledRejection', (reason: unknown) => {
    if (isDatabaseUnavailable(reason)) {
      log.error({ err: reason }, 'database connection lost; waiting for it to come back');
      return;
    }
    log.fatal({ err: reason }, 'unhandled rejection');
    process.exit(1);
  });
}

/** SIGTERM/SIGINT: stop taking requests, let jobs finish, close pools — the reverse of start-up. */
function installShutdown(log: Logger, releases: Release[]): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    for (const release of releases.reverse()) {
      await release().catch((err: unknown) => log.error({ err }, 'shutdown step failed'));
    }
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `gmail-sync: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
