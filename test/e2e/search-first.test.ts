// Search before fetch (issue 14, item 3): new mail in no logged thread is fetched only when Gmail's
// search says it concerns the CRM; mail in a logged thread is fetched at once; mail search has not
// indexed yet is looked for again and never lost. On the simulator with its 2026 quota profile.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pollCycle } from '../../src/ingest/poll.ts';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';
import {
  callsOf,
  connectedMailbox,
  loggedCount,
  pendingCount,
  resetSimStats,
  setFaults,
  waitForIdle,
  waitForLogged,
} from './mailbox-fixture.ts';

const ORG = 'org-search-first';
const BIG_ORG = 'org-search-first-big';
const CLIENT = 'cora@client.test';
/** A search that has not found a mail by then lets it go (shortened from ten minutes). */
const SETTLE_MS = 3_000;

describe('search before fetch', () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E({ env: { MATCH_SETTLE_MS: String(SETTLE_MS) } });
    await addContact(e2e.deps.database.db, ORG, 'Cora Client', CLIENT);
    // Past what one search saves over fetching a single mail: 400 addresses of 26 characters take
    // 7 queries (QUERY_TERM_CHARS), 35 units against one fetch's 20.
    await e2e.database.pool.query(
      `insert into contacts (org_id, name, email)
       select $1, 'Person ' || i, 'person-' || lpad(i::text, 4, '0') || '@big-org.test'
         from generate_series(1, 400) i`,
      [BIG_ORG],
    );
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  const deliver = async (owner: string, raw: string) => (await e2e.deliver(owner, raw)).id;

  it('when mail from no one in the CRM arrives beside a client mail, then only the client mail is fetched and the rest is let go', async () => {
    const owner = await connectedMailbox(e2e, ORG, 'nobody');
    await resetSimStats(e2e);
    const others: string[] = [];
    for (let i = 0; i < 5; i++) {
      others.push(await deliver(owner, rawMail({ from: `news${i}@shop.test`, to: owner })));
    }
    const client = await deliver(owner, rawMail({ from: CLIENT, to: owner, subject: 'Quote' }));
    await waitForLogged(e2e, [client], { timeoutMs: 15_000, what: 'the client mail logged' });
    await waitFor(async () => (await pendingCount(e2e, owner)) === 0, {
      timeoutMs: SETTLE_MS * 5,
      what: 'the other mail let go',
    });
    await waitForIdle(e2e);
    const calls = await callsOf(e2e, owner);
    expect(calls['messages.get']).toBe(1);
    expect(calls['messages.list']).toBeGreaterThanOrEqual(1);
    expect(await loggedCount(e2e, others)).toBe(0);
  });

  it("when a CRM contact is on the mailbox's blocklist, then the search leaves their mail out and it is never fetched", async () => {
    const owner = await connectedMailbox(e2e, ORG, 'blocked');
    const blocked = 'blocked-contact@client.test';
    await addContact(e2e.deps.database.db, ORG, 'Bea Blocked', blocked);
    const { rows } = await e2e.database.pool.query<{ user_id: string }>(
      'select user_id from mailboxes where email = $1',
      [owner],
    );
    const put = await e2e.api('/integrations/gmail/settings', {
      user: { sub: rows[0]?.user_id ?? '', org: ORG },
      method: 'PUT',
      body: JSON.stringify({ blocked_addresses: [blocked.toUpperCase()] }),
    });
    expect(put.status).toBe(200);
    await resetSimStats(e2e);
    const fromBlocked = await deliver(owner, rawMail({ from: blocked, to: owner }));
    const copied = await deliver(owner, rawMail({ from: 'x@shop.test', to: owner, cc: blocked }));
    const client = await deliver(owner, rawMail({ from: CLIENT, to: owner, subject: 'Order' }));
    await waitForLogged(e2e, [client], { timeoutMs: 15_000, what: 'the client mail logged' });
    await waitFor(async () => (await pendingCount(e2e, owner)) === 0, {
      timeoutMs: SETTLE_MS * 5,
      what: 'the blocked mail let go',
    });
    await waitForIdle(e2e);
    expect((await callsOf(e2e, owner))['messages.get']).toBe(1);
    expect(await loggedCount(e2e, [fromBlocked, copied])).toBe(0);
  });

  it('when a colleague replies in a thread already logged, then the reply is fetched without a search and logged', async () => {
    const owner = await connectedMailbox(e2e, ORG, 'thread');
    const first = rawMail({
      from: CLIENT,
      to: owner,
      subject: 'Pilot',
      messageId: '<pilot-1@t.test>',
    });
    const opened = await deliver(owner, first);
    await waitForLogged(e2e, [opened], { timeoutMs: 15_000, what: 'the first mail logged' });
    await waitForIdle(e2e);
    await resetSimStats(e2e);
    const reply = await deliver(
      owner,
      rawMail({
        from: 'colleague@partner.test',
        to: owner,
        subject: 'Re: Pilot',
        headers: { 'In-Reply-To': '<pilot-1@t.test>', References: '<pilot-1@t.test>' },
      }),
    );
    await waitForLogged(e2e, [reply], { timeoutMs: 10_000, what: 'the colleague reply logged' });
    const calls = await callsOf(e2e, owner);
    expect(calls['messages.list'] ?? 0).toBe(0);
    expect(calls['messages.get']).toBe(1);
    expect(await pendingCount(e2e, owner)).toBe(0);
  });

  it('when search has not indexed a client mail yet, then a later search finds it and it is logged once', async () => {
    const owner = await connectedMailbox(e2e, ORG, 'lag');
    // The index trails delivery by far longer than the first look waits (200 ms in tests), and
    // less than the settling search's 2 × MATCH_SETTLE_MS.
    await setFaults(e2e, { search_lag_ms: SETTLE_MS });
    const id = await deliver(owner, rawMail({ from: CLIENT, to: owner, subject: 'Late index' }));
    await waitFor(async () => (await pendingCount(e2e, owner)) === 1, {
      timeoutMs: 10_000,
      what: 'the mail waiting for search',
    });
    await waitForLogged(e2e, [id], { timeoutMs: SETTLE_MS * 5, what: 'the mail logged' });
    const { rows } = await e2e.database.pool.query<{ n: number }>(
      'select count(*)::int as n from activities where gmail_message_id = $1',
      [id],
    );
    expect(rows[0]?.n).toBe(1);
    // The pending row goes in the statement after the store (a crash between leaves a row the
    // next search finds logged and drops).
    await waitFor(async () => (await pendingCount(e2e, owner)) === 0, {
      timeoutMs: 10_000,
      what: 'the pending row dropped',
    });
  });

  it('when a colleague writes in a new thread before its client mail is searched for, then both are logged', async () => {
    const owner = await connectedMailbox(e2e, ORG, 'follow');
    // Both wait together: the index is behind until after the colleague's reply arrives.
    await setFaults(e2e, { search_lag_ms: 1_000 });
    const opened = await deliver(
      owner,
      rawMail({ from: CLIENT, to: owner, subject: 'Renewal', messageId: '<renew-1@t.test>' }),
    );
    const reply = await deliver(
      owner,
      rawMail({
        from: 'colleague@partner.test',
        to: owner,
        subject: 'Re: Renewal',
        headers: { 'In-Reply-To': '<renew-1@t.test>', References: '<renew-1@t.test>' },
      }),
    );
    await waitForLogged(e2e, [opened, reply], {
      timeoutMs: SETTLE_MS * 5,
      what: 'the client mail and the colleague reply logged',
    });
  });

  it("when search lags past the settling time, then the reconciliation logs the client's mail and the colleague's reply that was let go", async () => {
    const owner = await connectedMailbox(e2e, ORG, 'late-index');
    // Longer than the settling search (2 × MATCH_SETTLE_MS): both mails are let go unfound.
    await setFaults(e2e, { search_lag_ms: 60_000 });
    const opened = await deliver(
      owner,
      rawMail({ from: CLIENT, to: owner, subject: 'Tender', messageId: '<tender-1@t.test>' }),
    );
    const reply = await deliver(
      owner,
      rawMail({
        from: 'colleague@partner.test',
        to: owner,
        subject: 'Re: Tender',
        headers: { 'In-Reply-To': '<tender-1@t.test>', References: '<tender-1@t.test>' },
      }),
    );
    const letGo = async () => {
      const { rows } = await e2e.database.pool.query<{ n: number }>(
        `select count(*)::int as n from pending_matches p join mailboxes m on m.id = p.mailbox_id
          where m.email = $1 and p.let_go_at is not null`,
        [owner],
      );
      return rows[0]?.n ?? 0;
    };
    await waitFor(async () => (await letGo()) === 2, {
      timeoutMs: SETTLE_MS * 6,
      what: 'both mails let go',
    });
    expect(await loggedCount(e2e, [opened, reply])).toBe(0);

    await e2e.resetFaults();
    const { rows } = await e2e.database.pool.query<{ user_id: string }>(
      'select user_id from mailboxes where email = $1',
      [owner],
    );
    const res = await e2e.api('/integrations/gmail/sync', {
      user: { sub: rows[0]?.user_id as string, org: ORG },
      method: 'POST',
      body: JSON.stringify({ reconcile: true }),
    });
    expect(res.status).toBe(202);
    await waitForLogged(e2e, [opened, reply], {
      timeoutMs: 20_000,
      what: 'the client mail repaired and the reply with it',
    });
    // Their let-go rows are dropped in the statement after the store: waited for, not raced.
    await waitFor(async () => (await letGo()) === 0, {
      what: 'the let-go rows of the logged mail dropped',
    });
    expect(await letGo()).toBe(0);
  });

  it("when a client mail is filed under Updates, then it asks no search of its own and rides on the next mail's", async () => {
    const owner = await connectedMailbox(e2e, ORG, 'category');
    await resetSimStats(e2e);
    const filed = (
      await e2e.deliver(owner, rawMail({ from: CLIENT, to: owner, subject: 'Invoice' }), [
        'INBOX',
        'CATEGORY_UPDATES',
      ])
    ).id;
    await waitFor(async () => (await pendingCount(e2e, owner)) === 1, {
      timeoutMs: 10_000,
      what: 'the filed mail waiting for search',
    });
    await waitForIdle(e2e);
    expect((await callsOf(e2e, owner))['messages.list'] ?? 0).toBe(0);
    await deliver(owner, rawMail({ from: 'someone@elsewhere.test', to: owner }));
    await waitForLogged(e2e, [filed], { timeoutMs: 10_000, what: 'the filed client mail logged' });
    expect((await callsOf(e2e, owner))['messages.list']).toBe(1);
  });

  it('when the search job for waiting mail has given up, then the next poll queues it again and the mail is logged', async () => {
    const owner = await connectedMailbox(e2e, ORG, 'orphan');
    await setFaults(e2e, { search_lag_ms: 60_000 });
    const id = await deliver(owner, rawMail({ from: CLIENT, to: owner, subject: 'Orphaned' }));
    await waitFor(async () => (await pendingCount(e2e, owner)) === 1, { what: 'the mail waiting' });
    // As if its job had spent every attempt: no search is queued, the mail is overdue.
    await e2e.database.pool.query(
      `select graphile_worker.permanently_fail_jobs(array_agg(id), 'attempts spent')
         from graphile_worker.jobs where task_identifier = 'match_pending'`,
    );
    await e2e.database.pool.query(
      `update pending_matches set look_at = now() - interval '10 minutes'`,
    );
    await e2e.resetFaults();
    await pollCycle(e2e.deps, { jitterSeconds: 0 });
    await waitForLogged(e2e, [id], { timeoutMs: 20_000, what: 'the waiting mail logged' });
  });

  it('when the CRM holds more addresses than a search saves, then new mail is fetched at once', async () => {
    const owner = await connectedMailbox(e2e, BIG_ORG, 'big');
    await resetSimStats(e2e);
    const id = await deliver(owner, rawMail({ from: 'person-0042@big-org.test', to: owner }));
    await waitForLogged(e2e, [id], { timeoutMs: 10_000, what: 'the mail logged' });
    expect(await pendingCount(e2e, owner)).toBe(0);
    expect((await callsOf(e2e, owner))['messages.list'] ?? 0).toBe(0);
  });
});
