// The backfill's progress as the CRM reads it from status, under the 2026 quota profile with the
// simulator's real per-user quota: early on it shows the backfill's phase, its total and an ETA no
// shorter than Gmail's quota allows for what is left; at the end it is gone and every mail is
// logged. How close the ETA comes to the time really taken is measured in bench/eta-and-pacing.ts
// (a wall-time claim, not asserted here); its arithmetic is in test/sync/progress.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-eta';
const OWNER = 'backfill@vendor.test';
const USER = { sub: 'u-backfill', org: ORG };
const MAILS = 60;
/** 2026 profile: messages.get costs 20 units of the user's 100 a second. */
const GETS_PER_SECOND = 100 / 20;

interface Progress {
  phase: string;
  done: number;
  total: number;
  eta_seconds: number | null;
}

describe('progress of a backfill', () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E({ env: { GMAIL_QUOTA_PROFILE: '2026' } });
    await e2e.simControl('faults', { method: 'PUT', body: { quota_profile: '2026' } });
    await addContact(e2e.deps.database.db, ORG, 'Carla', 'carla@client.test');
    for (let i = 0; i < MAILS; i++) {
      const raw = rawMail({ from: 'carla@client.test', to: OWNER, subject: `History ${i}` });
      await e2e.deliver(OWNER, raw);
    }
  });
  afterAll(async () => {
    await e2e.close();
  });

  it('when a 60-mail backfill is 10 % done, then status shows its phase, total and an ETA the quota allows, and nothing once it is done', async () => {
    const progress = async () =>
      (
        (await (await e2e.api('/integrations/gmail/status', { user: USER })).json()) as {
          progress: Progress | null;
        }
      ).progress;
    expect((await e2e.connect(USER, OWNER)).status).toBe(200);

    const atTenth = await waitFor(
      async () => {
        const p = await progress();
        return p && p.total > 0 && p.done >= p.total / 10 ? p : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 50, what: '10 % of the backfill' },
    );
    expect(atTenth).toMatchObject({ phase: 'backfill', total: MAILS });
    expect(atTenth.done).toBeLessThan(MAILS * 0.5);
    // Never sooner than the quota lets the rest be fetched (the observed rate can only lengthen it).
    expect(atTenth.eta_seconds).toBeGreaterThanOrEqual(
      Math.floor((MAILS - atTenth.done) / GETS_PER_SECOND),
    );
    await waitFor(async () => (await progress()) === null, {
      timeoutMs: 120_000,
      intervalMs: 50,
      what: 'the backfill to finish',
    });
    const { rows } = await e2e.database.pool.query('select count(*)::int as n from activities');
    expect(rows[0].n).toBe(MAILS);
  }, 180_000);
});
