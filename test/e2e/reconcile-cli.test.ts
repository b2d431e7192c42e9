// The operator's side of reconciliation: `gmail-sync reconcile <email> --wait` run as a real
// process against the service's database (its worker does the work), and the daily schedule the
// poll keeps.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollCycle } from '../../src/ingest/poll.ts';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const ORG = 'org-reconcile-cli';
const OWNER = 'operator-view@vendor.test';
const MAILS = 40;

describe('reconciliation from the operator CLI and the poll', () => {
  let e2e: E2E;
  const cli = (args: string[]) =>
    run(process.execPath, ['src/cli.ts', ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: e2e.database.url,
        LOG_LEVEL: 'warn',
        TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
      },
    });
  const reconcileJobs = async (): Promise<number> =>
    (
      await e2e.database.pool.query(
        "select count(*)::int as n from graphile_worker.jobs where task_identifier = 'reconcile_mailbox'",
      )
    ).rows[0].n;
  const count = async () =>
    (await e2e.database.pool.query('select count(*)::int as n from activities')).rows[0].n;
  const checkedAt = async (): Promise<string | null> =>
    (
      await e2e.database.pool.query<{ at: string | null }>(
        'select max(checked_at)::text as at from mailbox_reconciliations',
      )
    ).rows[0]?.at ?? null;

  beforeAll(async () => {
    e2e = await startE2E();
    await addContact(e2e.deps.database.db, ORG, 'Carla', 'carla@client.test');
    for (let i = 0; i < MAILS; i++) {
      await e2e.deliver(OWNER, rawMail({ from: 'carla@client.test', to: OWNER }));
    }
    expect((await e2e.connect({ sub: 'u-op', org: ORG }, OWNER)).status).toBe(200);
    await waitFor(async () => (await count()) === MAILS, {
      timeoutMs: 60_000,
      what: 'the backfill',
    });
  }, 90_000);
  afterAll(async () => {
    await e2e.close();
  });

  it('when the first full sync has finished, then a reconciliation of the whole backfill window is queued for after search has caught up', async () => {
    // The job is queued as the sync job ends, just after its mail is stored.
    const rows = await waitFor(async () => {
      const { rows } = await e2e.database.pool.query<{
        payload: { window: string };
        later: number;
      }>(
        `select j.payload, extract(epoch from j.run_at - now())::float8 as later
           from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
          where t.identifier = 'reconcile_mailbox'`,
      );
      return rows.length > 0 ? rows : undefined;
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.payload.window).toBe('backfill');
    expect(rows[0]?.later).toBeGreaterThan(
      e2e.deps.config.timings.reconcileAfterFullSyncMs / 1000 - 10,
    );
  });

  it('when an operator reconciles with --wait and stdout is not a terminal, then plain progress lines and the result are printed', async () => {
    await e2e.database.pool.query('delete from activities');
    const { stdout } = await cli(['reconcile', OWNER, '--wait']);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^queued reconciliation of operator-view@vendor\.test \(job \d+\)$/);
    const progress = lines.filter((l) => l.startsWith('reconciliation: '));
    expect(progress.length).toBeGreaterThan(0);
    for (const l of progress) expect(l).toMatch(/^reconciliation: \d+\/40 \(\d+%\), ETA \d+s$/);
    expect(lines.at(-2)).toMatch(/40 expected, 0 logged, 0 skipped, 40 repaired, 0 missing$/);
    // The reconciliation runs the audit of what search let go (nothing: a backfill searched).
    expect(lines.at(-1)).toBe(
      "audited operator-view@vendor.test's let-go mail (7 days): 0 sampled, 0 missed",
    );
    expect(stdout).not.toContain('\r');
    expect(await count()).toBe(MAILS);
  }, 90_000);

  it('when a mailbox was last reconciled over a day ago, then the poll queues its daily reconciliation, and not twice', async () => {
    await e2e.database.pool.query(
      "update mailbox_reconciliations set checked_at = now() - interval '25 hours'",
    );
    const before = await checkedAt();
    await pollCycle(e2e.deps, { jitterSeconds: 0 });
    await waitFor(async () => (await checkedAt()) !== before && (await reconcileJobs()) === 0, {
      timeoutMs: 20_000,
      what: 'the daily reconciliation',
    });
    const after = await checkedAt();
    await pollCycle(e2e.deps, { jitterSeconds: 0 });
    expect(await reconcileJobs()).toBe(0);
    expect(await checkedAt()).toBe(after);
  });

  it('when an operator resyncs with --wait, then the command returns once the sync has finished', async () => {
    await e2e.database.pool.query('delete from activities');
    const { stdout } = await cli(['resync', OWNER, '--full', '--wait']);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^queued full sync of operator-view@vendor\.test \(job \d+\)$/);
    for (const l of lines.filter((l) => l.startsWith('backfill: ')))
      expect(l).toMatch(/^backfill: \d+\/40 \(\d+%\), ETA \d+s$/);
    expect(lines.at(-1)).toBe('sync of operator-view@vendor.test finished');
    expect(await count()).toBe(MAILS);
  }, 90_000);
});
