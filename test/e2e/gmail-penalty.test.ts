// Gmail refusing a mailbox with a retry time hours away (the simulator's `quota_retry_after_s`, as
// Gmail does after heavy use): the mailbox's work is put off until then, not failed: no job spends
// an attempt, no mail is dead-lettered, status shows `throttled_until`; when the time comes the
// mail is logged.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { gmailFor } from '../support/sim-gmail.ts';
import { waitFor } from '../support/wait-for.ts';
import { connectedMailbox, setFaults, waitForLogged } from './mailbox-fixture.ts';

const ORG = 'org-penalty';
const CLIENT = 'carla@client.test';
const HOURS_2 = 7_200;

describe('a mailbox Gmail throttles for hours', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    await addContact(e2e.deps.database.db, ORG, 'Carla Client', CLIENT);
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  const mailboxRow = async (email: string) => {
    const { rows } = await e2e.database.pool.query<{
      id: string;
      user_id: string;
      status: string;
      last_error: string | null;
      throttled_until: Date | null;
    }>('select id, user_id, status, last_error, throttled_until from mailboxes where email = $1', [
      email,
    ]);
    if (!rows[0]) throw new Error(`no mailbox ${email}`);
    return rows[0];
  };
  const jobsOf = async (mailboxId: string) =>
    (
      await e2e.database.pool.query<{
        task_identifier: string;
        run_at: Date;
        attempts: number;
        last_error: string | null;
      }>(
        `select t.identifier as task_identifier, j.run_at, j.attempts, j.last_error from graphile_worker._private_jobs j
           join graphile_worker._private_tasks t on t.id = j.task_id
          where j.payload->>'mailbox_id' = $1 and j.locked_at is null`,
        [mailboxId],
      )
    ).rows;

  it('when Gmail names a retry time two hours away, then the sync waits until then, spends no attempt, dead-letters nothing, and status shows it; at that time the mail is logged', async () => {
    const owner = await connectedMailbox(e2e, ORG, 'penalty');
    const { id: mailboxId, user_id } = await mailboxRow(owner);
    // Another client of the same user (a backup tool, say) spends the second: Gmail penalises the
    // user for two hours, whoever calls next.
    const { gmail: other } = await gmailFor(e2e.sim, owner);
    await setFaults(e2e, { quota_units_per_sec: 1, quota_retry_after_s: HOURS_2 });
    await other.users.getProfile({ userId: 'me' });
    await other.users.getProfile({ userId: 'me' }).catch(() => undefined);

    const { id } = await e2e.deliver(owner, rawMail({ from: CLIENT, to: owner, subject: 'PO' }));
    await waitFor(async () => (await mailboxRow(owner)).throttled_until !== null, {
      timeoutMs: 15_000,
      what: 'the mailbox throttled',
    });
    const throttled = await mailboxRow(owner);
    const until = throttled.throttled_until?.getTime() ?? 0;
    expect(until).toBeGreaterThan(Date.now() + HOURS_2 * 1000 - 120_000);
    expect(throttled).toMatchObject({ status: 'active', last_error: null });
    const res = await e2e.api('/integrations/gmail/status', { user: { sub: user_id, org: ORG } });
    expect(((await res.json()) as { throttled_until: string }).throttled_until).toBe(
      throttled.throttled_until?.toISOString(),
    );
    // The sync waits for Gmail's time with its attempts untouched; nothing failed or was let go.
    await waitFor(
      async () =>
        (await jobsOf(mailboxId)).some(
          (j) => j.task_identifier === 'sync_mailbox' && j.run_at.getTime() >= until,
        ),
      { timeoutMs: 10_000, what: 'the sync put off' },
    );
    for (const job of await jobsOf(mailboxId)) {
      expect(job.run_at.getTime(), job.task_identifier).toBeGreaterThanOrEqual(until);
      expect(job.last_error, job.task_identifier).toBeNull();
    }
    const letters = await e2e.database.pool.query(
      `select 1 from dead_letters where mailbox_id = $1
       union all select 1 from message_failures where mailbox_id = $1`,
      [mailboxId],
    );
    expect(letters.rows).toHaveLength(0);
    expect(await loggedIds(e2e, [id])).toBe(0);

    // Two hours on (the clock played forward: Gmail's penalty over, its time reached, a worker
    // started since), the mail is logged.
    await setFaults(e2e, { quota_retry_after_s: 0, quota_units_per_sec: 1_000_000 });
    await e2e.worker?.stop();
    await e2e.database.pool.query(
      `update mailboxes set throttled_until = now() - interval '1 second' where id = $1`,
      [mailboxId],
    );
    await e2e.database.pool.query(
      `select graphile_worker.reschedule_jobs(array(
         select id from graphile_worker._private_jobs where payload->>'mailbox_id' = $1
       ), run_at => now())`,
      [mailboxId],
    );
    e2e.worker = await e2e.startWorker();
    await waitForLogged(e2e, [id], { timeoutMs: 20_000, what: 'the mail after the penalty' });
    const res2 = await e2e.api('/integrations/gmail/status', { user: { sub: user_id, org: ORG } });
    expect(await res2.json()).toMatchObject({ status: 'active', throttled_until: null });
  }, 60_000);
});

async function loggedIds(e2e: E2E, ids: string[]): Promise<number> {
  const { rows } = await e2e.database.pool.query(
    'select 1 from activities where gmail_message_id = any($1)',
    [ids],
  );
  return rows.length;
}
