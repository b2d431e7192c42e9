// The backfill's progress as the CRM reads it from status, under the 2026 quota profile with the
// simulator's real per-user quota: the ETA given at 10 % done must be within 25 % of the time the
// backfill really took from there. The ratio is asserted, not any absolute time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-eta';
const OWNER = 'backfill@vendor.test';
const USER = { sub: 'u-backfill', org: ORG };
const MAILS = 300;

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

  it('when a 300-mail backfill is 10 % done, then its ETA is within 25 % of the time it really takes from there', async () => {
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
        return p && p.total > 0 && p.done >= p.total / 10
          ? { p, at: performance.now() }
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 50, what: '10 % of the backfill' },
    );
    expect(atTenth.p).toMatchObject({ phase: 'backfill', total: MAILS });
    expect(atTenth.p.done).toBeLessThan(MAILS * 0.15);
    await waitFor(async () => (await progress()) === null, {
      timeoutMs: 240_000,
      intervalMs: 50,
      what: 'the backfill to finish',
    });
    const actual = (performance.now() - atTenth.at) / 1000;
    const { rows } = await e2e.database.pool.query('select count(*)::int as n from activities');
    expect(rows[0].n).toBe(MAILS);

    const eta = atTenth.p.eta_seconds ?? 0;
    expect(
      Math.abs(eta - actual) / actual,
      `ETA ${eta}s, took ${actual.toFixed(1)}s`,
    ).toBeLessThanOrEqual(0.25);
  }, 300_000);
});
