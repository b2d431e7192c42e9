// Small steps the timing and mailbox-change suites share: a connected mailbox per test (so one
// test's pushes and rate window never reach another's), activities counted by Gmail id, the
// simulator's per-user call counts, and waiting until no sync is due.
import { expect } from 'vitest';
import type { E2E } from '../support/e2e-service.ts';
import { waitFor } from '../support/wait-for.ts';

let seq = 0;

/** Connects a fresh mailbox for a fresh CRM user of `org`; returns its address once synced. */
export async function connectedMailbox(e2e: E2E, org: string, prefix: string): Promise<string> {
  seq += 1;
  const email = `${prefix}-${seq}@vendor.test`;
  const res = await e2e.connect({ sub: `user-${prefix}-${seq}`, org, name: 'Rep' }, email);
  expect(res.status).toBe(200);
  await waitForIdle(e2e);
  return email;
}

/** How many of these Gmail ids are logged as activities. */
export async function loggedCount(e2e: E2E, ids: string[]): Promise<number> {
  const { rows } = await e2e.database.pool.query<{ n: number }>(
    'select count(distinct gmail_message_id)::int as n from activities where gmail_message_id = any($1)',
    [ids],
  );
  return rows[0]?.n ?? 0;
}

/** Waits until every one of these Gmail ids is logged, and asserts it (so a test that ends here
 * asserts something, and a failure says how many were). */
export async function waitForLogged(
  e2e: E2E,
  ids: string[],
  opts: { timeoutMs: number; what: string },
): Promise<void> {
  const logged = await waitFor(async () => {
    const n = await loggedCount(e2e, ids);
    return n === ids.length && { n };
  }, opts).catch(async () => ({ n: await loggedCount(e2e, ids) }));
  expect(logged.n, opts.what).toBe(ids.length);
}

/** Calls the simulator counted for one mailbox, by Gmail method. */
export async function callsOf(e2e: E2E, email: string): Promise<Record<string, number>> {
  const stats = (await (await e2e.simControl('stats')).json()) as {
    users: Record<string, { calls: Record<string, number> }>;
  };
  return stats.users[email]?.calls ?? {};
}

/** No sync or poll check waiting or running, the trailing syncs, second looks and searches for new
 * mail included. */
export async function waitForIdle(e2e: E2E): Promise<void> {
  await waitFor(
    async () => {
      const { rows } = await e2e.database.pool.query<{ n: number }>(
        // A search for pending mail due soon counts; one planned minutes ahead to let mail go does not.
        `select count(*)::int as n from graphile_worker.jobs
          where attempts < max_attempts
            and (task_identifier in ('sync_mailbox', 'check_mailbox')
                 or (task_identifier = 'match_pending' and run_at < now() + interval '1 second'))`,
      );
      return rows[0]?.n === 0;
    },
    { timeoutMs: 30_000, what: 'sync jobs to finish' },
  );
}

export async function setFaults(e2e: E2E, faults: Record<string, unknown>): Promise<void> {
  const res = await e2e.simControl('faults', { method: 'PUT', body: faults });
  expect(res.ok).toBe(true);
}

/** Mail of this mailbox waiting for search (not the mail let go, kept a while for its thread). */
export async function pendingCount(e2e: E2E, owner: string): Promise<number> {
  const { rows } = await e2e.database.pool.query<{ n: number }>(
    `select count(*)::int as n from pending_matches p join mailboxes m on m.id = p.mailbox_id
      where m.email = $1 and p.let_go_at is null`,
    [owner],
  );
  return rows[0]?.n ?? 0;
}

/** The simulator's call counts back to zero. */
export async function resetSimStats(e2e: E2E): Promise<void> {
  expect((await e2e.simControl('reset-stats', { body: {} })).ok).toBe(true);
}
