// The poll's cheap checks (issue 14, item 3): a mailbox whose pushes are healthy is checked at
// most hourly with one getProfile instead of a history.list every 15 minutes; a change no push
// announced is found, synced and remembered as a missed push; a push still on its way is not, nor
// a push whose sync could not list its record yet (that change is synced by the check).
// The poll is run by hand here (no crontab), as an operator's `gmail-sync poll` runs it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pollCycle } from '../../src/ingest/poll.ts';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';
import {
  callsOf,
  connectedMailbox,
  setFaults,
  waitForIdle,
  waitForLogged,
} from './mailbox-fixture.ts';

const ORG = 'org-poll-checks';
const CLIENT = 'carla@client.test';

interface PushColumns {
  id: string;
  user_id: string;
  status: string;
  checked_at: Date | null;
  missed_push_at: Date | null;
  announced_history_id: string | null;
  history_id: string | null;
  last_sync_at: Date | null;
}

describe("the poll's check of mailboxes whose pushes are healthy", () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E();
    await addContact(e2e.deps.database.db, ORG, 'Carla Client', CLIENT);
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  const row = async (email: string): Promise<PushColumns> => {
    const { rows } = await e2e.database.pool.query<PushColumns>(
      `select id, user_id, status, checked_at, missed_push_at, announced_history_id, history_id,
              last_sync_at
         from mailboxes where email = $1`,
      [email],
    );
    const found = rows[0];
    if (!found) throw new Error(`no mailbox ${email}`);
    return found;
  };
  const deliverFromClient = async (owner: string, subject: string) =>
    (await e2e.deliver(owner, rawMail({ from: CLIENT, to: owner, subject }))).id;
  /** A connected mailbox that has had a push: one mail, announced and logged. */
  const healthyMailbox = async (prefix: string) => {
    const owner = await connectedMailbox(e2e, ORG, prefix);
    const id = await deliverFromClient(owner, 'Hello');
    await waitForLogged(e2e, [id], { timeoutMs: 10_000, what: 'the first mail logged' });
    await waitForIdle(e2e);
    return owner;
  };
  /** A client mail delivered, once its push's sync has listed up to the id the push announced. */
  const deliverAndList = async (owner: string, subject: string) => {
    const announced = (await row(owner)).announced_history_id;
    const id = await deliverFromClient(owner, subject);
    await waitFor(
      async () => {
        const r = await row(owner);
        return r.announced_history_id !== announced && r.history_id === r.announced_history_id;
      },
      { timeoutMs: 10_000, intervalMs: 10, what: "the push's sync" },
    );
    return id;
  };
  const trailingJobs = async (mailboxId: string) =>
    (
      await e2e.database.pool.query('select 1 from graphile_worker.jobs where key = $1', [
        `sync-trailing:${mailboxId}`,
      ])
    ).rows;
  const droppedPushes = async () =>
    ((await (await e2e.simControl('stats')).json()) as { pushes: { dropped: number } }).pushes
      .dropped;
  /** Until the mailbox's last push is older than the trailing probe's delay: the next is isolated. */
  const pushesSettled = (email: string) =>
    waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query(
          `select 1 from mailboxes where email = $1
              and last_push_at < now() - $2::int * interval '1 millisecond'`,
          [email, e2e.deps.config.timings.trailingSyncDelayMs],
        );
        return rows.length > 0;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the last push a probe delay old' },
    );
  const lastCheckedAgo = (email: string, interval: string) =>
    e2e.database.pool.query(
      `update mailboxes set checked_at = now() - $2::interval where email = $1`,
      [email, interval],
    );
  /** One poll cycle, run to the end: every job it queued (and any second look) has finished. */
  const pollAndSettle = async () => {
    const result = await pollCycle(e2e.deps, { jitterSeconds: 0 });
    await waitForIdle(e2e);
    return result;
  };
  /** The Gmail calls one mailbox made while `work` ran. */
  const callsDuring = async (email: string, work: () => Promise<unknown>) => {
    const before = await callsOf(e2e, email);
    await work();
    const after = await callsOf(e2e, email);
    const spent: Record<string, number> = {};
    for (const [method, n] of Object.entries(after)) {
      if (n !== (before[method] ?? 0)) spent[method] = n - (before[method] ?? 0);
    }
    return spent;
  };
  const pushStatus = async (email: string) => {
    const { user_id } = await row(email);
    const res = await e2e.api('/integrations/gmail/status', { user: { sub: user_id, org: ORG } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { push: { healthy: boolean; checked_at: string | null } }).push;
  };

  it('when pushes are healthy, then a poll within the hour of the last check costs nothing and one after it costs one getProfile', async () => {
    const owner = await healthyMailbox('healthy');
    expect((await pushStatus(owner)).healthy).toBe(true);

    await lastCheckedAgo(owner, '10 minutes');
    expect(await callsDuring(owner, pollAndSettle)).toEqual({});

    await lastCheckedAgo(owner, '61 minutes');
    const checkedBefore = (await row(owner)).checked_at;
    expect(await callsDuring(owner, pollAndSettle)).toEqual({ getProfile: 1 });
    const after = await row(owner);
    expect(after.checked_at?.getTime()).toBeGreaterThan(checkedBefore?.getTime() ?? 0);
    expect(after.missed_push_at).toBeNull();
    expect((await pushStatus(owner)).checked_at).toBe(after.checked_at?.toISOString());
  });

  it('when a push is lost, then the next check finds the change, logs the mail, records the missed push and the mailbox is synced every poll again', async () => {
    const owner = await healthyMailbox('lost');
    await setFaults(e2e, { push: { drop: 1 } });
    const delivered = (await e2e.deliver(
      owner,
      rawMail({ from: CLIENT, to: owner, subject: 'Signed order form' }),
    )) as { id: string; historyId?: string };
    const { id } = delivered;
    await lastCheckedAgo(owner, '2 hours');

    const spent = await callsDuring(owner, async () => {
      expect((await pollCycle(e2e.deps, { jitterSeconds: 0 })).checksQueued).toBeGreaterThan(0);
      // The second look comes after the grace given to a push in flight.
      await waitForLogged(e2e, [id], {
        timeoutMs: e2e.deps.config.timings.pushGraceMs + 15_000,
        what: 'the mail whose push was lost',
      });
      await waitForIdle(e2e);
    });
    // One check and one sync (how the sync finds and fetches the mail is its own business).
    expect(spent).toMatchObject({ getProfile: 1, 'history.list': 1 });
    const after = await row(owner);
    expect(after.missed_push_at).not.toBeNull();
    // The cursor has passed the change: the next check finds Gmail where the cursor is.
    expect(Number(after.history_id)).toBeGreaterThanOrEqual(Number(delivered.historyId));
    expect((await pushStatus(owner)).healthy).toBe(false);

    // Back on the poll's history syncs, whenever the last check was.
    expect(await callsDuring(owner, pollAndSettle)).toEqual({ 'history.list': 1 });
  }, 40_000);

  it('when a mailbox has had no push yet, is in error, or has no live watch, then every poll syncs it from its history', async () => {
    const noPush = await connectedMailbox(e2e, ORG, 'nopush');
    const inError = await healthyMailbox('inerror');
    const noWatch = await healthyMailbox('nowatch');
    await e2e.database.pool.query(
      `update mailboxes set status = 'error', last_error = 'backendError', error_count = 1,
              next_retry_at = now() where email = $1`,
      [inError],
    );
    await e2e.database.pool.query(
      `update mailboxes set watch_expires_at = now() - interval '1 minute' where email = $1`,
      [noWatch],
    );
    for (const email of [noPush, inError, noWatch]) await lastCheckedAgo(email, '1 minute');

    const before = await Promise.all([noPush, inError, noWatch].map((e) => row(e)));
    const polled = new Date();
    const result = await pollAndSettle();
    expect(result.syncsQueued).toBeGreaterThanOrEqual(3);
    for (const [i, email] of [noPush, inError, noWatch].entries()) {
      const after = await row(email);
      // The poll's history sync ran to its end (a trailing probe that finds nothing does not stamp
      // it), and never a check: a check would have stamped checked_at.
      expect(after.last_sync_at?.getTime() ?? 0, email).toBeGreaterThanOrEqual(polled.getTime());
      expect(after.checked_at, email).toEqual(before[i]?.checked_at);
    }
    expect((await row(inError)).status).toBe('active');
  });

  it('when the push is still on its way at the check, then its sync logs the mail and no missed push is recorded', async () => {
    const owner = await healthyMailbox('inflight');
    const { id: mailboxId } = await row(owner);
    await setFaults(e2e, { push: { hold: true } });
    const id = await deliverFromClient(owner, 'Revised quote');
    await lastCheckedAgo(owner, '2 hours');

    await pollCycle(e2e.deps, { jitterSeconds: 0 });
    // The first look found Gmail ahead of the cursor and queued its second look.
    await waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query(
          `select 1 from graphile_worker._private_jobs
            where key = $1 and payload->>'profile_history_id' is not null`,
          [`check:${mailboxId}`],
        );
        return rows.length > 0;
      },
      { timeoutMs: 10_000, what: 'the second look queued' },
    );
    await setFaults(e2e, { push: { hold: false } });
    await waitForLogged(e2e, [id], { timeoutMs: 10_000, what: 'the mail its push announced' });
    await waitForIdle(e2e);

    const after = await row(owner);
    expect(after.missed_push_at).toBeNull();
    expect(after.checked_at?.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await pushStatus(owner)).healthy).toBe(true);
  }, 40_000);

  it('when a push came but its sync could not list the change yet, then the check syncs it without blaming the pushes', async () => {
    const owner = await healthyMailbox('unlisted');
    // Listable only after the push's sync and its trailing sync have both looked.
    const lagMs = e2e.deps.config.timings.trailingSyncDelayMs * 2;
    await setFaults(e2e, { history_lag_ms: lagMs });
    const id = await deliverFromClient(owner, 'Purchase order');
    await waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query(
          `select 1 from graphile_worker.jobs where key like 'sync%' || $1`,
          [(await row(owner)).id],
        );
        return rows.length === 0 && (await row(owner)).announced_history_id !== null;
      },
      { timeoutMs: 10_000, what: "the push's syncs done" },
    );
    // Both have looked and found nothing: the change becomes listable now, for the check to find.
    await setFaults(e2e, { history_lag_ms: 0 });
    await lastCheckedAgo(owner, '2 hours');

    await pollCycle(e2e.deps, { jitterSeconds: 0 });
    await waitForLogged(e2e, [id], {
      timeoutMs: e2e.deps.config.timings.pushGraceMs + 15_000,
      what: 'the mail its push announced',
    });
    await waitForIdle(e2e);
    expect((await row(owner)).missed_push_at).toBeNull();
  }, 40_000);

  it("when a push's own sync found the mailbox quiet after it, then its trailing sync is dropped and asks Gmail nothing", async () => {
    const owner = await healthyMailbox('probe');
    await pushesSettled(owner);
    const spent = await callsDuring(owner, async () => {
      const id = await deliverFromClient(owner, 'Probed');
      await waitForLogged(e2e, [id], { timeoutMs: 10_000, what: 'the mail logged' });
      await waitForIdle(e2e);
    });
    // The push's sync lists the history up to the id the push announced, and Gmail reports nothing
    // past it; the search and the fetch take the client's mail. No getProfile: the trailing probe
    // was dropped (queue/trailing-probe.ts).
    expect(spent).toEqual({ 'history.list': 1, 'messages.list': 1, 'messages.get': 1 });
    const { id: mailboxId } = await row(owner);
    expect(await trailingJobs(mailboxId)).toEqual([]);
  });

  it("when a push comes within the probe's delay of the one before, then its quiet listing keeps the trailing probe (a burst's tail is probed)", async () => {
    const owner = await healthyMailbox('bursty');
    const spent = await callsDuring(owner, async () => {
      const first = await deliverAndList(owner, 'Part 1');
      // No cap here: the second push comes, well within the probe's delay of the first.
      const second = await deliverFromClient(owner, 'Part 2');
      await waitForLogged(e2e, [first, second], { timeoutMs: 15_000, what: 'both' });
      await waitForIdle(e2e);
    });
    expect(spent.getProfile).toBe(1);
  });

  it('when mail comes within the cap second after a push whose sync found the mailbox quiet, then the next push reads it and no probe is spent', async () => {
    const owner = await healthyMailbox('afterquiet');
    const { id: mailboxId } = await row(owner);
    await pushesSettled(owner);
    await setFaults(e2e, { push: { per_user_per_sec: 1 } });
    const spent = await callsDuring(owner, async () => {
      // Its sync has listed up to what the push announced (the probe is dropped)…
      const first = await deliverAndList(owner, 'Quote');
      // …and the next mail comes at once: Gmail drops its push, in that second.
      const droppedBefore = await droppedPushes();
      const second = await deliverFromClient(owner, 'Quote, revised');
      expect(await droppedPushes()).toBe(droppedBefore + 1);
      // A while later, an isolated mail: its push's sync reads the second mail too.
      await pushesSettled(owner);
      const third = await deliverFromClient(owner, 'Quote, final');
      await waitForLogged(e2e, [first, second, third], { timeoutMs: 15_000, what: 'all three' });
      await waitForIdle(e2e);
    });
    expect(spent.getProfile).toBeUndefined();
    expect(await trailingJobs(mailboxId)).toEqual([]);
  });

  it('when Gmail drops the push of a label change at its one-a-second cap, then the burst its sync lists keeps the trailing probe and the check finds nothing missed', async () => {
    const owner = await healthyMailbox('capped');
    // The push reaches us after the label change (Pub/Sub's delivery takes its time): its sync
    // lists a record past the id the push announced, a burst, so the probe stays.
    await setFaults(e2e, { push: { hold: true, per_user_per_sec: 1 } });
    const spent = await callsDuring(owner, async () => {
      const id = await deliverFromClient(owner, 'Meeting notes');
      // Within the same second as the mail's own push: Gmail publishes no push for it.
      const labelled = await e2e.simControl(`mailboxes/${owner}/messages/${id}/labels`, {
        body: { add: ['STARRED'] },
      });
      expect(labelled.ok).toBe(true);
      await setFaults(e2e, { push: { hold: false } });
      await waitForLogged(e2e, [id], { timeoutMs: 10_000, what: 'the mail logged' });
      await waitForIdle(e2e);
    });
    expect(spent).toMatchObject({ 'history.list': 1, getProfile: 1 });
    const stats = (await (await e2e.simControl('stats')).json()) as {
      pushes: { dropped: number };
    };
    expect(stats.pushes.dropped).toBeGreaterThan(0);

    await lastCheckedAgo(owner, '2 hours');
    expect(await callsDuring(owner, pollAndSettle)).toEqual({ getProfile: 1 });
    expect((await row(owner)).missed_push_at).toBeNull();
  });
});
