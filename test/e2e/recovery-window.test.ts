// The full sync after Gmail's history is gone (issue 22): it covers from the last successful sync,
// as far back as SYNC_RETRO_DAYS allows (not only the backfill's days), follows the threads the
// mailbox already logged (a colleague's reply that no CRM search finds), and takes the mail the
// search index has not reached yet without assuming any order from `messages.list`.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E, type TestUser } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { gmailFor } from '../support/sim-gmail.ts';
import { waitFor } from '../support/wait-for.ts';
import { loggedCount, setFaults, waitForIdle, waitForLogged } from './mailbox-fixture.ts';

const ORG = 'org-recovery-window';
const CLIENT = 'ines@client.test';
const DAY = 86_400_000;
/** Long enough for the recovery to start while the newest mail is not indexed yet. */
const LAG_MS = 6_000;

describe('the recovery when history is gone', () => {
  let e2e: E2E;
  let seq = 0;

  beforeAll(async () => {
    e2e = await startE2E({ env: { SYNC_BACKFILL_DAYS: '7', SYNC_RETRO_DAYS: '30' } });
    await addContact(e2e.deps.database.db, ORG, 'Ines Client', CLIENT);
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  const connect = async () => {
    seq += 1;
    const user: TestUser = { sub: `rec-${seq}`, org: ORG, name: 'Rep' };
    const owner = `rec-${seq}@vendor.test`;
    expect((await e2e.connect(user, owner)).status).toBe(200);
    await waitForIdle(e2e);
    return { user, owner };
  };
  const deliver = async (owner: string, raw: string, internalDate?: number) => {
    const res = await e2e.simControl(`mailboxes/${owner}/deliver`, {
      body: { raw, ...(internalDate ? { internal_date: internalDate } : {}) },
    });
    expect(res.ok).toBe(true);
    return (await res.json()) as { id: string; threadId: string };
  };
  /** Gmail forgets the history up to now: a sync from the cursor must recover. */
  const expireHistory = async (owner: string) => {
    expect((await e2e.simControl(`mailboxes/${owner}/expire-history`, { body: {} })).ok).toBe(true);
  };
  const sync = async (user: TestUser) => {
    const res = await e2e.api('/integrations/gmail/sync', { user, method: 'POST', body: '{}' });
    expect(res.status).toBe(202);
  };
  const recover = async (user: TestUser, owner: string) => {
    await expireHistory(owner);
    await sync(user);
  };
  const resynced = async (owner: string) => {
    const { rows } = await e2e.database.pool.query<{ since: string }>(
      `select e.payload->>'since' as since from events e join mailboxes m on m.id = e.mailbox_id
        where m.email = $1 and e.type = 'mailbox.resynced'`,
      [owner],
    );
    return rows.map((r) => r.since);
  };

  it('when the last successful sync was 20 days ago, then the recovery covers those 20 days, not the backfill’s 7', async () => {
    const { user, owner } = await connect();
    await e2e.database.pool.query(
      `update mailboxes set last_sync_at = now() - interval '20 days' where email = $1`,
      [owner],
    );
    const old = await deliver(
      owner,
      rawMail({ from: CLIENT, to: owner, subject: 'Sent while we were away' }),
      Date.now() - 15 * DAY,
    );
    const older = await deliver(
      owner,
      rawMail({ from: CLIENT, to: owner, subject: 'Before the last sync' }),
      Date.now() - 25 * DAY,
    );
    await recover(user, owner);
    await waitForLogged(e2e, [old.id], { timeoutMs: 15_000, what: 'the 15-day-old mail logged' });
    const [since] = await waitFor(async () => {
      const s = await resynced(owner);
      return s.length > 0 ? s : undefined;
    });
    expect(Date.now() - Date.parse(since ?? '')).toBeGreaterThan(19 * DAY);
    expect(await loggedCount(e2e, [older.id])).toBe(0);
  });

  it('when a colleague replies in a thread already logged while history is gone, then the recovery logs the reply', async () => {
    const { user, owner } = await connect();
    const first = await deliver(
      owner,
      rawMail({
        from: CLIENT,
        to: owner,
        subject: 'Contract',
        messageId: '<contract-1@client.test>',
      }),
    );
    await waitForLogged(e2e, [first.id], { timeoutMs: 10_000, what: 'the first mail logged' });
    await waitForIdle(e2e);
    // Pushes lost while Gmail drops the history: only the recovery can see the reply.
    await setFaults(e2e, { push: { drop: 1 } });
    const reply = await deliver(
      owner,
      rawMail({
        from: 'colleague@partner.test',
        to: owner,
        subject: 'Re: Contract',
        headers: {
          'In-Reply-To': '<contract-1@client.test>',
          References: '<contract-1@client.test>',
        },
        body: 'Signed on our side.',
      }),
    );
    expect(reply.threadId).toBe(first.threadId);
    await recover(user, owner);
    await waitForLogged(e2e, [reply.id], { timeoutMs: 15_000, what: 'the reply logged' });
  });

  it('when list order is not newest first and search lags, then the recovery still logs the mail search has not indexed', async () => {
    const { user, owner } = await connect();
    // Older mail the index knows, so an order-dependent walk would stop early.
    for (let i = 0; i < 30; i++)
      await deliver(owner, rawMail({ from: `shop${i}@elsewhere.test`, to: owner }));
    await waitForIdle(e2e);
    await setFaults(e2e, { list_order: 'shuffled', search_lag_ms: LAG_MS, push: { drop: 1 } });
    const { gmail } = await gmailFor(e2e.sim, owner);
    await waitFor(
      async () => {
        const { data } = await gmail.users.messages.list({ userId: 'me', q: 'elsewhere.test' });
        return data.messages?.length === 30;
      },
      { timeoutMs: LAG_MS * 3, what: 'the index caught up with the older mail' },
    );
    // The history since the cursor is gone; the fresh mail arrives after, its records kept.
    await expireHistory(owner);
    const fresh: string[] = [];
    for (let i = 0; i < 4; i++)
      fresh.push(
        (await deliver(owner, rawMail({ from: CLIENT, to: owner, subject: `Fresh ${i}` }))).id,
      );
    await sync(user);
    await waitForLogged(e2e, fresh, { timeoutMs: 15_000, what: 'the unindexed mail logged' });
  });
});
