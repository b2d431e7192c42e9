// Each long task of a mailbox shows in status while it runs, under its own phase, and status goes
// back to `progress: null` when it ends: the backfill after connect, the full sync that recovers
// from expired history, and a reconciliation. Under the 2026 profile, 40 fetches take seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-phases';
const OWNER = 'phases@vendor.test';
const USER = { sub: 'u-phases', org: ORG };
const MAILS = 40;

interface Progress {
  phase: string;
  done: number;
  total: number;
  eta_seconds: number | null;
}

describe('progress of each long task', () => {
  let e2e: E2E;
  const progress = async () =>
    (
      (await (await e2e.api('/integrations/gmail/status', { user: USER })).json()) as {
        progress: Progress | null;
      }
    ).progress;
  const count = async () =>
    (await e2e.database.pool.query('select count(*)::int as n from activities')).rows[0].n;
  /** Waits to see the phase under way, then for the mailbox to be idle again. */
  const watch = async (phase: string): Promise<Progress> => {
    const seen = await waitFor(
      async () => {
        const p = await progress();
        return p?.phase === phase && p.done > 0 ? p : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50, what: `the ${phase} under way` },
    );
    await waitFor(async () => (await progress()) === null, {
      timeoutMs: 60_000,
      what: `the ${phase} to end`,
    });
    return seen;
  };

  beforeAll(async () => {
    e2e = await startE2E();
    await addContact(e2e.deps.database.db, ORG, 'Carla', 'carla@client.test');
    for (let i = 0; i < MAILS; i++) {
      await e2e.deliver(OWNER, rawMail({ from: 'carla@client.test', to: OWNER }));
    }
  });
  afterAll(async () => {
    await e2e.close();
  });

  it('when a mailbox is connected, then its backfill shows as it runs', async () => {
    expect((await e2e.connect(USER, OWNER)).status).toBe(200);
    const seen = await watch('backfill');
    expect(seen.total).toBe(MAILS);
    expect(seen.done).toBeLessThan(MAILS);
    expect(seen.eta_seconds).toBeGreaterThan(0);
    expect(await count()).toBe(MAILS);
  }, 90_000);

  it('when Gmail no longer has the history since the cursor, then the recovery shows as it runs', async () => {
    await e2e.database.pool.query('delete from activities');
    const res = await e2e.simControl(`mailboxes/${encodeURIComponent(OWNER)}/expire-history`, {
      body: {},
    });
    expect(res.ok).toBe(true);
    await e2e.api('/integrations/gmail/sync', { user: USER, method: 'POST', body: '{}' });
    const seen = await watch('recovery');
    expect(seen.total).toBe(MAILS);
    expect(await count()).toBe(MAILS);
  }, 90_000);

  it('when a reconciliation has gaps to fetch, then it shows as it runs', async () => {
    await e2e.database.pool.query('delete from activities');
    await e2e.api('/integrations/gmail/sync', {
      user: USER,
      method: 'POST',
      body: JSON.stringify({ reconcile: true }),
    });
    const seen = await watch('reconciliation');
    expect(seen.total).toBe(MAILS);
    expect(await count()).toBe(MAILS);
  }, 90_000);
});
