// Operator commands: `npx gmail-sync <command>`. Each parses its arguments, calls one use case and
// prints what it did. `--help` lists them.
import { parseArgs } from 'node:util';
import { buildDeps } from './build-deps.ts';
import { pollCalendars } from './calendar/calendar-poll.ts';
import { listMailboxes, renderMailboxTable } from './cli/mailbox-table.ts';
import { runSetupPubsub } from './cli/setup-pubsub.ts';
import {
  connectThroughConsent,
  deliverToSimulator,
  plainMail,
  waitForStatus,
  waitForThreadLogged,
} from './cli/try-mailbox.ts';
import { mailboxIdByEmail, waitAndReport } from './cli/wait-for-job.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { type Database, openDatabase } from './db/database.ts';
import { migrateDatabase } from './db/migrate.ts';
import { SAMPLE_CONTACT } from './db/sample-crm.ts';
import type { Deps } from './deps.ts';
import { DEV_ORG, DEV_USER, mintDevToken } from './http/dev-token.ts';
import { resyncByEmail, waitForSyncs } from './ingest/operator-sync.ts';
import { pollCycle } from './ingest/poll.ts';
import { createLogger } from './logger.ts';
import { rotateAllKeys } from './mailbox/key-rotation.ts';
import { rotateErasureKeys } from './org/erasure-key-rotation.ts';
import { enqueueReconcile } from './queue/enqueue.ts';

interface Command {
  summary: string;
  usage: string;
  options?: Record<string, { type: 'string' | 'boolean' }>;
  needsDatabase: boolean;
  run(ctx: {
    config: Config;
    deps: Deps | undefined;
    args: string[];
    values: Record<string, unknown>;
  }): Promise<number | undefined> | Promise<void>;
}

const out = (line: string) => process.stdout.write(`${line}\n`);

