// One mailbox sync in a process of its own, as a worker runs it (history since the cursor, every
// new mail fetched), for tests that kill the process while a message is in flight
// (test/sync/in-flight.test.ts). `node test/support/sync-once.ts MAILBOX_ID`, with the service's
// environment (DATABASE_URL, GOOGLE_EMULATOR_HOST, TOKEN_ENCRYPTION_KEY).
import { buildDeps } from '../../src/build-deps.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { syncMailbox } from '../../src/ingest/sync-mailbox.ts';
import { createLogger } from '../../src/logger.ts';
import { makeSharedStatements } from '../../src/sync/shared-statements.ts';
import { testTimings } from './test-timings.ts';

const mailboxId = process.argv[2];
// Gmail-shaped delays shortened as in every in-process test (test-timings.ts).
const config = { ...loadConfig(), timings: testTimings };
if (!mailboxId || !config.databaseUrl) throw new Error('usage: sync-once.ts MAILBOX_ID');
const log = createLogger({ level: 'warn' });
const database = openDatabase(config.databaseUrl, { max: 4 });
const deps = buildDeps(config, database, log);
const outcome = await syncMailbox(
  {
    db: database.db,
    shared: makeSharedStatements(database.db),
    log,
    mailboxAuth: deps.mailboxAuth,
    pacers: deps.pacers,
    backfillDays: 7,
    orgRules: deps.orgRules,
    metrics: deps.metrics,
    timings: config.timings,
  },
  mailboxId,
);
log.warn({ outcome: outcome.kind }, 'sync-once done');
await database.close();
