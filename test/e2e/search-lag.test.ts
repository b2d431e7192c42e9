// Gmail's search trails the mailbox (issue 13, item 11): `messages.list` with `q` may not find
// mail that `get` already returns. A full sync (the backfill on connect, the recovery when history
// is gone) must still log the mail that arrived just before it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import {
  callsOf,
  connectedMailbox,
  loggedCount,
  setFaults,
  waitForIdle,
  waitForLogged,
} from './mailbox-fixture.ts';

const ORG = 'org-search-lag';
const CLIENT = 'carla@client.test';
/** Minutes behind, far longer than any test waits. */
const SEARCH_LAG_MS = 10 * 60_000;

describe('a full sync while search lags the mailbox', () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E();
    await addContact(e2e.deps.database.db, ORG, 'Carla Client', CLIENT);
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  const deliver = async (owner: string, from: string, subject: string) =>
    (await e2e.deliver(owner, rawMail({ from, to: owner, subject }))).id;

  it('when mail arrived just before connect and search has not indexed it, then the backfill logs it, fetching each mail once', async () => {
    const owner = 'fresh@vendor.test';
    expect((await e2e.simControl('mailboxes', { body: { email: owner } })).status).toBe(201);
    await setFaults(e2e, { search_lag_ms: SEARCH_LAG_MS });
    const crm = [
      await deliver(owner, CLIENT, 'Renewal terms'),
      await deliver(owner, CLIENT, 'Renewal terms, signed'),
    ];
    const other = await deliver(owner, 'newsletter@elsewhere.test', 'Weekly digest');

    const res = await e2e.connect({ sub: 'user-fresh', org: ORG, name: 'Rep' }, owner);
    expect(res.status).toBe(200);
    await waitForLogged(e2e, crm, { timeoutMs: 15_000, what: 'the unindexed mails logged' });
    await waitForIdle(e2e);
    expect(await loggedCount(e2e, [other])).toBe(0);
    expect((await callsOf(e2e, owner))['messages.get']).toBe(3);
  });

  it('when history is gone and search lags, then the recovery logs the mail that triggered it', async () => {
    const owner = await connectedMailbox(e2e, ORG, 'recover');
    await setFaults(e2e, { search_lag_ms: SEARCH_LAG_MS });
    expect((await e2e.simControl(`mailboxes/${owner}/expire-history`, { body: {} })).ok).toBe(true);
    const id = await deliver(owner, CLIENT, 'Where is my invoice?');
    await waitForLogged(e2e, [id], { timeoutMs: 15_000, what: 'the mail logged by the recovery' });
  });
});
