import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { syncMailbox } from '../../src/ingest/sync-mailbox.ts';
import { makeSharedStatements } from '../../src/sync/shared-statements.ts';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { startService } from '../support/service-process.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-res';
const user = { sub: 'u-res', org: ORG };
const OWNER = 'res@vendor.test';

describe('resilience of the sync', () => {
  let e2e: E2E;
  let mailboxId: string;

  beforeAll(async () => {
    e2e = await startE2E({ worker: false });
    await addContact(e2e.deps.database.db, ORG, 'Client', 'client@customer.test');
    expect((await e2e.connect(user, OWNER)).status).toBe(200);
    mailboxId = (
      await e2e.database.pool.query('select id from mailboxes where email = $1', [OWNER])
    ).rows[0].id;
    await runSync();
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  const runSync = () =>
    syncMailbox(
      {
        db: e2e.deps.database.db,
        shared: makeSharedStatements(e2e.deps.database.db),
        log: e2e.deps.log,
        mailboxAuth: e2e.deps.mailboxAuth,
        pacers: e2e.deps.pacers,
        backfillDays: 7,
        orgRules: e2e.deps.orgRules,
        timings: e2e.deps.config.timings,
      },
      mailboxId,
    ).catch((error: unknown) => error);
  const loggedCount = async (ids: string[]) =>
    (
      await e2e.database.pool.query(
        'select count(*)::int as n from activities where gmail_message_id = any($1)',
        [ids],
      )
    ).rows[0].n as number;

  it('when one message keeps failing, then the others are logged, it is dead-lettered after 5 tries, and the cursor moves on', async () => {
    const poison = await e2e.deliver(
      OWNER,
      rawMail({ from: 'client@customer.test', to: OWNER, subject: 'poison' }),
    );
    const good = [];
    for (let i = 0; i < 3; i++)
      good.push(
        (
          await e2e.deliver(
            OWNER,
            rawMail({ from: 'client@customer.test', to: OWNER, subject: `good ${i}` }),
          )
        ).id,
      );
    await e2e.simControl('faults', {
      method: 'PUT',
      body: { fail_message_ids: [poison.id], fail_message_code: 400 },
    });
    const cursorBefore = (
      await e2e.database.pool.query('select history_id from mailboxes where id = $1', [mailboxId])
    ).rows[0].history_id;

    const first = await runSync();
    expect(first).toBeInstanceOf(Error);
    expect(await loggedCount(good)).toBe(3);
    const stuck = (
      await e2e.database.pool.query('select history_id, status from mailboxes where id = $1', [
        mailboxId,
      ])
    ).rows[0];
    expect(stuck.history_id).toBe(cursorBefore);
    expect(stuck.status).toBe('error');

    for (let i = 0; i < 4; i++) await runSync();
    const dead = await e2e.database.pool.query(
      `select attempts from dead_letters where source = 'message' and gmail_message_id = $1`,
      [poison.id],
    );
    expect(dead.rows).toEqual([{ attempts: 5 }]);
    const after = (
      await e2e.database.pool.query('select history_id, status from mailboxes where id = $1', [
        mailboxId,
      ])
    ).rows[0];
    expect(Number(after.history_id)).toBeGreaterThan(Number(cursorBefore));
    expect(after.status).toBe('active');
    expect(await loggedCount(good)).toBe(3);
    await e2e.simControl('faults', { method: 'PUT', body: { reset: true } });
  });

  it('when the worker is killed between fetching from Gmail and committing, then a new worker replays without duplicates', {
    timeout: 60_000,
  }, async () => {
    await e2e.simControl('faults', { method: 'PUT', body: { latency_ms: 250 } });
    const env = {
      DATABASE_URL: e2e.database.url,
      GOOGLE_EMULATOR_HOST: e2e.sim.hostPort,
      PUBLIC_URL: e2e.url,
      TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
      LOG_LEVEL: 'warn',
    };
    const ids: string[] = [];
    for (let i = 0; i < 12; i++)
      ids.push(
        (
          await e2e.deliver(
            OWNER,
            rawMail({ from: 'client@customer.test', to: OWNER, subject: `crash ${i}` }),
          )
        ).id,
      );
    await e2e.api('/integrations/gmail/sync', { user, method: 'POST', body: '{}' });
    const first = await startService({ env, role: 'worker' });
    // Kill it while the sync holds the job: fetching is under way, nothing committed yet.
    await waitFor(async () => {
      const { rows } = await e2e.database.pool.query(
        `select 1 from graphile_worker.jobs where task_identifier = 'sync_mailbox' and locked_at is not null`,
      );
      return rows.length > 0;
    });
    await new Promise((r) => setTimeout(r, 300));
    await first.stop('SIGKILL');
    expect(await loggedCount(ids)).toBeLessThan(12);

    await e2e.simControl('faults', { method: 'PUT', body: { reset: true } });
    const second = await startService({ env, role: 'worker' });
    try {
      await waitFor(async () => (await loggedCount(ids)) === 12, {
        timeoutMs: 30_000,
        what: 'all 12 logged after the restart',
      }).catch(async (e) => {
        const jobs = await e2e.database.pool.query(
          'select id, key, locked_by, attempts, last_error, run_at from graphile_worker.jobs',
        );
        const leases = await e2e.database.pool.query('select * from worker_leases');
        throw new Error(
          `${e}\n${JSON.stringify(jobs.rows)}\n${JSON.stringify(leases.rows)}\n${second.output().slice(-3000)}`,
        );
      });
      const dup = await e2e.database.pool.query(
        `select content->>'message_id_header' as h, count(*)::int as n from activities where mailbox_id = $1 group by 1 having count(*) > 1`,
        [mailboxId],
      );
      expect(dup.rows).toEqual([]);
    } finally {
      await second.stop();
    }
  });
});
