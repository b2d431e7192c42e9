// Search or fetch, chosen by the mailbox's real quota costs (issue 22): under the `2025` profile
// (every Cloud project created before 2026-05-01) `messages.get` costs 5 units, as a search does,
// so waiting for search saves nothing: new mail is fetched as soon as its history is read, as
// before search-first. On the simulator with the same profile.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { callsOf, connectedMailbox, setFaults, waitForLogged } from './mailbox-fixture.ts';

const ORG = 'org-profile-2025';
const CLIENT = 'dora@client.test';

describe('the 2025 quota profile', () => {
  let e2e: E2E;

  beforeAll(async () => {
    // A search delay far longer than any wait below: mail that waited for search would show.
    e2e = await startE2E({
      env: { GMAIL_QUOTA_PROFILE: '2025', MATCH_SEARCH_DELAY_MS: '60000' },
    });
    await addContact(e2e.deps.database.db, ORG, 'Dora Client', CLIENT);
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  it('when a CRM contact writes, then the mail is fetched from the history at once, with no search and nothing left waiting', async () => {
    const owner = await connectedMailbox(e2e, ORG, 'p2025');
    await setFaults(e2e, { quota_profile: '2025' });
    expect((await e2e.simControl('reset-stats', { body: {} })).ok).toBe(true);
    const { id } = await e2e.deliver(owner, rawMail({ from: CLIENT, to: owner, subject: 'Order' }));
    await waitForLogged(e2e, [id], { timeoutMs: 10_000, what: 'the client mail logged' });
    expect((await callsOf(e2e, owner))['messages.list'] ?? 0).toBe(0);
    const { rows } = await e2e.database.pool.query<{ n: number }>(
      `select count(*)::int as n from pending_matches p join mailboxes m on m.id = p.mailbox_id
        where m.email = $1`,
      [owner],
    );
    expect(rows[0]?.n).toBe(0);
  });
});
