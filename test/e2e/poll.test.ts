import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitForSyncs } from '../../src/ingest/operator-sync.ts';
import { pollCycle } from '../../src/ingest/poll.ts';
import { pollCrontab } from '../../src/jobs/crontab.ts';
import { makeTaskList } from '../../src/jobs/task-list.ts';
import { startWorker } from '../../src/jobs/worker.ts';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-poll';
const alice = { sub: 'u-alice', org: ORG };
const bob = { sub: 'u-bob', org: ORG };
const revoked = { sub: 'u-rev', org: ORG };

describe('the fallback poll', () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E();
    await addContact(e2e.deps.database.db, ORG, 'Client', 'client@customer.test');
    for (const [user, email] of [
      [alice, 'alice@vendor.test'],
      [bob, 'bob@vendor.test'],
      [revoked, 'gone@vendor.test'],
    ] as const) {
      expect((await e2e.connect(user, email)).status).toBe(200);
    }
    await waitForSyncs(e2e.deps.database, () => {});
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  const db = () => e2e.database.pool;

  // These mailboxes have never had a push, so the poll syncs them from their history every cycle;
  // the hourly check of mailboxes whose pushes are healthy is in poll-checks.test.ts.
  it('when every push is dropped on mailboxes that never had one, then one poll cycle recovers the mail, past a revoked mailbox', async () => {
    await e2e.simControl('faults', { method: 'PUT', body: { push: { drop: 1 } } });
    await e2e.simControl('mailboxes/gone@vendor.test/revoke', { method: 'POST' });
    await e2e.simControl('mailboxes/gone@vendor.test/expire-tokens', { method: 'POST' });
    const goneId = (await db().query(`select id from mailboxes where email = 'gone@vendor.test'`))
      .rows[0].id;
    e2e.deps.mailboxAuth.forget(goneId);
    const a = await e2e.deliver(
      'alice@vendor.test',
      rawMail({ from: 'client@customer.test', to: 'alice@vendor.test' }),
    );
    const b = await e2e.deliver(
      'bob@vendor.test',
      rawMail({ from: 'client@customer.test', to: 'bob@vendor.test' }),
    );
    // Both deliveries are in and every push for them was dropped (counted as the simulator
    // publishes): nothing but the poll can bring them in.
    const stats = (await (await e2e.simControl('stats')).json()) as { pushes: { dropped: number } };
    expect(stats.pushes.dropped).toBeGreaterThanOrEqual(2);
    const before = await db().query(
      'select count(*)::int as n from activities where gmail_message_id = any($1)',
      [[a.id, b.id]],
    );
    expect(before.rows[0].n).toBe(0);

    const queued = await pollCycle(e2e.deps, { jitterSeconds: 0 });
    // All three, the one Google revoked too: only its sync can find that out.
    expect(queued).toMatchObject({ syncsQueued: 3, checksQueued: 0 });
    await waitForSyncs(e2e.deps.database, () => {});
    // A client's first mail is fetched once Gmail's search has been asked about it.
    await waitFor(
      async () => {
        const after = await db().query(
          'select count(*)::int as n from activities where gmail_message_id = any($1)',
          [[a.id, b.id]],
        );
        return after.rows[0].n === 2;
      },
      { timeoutMs: 10_000, what: 'both mails logged' },
    );
    const status = await db().query(
      `select status from mailboxes where email = 'gone@vendor.test'`,
    );
    expect(status.rows[0].status).toBe('revoked');
    await e2e.simControl('faults', { method: 'PUT', body: { push: { drop: 0 } } });
  });

  it('when one watch expires within 24 hours and another in 6 days, then only the first is renewed', async () => {
    await db().query(`update mailboxes set watch_expires_at = now() + interval '2 hours', watch_renewed_at = now() - interval '6 days'
                       where email = 'alice@vendor.test'`);
    await db().query(`update mailboxes set watch_expires_at = now() + interval '6 days', watch_renewed_at = now() - interval '1 hour'
                       where email = 'bob@vendor.test'`);
    const bobBefore = (
      await db().query(`select watch_expires_at from mailboxes where email = 'bob@vendor.test'`)
    ).rows[0];
    const result = await pollCycle(e2e.deps, { jitterSeconds: 0 });
    expect(result.watchesToRenew).toBe(1);
    await waitForSyncs(e2e.deps.database, () => {});
    const alice = (
      await db().query(`select watch_expires_at from mailboxes where email = 'alice@vendor.test'`)
    ).rows[0];
    expect(alice.watch_expires_at.getTime()).toBeGreaterThan(Date.now() + 6.9 * 24 * 3600_000);
    const bobAfter = (
      await db().query(`select watch_expires_at from mailboxes where email = 'bob@vendor.test'`)
    ).rows[0];
    expect(bobAfter.watch_expires_at).toEqual(bobBefore.watch_expires_at);
  });

  it('when a watch was renewed two days ago, then it is renewed again only if its pushes are not trusted', async () => {
    const renewedTwoDaysAgo = `watch_expires_at = now() + interval '5 days', watch_renewed_at = now() - interval '2 days'`;
    // Alice's pushes are healthy (a push, no missed one); Bob's are not (a check found one missed).
    await db().query(
      `update mailboxes set ${renewedTwoDaysAgo}, last_push_at = now(), missed_push_at = null
        where email = 'alice@vendor.test'`,
    );
    await db().query(
      `update mailboxes set ${renewedTwoDaysAgo}, last_push_at = now(), missed_push_at = now()
        where email = 'bob@vendor.test'`,
    );
    const result = await pollCycle(e2e.deps, { jitterSeconds: 0 });
    expect(result.watchesToRenew).toBe(1);
    await waitForSyncs(e2e.deps.database, () => {});
    const { rows } = await db().query(
      `select email, watch_renewed_at > now() - interval '1 minute' as renewed from mailboxes
        where email in ('alice@vendor.test', 'bob@vendor.test') order by email`,
    );
    expect(rows).toEqual([
      { email: 'alice@vendor.test', renewed: false },
      { email: 'bob@vendor.test', renewed: true },
    ]);
  });

  it('when two worker processes run the crontab, then the poll runs once per tick', {
    timeout: 90_000,
  }, async () => {
    let runs = 0;
    const tasks = makeTaskList(e2e.deps);
    const counting = {
      ...tasks,
      poll: async (
        payload: unknown,
        helpers: Parameters<NonNullable<(typeof tasks)['poll']>>[1],
      ) => {
        runs += 1;
        await tasks.poll?.(payload, helpers);
      },
    };
    // Only the two counting workers may pick the job up.
    await e2e.worker?.stop();
    e2e.worker = undefined;
    const crontab = pollCrontab('* * * * *');
    const one = await startWorker(e2e.deps, { taskList: counting, crontab });
    const two = await startWorker(e2e.deps, { taskList: counting, crontab });
    // Each worker says when it has handled a tick (queued its jobs, or found them queued).
    const ticks: number[] = [];
    for (const worker of [one, two])
      worker.runner().events.on('cron:scheduled', ({ timestamp }) => ticks.push(timestamp));
    try {
      // Both past the same tick and its poll done: a second run could only have come before.
      await waitFor(
        async () =>
          ticks.length >= 2 &&
          runs > 0 &&
          (
            await db().query(
              `select 1 from graphile_worker.jobs where task_identifier = 'poll' and run_at <= now()`,
            )
          ).rows.length === 0,
        { timeoutMs: 75_000, intervalMs: 100, what: 'both workers past a tick and its poll run' },
      );
      expect(ticks[0]).toBe(ticks[1]);
      expect(runs).toBe(1);
    } finally {
      await one.stop();
      await two.stop();
    }
  });
});
