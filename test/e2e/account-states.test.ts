// Accounts their admin or Google took out of reach (Gmail disabled, a domain policy against Gmail
// apps, suspended): the mailbox waits in `needs_admin`, the CRM told once, no Gmail call until its
// hourly probe, and it comes back by itself. A deleted account is `revoked`. Never a retry storm.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pollCycle } from '../../src/ingest/poll.ts';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';
import { callsOf, connectedMailbox, waitForIdle, waitForLogged } from './mailbox-fixture.ts';

const ORG = 'org-account-states';
const CLIENT = 'carla@client.test';

interface Row {
  id: string;
  user_id: string;
  status: string;
  last_error: string | null;
  next_retry_at: Date | null;
}

describe('a mailbox whose Google account is out of reach', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    await addContact(e2e.deps.database.db, ORG, 'Carla Client', CLIENT);
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  const row = async (email: string): Promise<Row> => {
    const { rows } = await e2e.database.pool.query<Row>(
      'select id, user_id, status, last_error, next_retry_at from mailboxes where email = $1',
      [email],
    );
    if (!rows[0]) throw new Error(`no mailbox ${email}`);
    return rows[0];
  };
  const setState = async (email: string, state: string) => {
    const res = await e2e.simControl(`mailboxes/${email}/state`, {
      method: 'PUT',
      body: { state },
    });
    expect(res.ok).toBe(true);
  };
  const mailFromClient = async (owner: string, subject: string) =>
    (await e2e.deliver(owner, rawMail({ from: CLIENT, to: owner, subject }))).id;
  const eventsOf = async (mailboxId: string, type: string) =>
    (
      await e2e.database.pool.query(
        'select payload from events where mailbox_id = $1 and type = $2',
        [mailboxId, type],
      )
    ).rows;
  const failedJobs = async (mailboxId: string) =>
    (
      await e2e.database.pool.query<{ n: number }>(
        `select count(*)::int as n from graphile_worker._private_jobs
          where last_error is not null and payload->>'mailbox_id' = $1`,
        [mailboxId],
      )
    ).rows[0]?.n;
  const statusOf = async (email: string) => {
    const { user_id } = await row(email);
    const res = await e2e.api('/integrations/gmail/status', { user: { sub: user_id, org: ORG } });
    if (!res.ok) throw new Error(`status answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as { status: string; connected: boolean; last_error: string | null };
  };

  for (const [state, words] of [
    ['mail_disabled', /not enabled/],
    ['domain_policy', /disabled Gmail/],
    ['suspended', /suspended/],
  ] as const) {
    it(`when the account is ${state}, then the mailbox needs its admin, the CRM is told once, pushes call no Gmail, and the hourly probe brings it back by itself`, async () => {
      const owner = await connectedMailbox(e2e, ORG, state.replace('_', '-'));
      const { id } = await row(owner);
      await setState(owner, state);
      const first = await mailFromClient(owner, 'While away 1');
      await waitFor(async () => (await row(owner)).status === 'needs_admin', {
        timeoutMs: 15_000,
        what: 'the mailbox to need its admin',
      });
      await waitForIdle(e2e);
      const waiting = await row(owner);
      expect(waiting.last_error).toMatch(words);
      // Probed again in an hour, not at once.
      expect(waiting.next_retry_at?.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
      expect((await statusOf(owner)).status).toBe('needs_admin');

      // More pushes, a poll: no Gmail call, no failed job, no second event.
      const calls = await callsOf(e2e, owner);
      const second = await mailFromClient(owner, 'While away 2');
      await pollCycle(e2e.deps, { jitterSeconds: 0 });
      await waitForIdle(e2e);
      expect(await callsOf(e2e, owner)).toEqual(calls);
      expect(await failedJobs(id)).toBe(0);
      expect(await eventsOf(id, 'mailbox.needs_admin')).toEqual([
        { payload: expect.objectContaining({ mailbox_id: id, reason: waiting.last_error }) },
      ]);

      // The admin acts; an hour on (the clock played forward), the poll's probe finds it back.
      await setState(owner, 'ok');
      await e2e.database.pool.query(
        `update mailboxes set next_retry_at = now() - interval '1 second' where id = $1`,
        [id],
      );
      await pollCycle(e2e.deps, { jitterSeconds: 0 });
      await waitForLogged(e2e, [first, second], {
        timeoutMs: 15_000,
        what: 'the mail that came while it was away',
      });
      expect(await row(owner)).toMatchObject({ status: 'active', last_error: null });
      expect(await failedJobs(id)).toBe(0);
    }, 60_000);
  }

  it('when the account is deleted, then the mailbox is revoked, saying so, and the CRM is told once', async () => {
    const owner = await connectedMailbox(e2e, ORG, 'deleted');
    const { id } = await row(owner);
    await setState(owner, 'deleted');
    await mailFromClient(owner, 'After the deletion');
    await waitFor(async () => (await row(owner)).status === 'revoked', {
      timeoutMs: 15_000,
      what: 'the mailbox revoked',
    });
    await waitForIdle(e2e);
    expect((await row(owner)).last_error).toMatch(/Account has been deleted/);
    expect(await statusOf(owner)).toMatchObject({ status: 'revoked', connected: false });
    expect(await eventsOf(id, 'mailbox.revoked')).toHaveLength(1);
    expect(await failedJobs(id)).toBe(0);
  });
});