const commands: Record<string, Command> = {
  migrate: {
    summary: 'apply the SQL migrations to DATABASE_URL',
    usage: 'gmail-sync migrate',
    needsDatabase: false,
    async run({ config }) {
      await migrateDatabase(requireDatabaseUrl(config));
      out('migrations applied');
    },
  },
  'setup-pubsub': {
    summary:
      "create (or with --check verify) the topic, Gmail's publisher grant, the push subscription, its dead-letter topic and the Pub/Sub service agent's grants",
    usage: 'gmail-sync setup-pubsub [--check] [--endpoint URL] [--project-number N]',
    options: {
      endpoint: { type: 'string' },
      check: { type: 'boolean' },
      'project-number': { type: 'string' },
    },
    needsDatabase: false,
    run: ({ config, values }) =>
      runSetupPubsub(
        config,
        {
          endpoint: values.endpoint === undefined ? undefined : String(values.endpoint),
          check: values.check === true,
          projectNumber:
            values['project-number'] === undefined ? undefined : String(values['project-number']),
        },
        out,
      ),
  },
  poll: {
    summary: 'run one fallback-poll cycle now and wait for its syncs (--no-wait to return at once)',
    usage: 'gmail-sync poll [--no-wait]',
    options: { 'no-wait': { type: 'boolean' } },
    needsDatabase: true,
    async run({ deps, values }) {
      const d = requireDeps(deps);
      const result = await pollCycle(d, { jitterSeconds: 0 });
      const calendars = d.config.google.syncCalendar
        ? await pollCalendars(d.database.db, { jitterSeconds: 0 })
        : 0;
      out(
        `queued ${result.syncsQueued} syncs, ${result.checksQueued} checks, ${result.watchesToRenew} watch renewals and ${calendars} calendar syncs`,
      );
      if (values['no-wait']) return;
      await waitForSyncs(d.database, (left) => out(`waiting for ${left} jobs…`));
      out('all syncs finished');
    },
  },
  resync: {
    summary:
      'queue a sync of one mailbox (--full for a bounded full sync; --wait shows its progress)',
    usage: 'gmail-sync resync <email> [--full] [--wait]',
    options: { full: { type: 'boolean' }, wait: { type: 'boolean' } },
    needsDatabase: true,
    async run({ deps, args, values }) {
      const email = args[0];
      if (!email) throw new UsageError('resync needs an email address');
      const d = requireDeps(deps);
      const jobId = await resyncByEmail(d.database.db, email, values.full === true);
      out(`queued ${values.full ? 'full' : 'incremental'} sync of ${email} (job ${jobId})`);
      if (values.wait)
        await waitAndReport(d.database, email, jobId, out, values.full === true ? 'full' : 'sync');
    },
  },
  reconcile: {
    summary: "check one mailbox against Gmail's search and repair the mail missing from the CRM",
    usage: 'gmail-sync reconcile <email> [--wait]',
    options: { wait: { type: 'boolean' } },
    needsDatabase: true,
    async run({ deps, args, values }) {
      const email = args[0];
      if (!email) throw new UsageError('reconcile needs an email address');
      const d = requireDeps(deps);
      const mailboxId = await mailboxIdByEmail(d.database, email);
      if (!mailboxId) throw new UsageError(`no connected mailbox ${email}`);
      const jobId = await enqueueReconcile(d.database.db, mailboxId);
      out(`queued reconciliation of ${email} (job ${jobId})`);
      if (values.wait) await waitAndReport(d.database, email, jobId, out, 'reconcile');
    },
  },
  'rotate-keys': {
    summary: 'rewrap every data key under the current KMS or local key, without downtime',
    usage: 'gmail-sync rotate-keys',
    needsDatabase: true,
    async run({ deps }) {
      const d = requireDeps(deps);
      const result = await rotateAllKeys(d.database.db, d.vault, (done) =>
        out(`rewrapped ${done}…`),
      );
      out(`rewrapped ${result.rewrapped} data keys; ${result.unchanged} were already current`);
      const erasure = await rotateErasureKeys(d.database.db, d.vault);
      out(`rewrapped ${erasure.rewrapped} erasure keys; ${erasure.unchanged} were already current`);
    },
  },
  mailboxes: {
    summary: 'list mailboxes with status, lag, watch expiry, completeness, progress and last error',
    usage: 'gmail-sync mailboxes',
    needsDatabase: true,
    async run({ deps }) {
      out(renderMailboxTable(await listMailboxes(requireDeps(deps).database.db)));
    },
  },
  'dev-token': {
    summary: 'development only: print a CRM bearer token (--admin for the admin page)',
    usage: `gmail-sync dev-token [--admin] [--org O (${DEV_ORG})] [--user U (${DEV_USER})]`,
    options: { admin: { type: 'boolean' }, org: { type: 'string' }, user: { type: 'string' } },
    needsDatabase: false,
    async run({ config, values }) {
      out(
        await mintDevToken(devSecret(config), {
          sub: String(values.user ?? DEV_USER),
          org: String(values.org ?? DEV_ORG),
          admin: values.admin === true,
        }),
      );
    },
  },
  'try-mailbox': {
    summary:
      'development only: connect a simulated mailbox through the OAuth redirects and deliver a mail to it',
    usage: `gmail-sync try-mailbox [--url PUBLIC_URL] [--email ADDRESS] [--org O (${DEV_ORG})] [--user U (${DEV_USER})]`,
    options: {
      url: { type: 'string' },
      email: { type: 'string' },
      org: { type: 'string' },
      user: { type: 'string' },
    },
    needsDatabase: false,
    async run({ config, values }) {
      const url = String(values.url ?? config.publicUrl).replace(/\/$/, '');
      const email = String(values.email ?? 'newcomer@example.test');
      const token = await mintDevToken(devSecret(config), {
        sub: String(values.user ?? DEV_USER),
        org: String(values.org ?? DEV_ORG),
      });
      const { callback, simulatorUrl } = await connectThroughConsent(url, token, email);
      if (callback.status !== 200) {
        throw new Error(`the OAuth callback answered ${callback.status}: ${await callback.text()}`);
      }
      out(`connected ${email} through the simulator's consent screen`);
      // The initial sync runs first, so the next sync seen is the one that takes the new mail.
      await waitForStatus(url, token, (s) => s.status === 'active');
      const from = `${SAMPLE_CONTACT.name} <${SAMPLE_CONTACT.email}>`;
      const subject = 'Hello from the simulator';
      const { threadId } = await deliverToSimulator(
        simulatorUrl,
        email,
        plainMail({ from, to: email, subject, text: 'A first mail, logged as an activity.' }),
      );
      out(`delivered "${subject}" from ${from}`);
      // A first mail from a contact is fetched once Gmail's search finds it: a few seconds.
      const synced = await waitForThreadLogged(url, token, threadId);
      out(synced ? 'synced: it is on the admin page' : 'not synced yet: look again in a moment');
      out(`admin page: ${url}/admin (sign in first at ${url}/dev/sign-in)`);
    },
  },
};

class UsageError extends Error {}

/** Tokens are signed with the HMAC secret the service verifies; production mints none here. */
function devSecret(config: Config): string {
  if (config.production) throw new UsageError('dev-token is for development: NODE_ENV=production');
  if (!config.crm.jwtSecret) throw new UsageError('CRM_JWKS_URL is set: tokens come from the CRM');
  return config.crm.jwtSecret;
}

function requireDatabaseUrl(config: Config): string {
  if (!config.databaseUrl) throw new UsageError('DATABASE_URL must be set for operator commands');
  return config.databaseUrl;
}

function requireDeps(deps: Deps | undefined): Deps {
  if (!deps) throw new Error('this command needs the database');
  return deps;
}

function printHelp(): void {
  out('gmail-sync <command> [options]\n');
  for (const [name, c] of Object.entries(commands)) out(`  ${name.padEnd(14)} ${c.summary}`);
  out("\n`gmail-sync <command> --help` shows a command's usage.");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    printHelp();
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`gmail-sync: unknown command ${name}\n`);
    printHelp();
    return 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    options: { help: { type: 'boolean' as const }, ...command.options },
    allowPositionals: true,
  }) as { values: Record<string, unknown>; positionals: string[] };
  if (values.help) {
    out(`usage: ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  const config = loadConfig();
  let database: Database | undefined;
  try {
    if (command.needsDatabase) database = openDatabase(requireDatabaseUrl(config), { max: 4 });
    const log = createLogger({ level: config.logLevel });
    const deps = database ? buildDeps(config, database, log) : undefined;
    return (await command.run({ config, deps, args: positionals, values })) ?? 0;
  } finally {
    await database?.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof UsageError || error instanceof ConfigError;
    process.stderr.write(`gmail-sync: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(known ? 2 : 1);
  },
);
