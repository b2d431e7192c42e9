// `npm start`: configuration, then the service in the roles asked for (web, worker or both; see
// service.ts), and an orderly shutdown on SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { isDatabaseUnavailable } from './db/database-errors.ts';
import { seedSampleCrm } from './db/sample-crm.ts';
import { DEV_ORG } from './http/dev-token.ts';
import { tryItBlock } from './http/try-it.ts';
import { createLogger, type Logger } from './logger.ts';
import { type Role, startService } from './service.ts';

async function main(): Promise<void> {
  const role = parseRole();
  const config = loadConfigOrExit();
  const log = createLogger({
    level: config.logLevel,
    base: { service: 'gmail-sync', role },
    pretty: !config.production,
  });
  survivePostgresRestarts(log);
  const service = await startService(config, log, { role });
  // Expected in development, the only place config accepts the development secret: not a warning.
  if (config.crm.usesDevSecret) log.info('CRM_JWT_SECRET unset: using the development secret');
  // With the simulator, the development org gets a contact for the try-it mail to be logged against.
  if (config.google.useSimulator) await seedSampleCrm(service.deps.database.db, DEV_ORG);
  // The start-up log ends with what a newcomer can open and run next (development only).
  const tryIt = service.url ? tryItBlock(config) : undefined;
  if (tryIt) log.info(tryIt);
  stopOnSignals(log, service.stop);
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

function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`gmail-sync: ${error.message}\n`);
    process.exit(1);
  }
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
function stopOnSignals(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await stop();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void onSignal('SIGTERM'));
  process.on('SIGINT', () => void onSignal('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `gmail-sync: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
