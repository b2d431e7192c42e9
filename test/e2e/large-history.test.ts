import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-large';
const OWNER = 'busy@vendor.test';

describe('a sync that finds many new mails at once', () => {
  let e2e: E2E;

  beforeAll(async () => {
    // The older quota profile (50 fetches a second) keeps the test short.
    e2e = await startE2E({ env: { GMAIL_QUOTA_PROFILE: '2025' } });
    await e2e.simControl('faults', { method: 'PUT', body: { quota_profile: '2025' } });
    await addContact(e2e.deps.database.db, ORG, 'Carla', 'carla@client.test');
    expect((await e2e.connect({ sub: 'u-busy', org: ORG }, OWNER)).status).toBe(200);
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  it('when 130 mails arrive while pushes are lost, then the next push logs all of them, a slice at a time, and the cursor passes them', async () => {
    await e2e.simControl('faults', {
      method: 'PUT',
      // The cap of one push a second is another test's subject (push-sync, chaos): lifted here.
      body: { quota_profile: '2025', push: { drop: 1, per_user_per_sec: 0 } },
    });
    const ids: string[] = [];
    for (let i = 0; i < 130; i++) {
      const raw = rawMail({ from: 'carla@client.test', to: OWNER, subject: `Backlog ${i}` });
      ids.push((await e2e.deliver(OWNER, raw)).id);
    }
    await e2e.simControl('faults', {
      method: 'PUT',
      body: { reset: true, quota_profile: '2025', push: { per_user_per_sec: 0 } },
    });
    const last = await e2e.deliver(
      OWNER,
      rawMail({ from: 'carla@client.test', to: OWNER, subject: 'The push that arrives' }),
    );
    ids.push(last.id);
    await waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query(
          'select count(*)::int as n from activities where gmail_message_id = any($1)',
          [ids],
        );
        return rows[0].n === ids.length;
      },
      { timeoutMs: 30_000, what: '131 mails logged' },
    );
    const { rows } = await e2e.database.pool.query(
      'select history_id from mailboxes where email = $1',
      [OWNER],
    );
    // The last mail's own history record is covered by the cursor.
    const lastHistoryId = Number((last as { historyId?: string }).historyId);
    expect(lastHistoryId).toBeGreaterThan(0);
    expect(Number(rows[0].history_id)).toBeGreaterThanOrEqual(lastHistoryId);
  });
});
