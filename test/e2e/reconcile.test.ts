// Reconciliation on the simulator with its real quota: mail the CRM should hold but does not (lost
// behind the service's back, or never announced by Gmail's history) is found through Gmail's
// search and restored; what is logged or deliberately skipped is left alone.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { crmToken } from '../support/crm-token.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-reconcile';
const OWNER = 'seller@vendor.test';
const USER = { sub: 'u-seller', org: ORG };

interface Completeness {
  checked_at: string;
  expected: number;
  logged: number;
  skipped: number;
  repaired: number;
  missing: number;
}

describe('reconciliation of a mailbox against Gmail', () => {
  let e2e: E2E;
  const logged: string[] = [];
  let blockedId = '';

  const loggedIds = async (): Promise<string[]> => {
    const { rows } = await e2e.database.pool.query<{ id: string }>(
      'select gmail_message_id as id from activities order by 1',
    );
    return rows.map((r) => r.id);
  };
  const status = async () =>
    (await (await e2e.api('/integrations/gmail/status', { user: USER })).json()) as {
      completeness: Completeness | null;
      progress: unknown;
      last_error: string | null;
    };
  const gets = async (): Promise<number> => {
    const stats = (await (await e2e.simControl('stats')).json()) as {
      calls: Record<string, number>;
    };
    return stats.calls['messages.get'] ?? 0;
  };
  /** Asks for a reconciliation as the CRM does and waits for its result. */
  const reconcile = async (): Promise<Completeness> => {
    const before = (await status()).completeness?.checked_at;
    const res = await e2e.api('/integrations/gmail/sync', {
      user: USER,
      method: 'POST',
      body: JSON.stringify({ reconcile: true }),
    });
    expect(res.status).toBe(202);
    return waitFor(
      async () => {
        const c = (await status()).completeness;
        return c && c.checked_at !== before ? c : undefined;
      },
      { timeoutMs: 20_000, what: 'a reconciliation result' },
    );
  };
  /** No sync of the mailbox waiting or running (trailing ones included), nor a retroactive
   * search of the contacts added in beforeAll (its second pass comes retroSearchSettleMs after the
   * first: on a loaded machine, during the first test). */
  const syncsSettled = () =>
    waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query(
          `select count(*)::int as n from graphile_worker.jobs
            where task_identifier in ('sync_mailbox', 'retro_search', 'retro_org')`,
        );
        return rows[0].n === 0;
      },
      { timeoutMs: 20_000, what: 'the syncs to settle' },
    );
  const repairedEvents = async (): Promise<string[][]> => {
    const { rows } = await e2e.database.pool.query<{ ids: string[] }>(
      `select payload->'gmail_message_ids' as ids from events
        where type = 'mailbox.gaps_repaired' order by id`,
    );
    return rows.map((r) => [...r.ids].sort());
  };

  beforeAll(async () => {
    e2e = await startE2E();
    const db = e2e.deps.database.db;
    await addContact(db, ORG, 'Carla', 'carla@client.test');
    await addContact(db, ORG, 'Dana', 'dana@client.test');
    expect((await e2e.connect(USER, OWNER)).status).toBe(200);
    // The first sync reads the settings as they were: let it finish before they change.
    await waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query(
          'select last_full_sync_at from mailboxes where email = $1',
          [OWNER],
        );
        return rows[0]?.last_full_sync_at;
      },
      { timeoutMs: 20_000, what: 'the first sync' },
    );
    // Dana is in the CRM but blocked for this mailbox: her mail is skipped on purpose.
    const put = await e2e.api('/integrations/gmail/settings', {
      user: USER,
      method: 'PUT',
      body: JSON.stringify({ blocked_addresses: ['dana@client.test'] }),
    });
    expect(put.status).toBe(200);
    // Gmail drops pushes over one a second per user: lift the cap so every delivery is announced.
    await e2e.simControl('faults', { method: 'PUT', body: { push: { per_user_per_sec: 0 } } });
    for (let i = 0; i < 5; i++) {
      const raw = rawMail({ from: 'carla@client.test', to: OWNER, subject: `Offer ${i}` });
      logged.push((await e2e.deliver(OWNER, raw)).id);
    }
    blockedId = (await e2e.deliver(OWNER, rawMail({ from: 'dana@client.test', to: OWNER }))).id;
    await e2e.deliver(OWNER, rawMail({ from: 'news@elsewhere.test', to: OWNER }));
    await waitFor(async () => (await loggedIds()).length === logged.length, {
      timeoutMs: 20_000,
      what: 'the five mails logged',
    });
    // And every sync those deliveries queued has run, so none fetches during a test.
    await syncsSettled();
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  it('when activities are removed behind the service, then a reconciliation fetches and restores exactly those, and the next one fetches nothing', async () => {
    const removed = [logged[1], logged[3]].sort() as string[];
    await e2e.database.pool.query('delete from activities where gmail_message_id = any($1)', [
      removed,
    ]);
    const getsBefore = await gets();

    const result = await reconcile();

    expect(await loggedIds()).toEqual([...logged].sort());
    // The blocked mail is not even asked for: the search leaves out a blocked party's mail.
    expect(result).toMatchObject({ expected: 5, logged: 3, skipped: 0, repaired: 2, missing: 0 });
    expect(await repairedEvents()).toEqual([removed]);
    expect((await status()).last_error).toBeNull();
    const metrics = await (await fetch(`${e2e.url}/metrics`)).text();
    expect(metrics).toMatch(/gmail_sync_reconcile_last_gaps\{outcome="repaired"\} 2/);
    expect(metrics).toMatch(/gmail_sync_reconcile_last_gaps\{outcome="missing"\} 0/);
    // One fetch per gap; none for the blocked mail, which no search found.
    expect((await gets()) - getsBefore).toBe(2);
    expect((await loggedIds()).includes(blockedId)).toBe(false);

    const getsAgain = await gets();
    const again = await reconcile();
    expect(again).toMatchObject({ expected: 5, logged: 5, skipped: 0, repaired: 0, missing: 0 });
    expect((await gets()) - getsAgain).toBe(0);
    expect((await status()).progress).toBeNull();
    const token = await crmToken({ sub: 'boss', org: ORG, admin: true });
    const admin = await fetch(`${e2e.url}/admin`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await admin.text()).toContain('100% (5/5)');
  });

  it('when Gmail never reports a mail in its history, then the sync misses it and a reconciliation restores it alone', async () => {
    // The mail's push is lost and its history record is gone from the simulated Gmail, as when
    // Gmail's history skips a change: incremental sync cannot see it.
    await e2e.simControl('faults', { method: 'PUT', body: { push: { drop: 1 } } });
    const lost = await e2e.deliver(OWNER, rawMail({ from: 'carla@client.test', to: OWNER }));
    const history = e2e.sim.store.get(OWNER)?.history ?? [];
    const at = history.findIndex((r) => r.messageId === lost.id);
    expect(at).toBeGreaterThanOrEqual(0);
    history.splice(at, 1);
    // Gmail drops pushes over one a second per user; the next one must arrive.
    await e2e.simControl('faults', {
      method: 'PUT',
      body: { reset: true, push: { per_user_per_sec: 0 } },
    });
    const seen = await e2e.deliver(OWNER, rawMail({ from: 'carla@client.test', to: OWNER }));
    await waitFor(async () => (await loggedIds()).includes(seen.id), {
      timeoutMs: 20_000,
      what: 'the next mail logged by push',
    });
    expect((await loggedIds()).includes(lost.id)).toBe(false);

    const result = await reconcile();

    expect(result).toMatchObject({ expected: 7, logged: 6, skipped: 0, repaired: 1, missing: 0 });
    expect(await loggedIds()).toEqual([...logged, seen.id, lost.id].sort());
    expect((await repairedEvents()).at(-1)).toEqual([lost.id]);
  });

  it('when a gap cannot be fetched, then it is reported missing in status and last_error, and a later reconciliation repairs it', async () => {
    const gap = logged[0] as string;
    await e2e.database.pool.query('delete from activities where gmail_message_id = $1', [gap]);
    await e2e.simControl('faults', {
      method: 'PUT',
      body: { fail_message_ids: [gap], fail_message_code: 500 },
    });

    const failed = await reconcile();

    expect(failed).toMatchObject({ repaired: 0, missing: 1 });
    expect((await status()).last_error).toMatch(/^reconciliation: 1 mails missing/);
    expect((await loggedIds()).includes(gap)).toBe(false);
    // A healthy sync clears the mailbox's own last_error; the unrepaired gap stays in status.
    await e2e.api('/integrations/gmail/sync', { user: USER, method: 'POST', body: '{}' });
    await waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query(
          'select last_error from mailboxes where email = $1',
          [OWNER],
        );
        return rows[0]?.last_error === null;
      },
      { timeoutMs: 20_000, what: 'a healthy sync' },
    );
    expect((await status()).last_error).toMatch(/^reconciliation: 1 mails missing/);

    await e2e.resetFaults();
    const healed = await reconcile();
    expect(healed).toMatchObject({ repaired: 1, missing: 0 });
    expect((await status()).last_error).toBeNull();
    expect((await repairedEvents()).at(-1)).toEqual([gap]);
  });

  it('when a mail has arrived but its sync has not run yet, then the reconciliation leaves it to the sync and counts no gap', async () => {
    // The last sync ended before the mail arrives (as when its push is still on its way).
    await syncsSettled();
    await e2e.simControl('faults', { method: 'PUT', body: { push: { hold: true } } });
    const fresh = await e2e.deliver(OWNER, rawMail({ from: 'carla@client.test', to: OWNER }));
    const events = (await repairedEvents()).length;

    const result = await reconcile();

    expect(result).toMatchObject({ repaired: 0, missing: 0 });
    expect((await repairedEvents()).length).toBe(events);
    expect((await loggedIds()).includes(fresh.id)).toBe(false);
    await e2e.resetFaults();
    await waitFor(async () => (await loggedIds()).includes(fresh.id), {
      timeoutMs: 20_000,
      what: 'the held push synced',
    });
  });
});
