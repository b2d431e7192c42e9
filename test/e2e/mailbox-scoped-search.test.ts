// Search before fetch for a CRM too large to search whole (issue 28): the mailbox's search asks for
// the CRM's people it exchanges mail with and for mail from anyone but its known non-CRM senders,
// so a search's size follows the mailbox, not the CRM. On the simulator at the 2026 profile, with
// a CRM of 3,000 addresses and 600 company domains (about 90 queries to search whole).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';
import {
  callsOf,
  loggedCount,
  pendingCount,
  resetSimStats,
  waitForIdle,
  waitForLogged,
} from './mailbox-fixture.ts';

const ORG = 'org-scoped-search';
const SETTLE_MS = 3_000;
const person = (i: number) => `person-${String(i).padStart(4, '0')}@big${i % 600}.test`;

describe('search before fetch, a CRM of thousands', () => {
  let e2e: E2E;
  let seq = 0;

  beforeAll(async () => {
    e2e = await startE2E({ env: { MATCH_SETTLE_MS: String(SETTLE_MS) } });
    // In bulk, as a CRM's import does, without the retroactive search the triggers would queue.
    const client = await e2e.database.pool.connect();
    try {
      await client.query('begin');
      await client.query(`set local session_replication_role = replica`);
      await client.query(
        `insert into companies (org_id, name, domain)
         select $1, 'Company ' || i, 'big' || i || '.test' from generate_series(0, 599) i`,
        [ORG],
      );
      await client.query(
        `insert into contacts (org_id, name, email)
         select $1, 'Person ' || i, 'person-' || lpad(i::text, 4, '0') || '@big' || (i % 600) || '.test'
           from generate_series(1, 3000) i`,
        [ORG],
      );
      await client.query('commit');
    } finally {
      client.release();
    }
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  const deliver = async (owner: string, raw: string, internalDate?: number) => {
    const res = await e2e.simControl(`mailboxes/${owner}/deliver`, {
      body: { raw, ...(internalDate ? { internal_date: internalDate } : {}) },
    });
    expect(res.ok).toBe(true);
    return ((await res.json()) as { id: string }).id;
  };
  /** A mailbox whose yesterday held mail with two CRM people and the same newsletters' mail. */
  const mailboxWithPast = async () => {
    seq += 1;
    const owner = `scoped-${seq}@vendor.test`;
    const yesterday = Date.now() - 20 * 3_600_000;
    const past = [
      await deliver(owner, rawMail({ from: person(7), to: owner }), yesterday),
      await deliver(owner, rawMail({ from: owner, to: person(8) }), yesterday),
    ];
    for (let i = 0; i < 4; i++) {
      await deliver(owner, rawMail({ from: `news@shop${i}.test`, to: owner }), yesterday);
      await deliver(owner, rawMail({ from: `notify@social.test`, to: owner }), yesterday);
    }
    const res = await e2e.connect({ sub: `u-scoped-${seq}`, org: ORG, name: 'Rep' }, owner);
    expect(res.status).toBe(200);
    await waitForIdle(e2e);
    await waitForLogged(e2e, past, { timeoutMs: 20_000, what: "yesterday's CRM mail logged" });
    return owner;
  };

  it('when a CRM correspondent writes again beside known newsletters, then a search finds it and only it is fetched', async () => {
    const owner = await mailboxWithPast();
    await resetSimStats(e2e);
    const news = [
      await deliver(owner, rawMail({ from: 'news@shop1.test', to: owner })),
      await deliver(owner, rawMail({ from: 'notify@social.test', to: owner })),
    ];
    const id = await deliver(owner, rawMail({ from: person(7), to: owner, subject: 'Order' }));
    await waitForLogged(e2e, [id], { timeoutMs: 15_000, what: 'the correspondent mail logged' });
    await waitFor(async () => (await pendingCount(e2e, owner)) === 0, {
      timeoutMs: SETTLE_MS * 5,
      what: 'the newsletters let go',
    });
    await waitForIdle(e2e);
    const calls = await callsOf(e2e, owner);
    expect(calls['messages.list']).toBeGreaterThanOrEqual(1);
    expect(calls['messages.get']).toBe(1);
    expect(await loggedCount(e2e, news)).toBe(0);
    // Every search asked was one query, however large the CRM (about 90 to search whole).
    expect(calls['messages.list']).toBeLessThanOrEqual(6);
  });

  it('when a CRM person the mailbox never exchanged with writes for the first time, then the mail is logged', async () => {
    const owner = await mailboxWithPast();
    await resetSimStats(e2e);
    const id = await deliver(owner, rawMail({ from: person(2999), to: owner, subject: 'Hello' }));
    await waitForLogged(e2e, [id], { timeoutMs: 15_000, what: 'the first-ever mail logged' });
    const calls = await callsOf(e2e, owner);
    expect(calls['messages.list']).toBeGreaterThanOrEqual(1);
    // Learned: the next search asks for it by name.
    const { rows } = await e2e.database.pool.query<{ crm_mails: number }>(
      `select c.crm_mails from mailbox_correspondents c join mailboxes m on m.id = c.mailbox_id
        where m.email = $1 and c.address = $2`,
      [owner, person(2999)],
    );
    expect(rows[0]?.crm_mails).toBe(1);
  });

  it('when a new mailbox has learned nothing, then a CRM mail is fetched at once and logged', async () => {
    seq += 1;
    const owner = `scoped-new-${seq}@vendor.test`;
    expect((await e2e.connect({ sub: `u-new-${seq}`, org: ORG, name: 'Rep' }, owner)).status).toBe(
      200,
    );
    await waitForIdle(e2e);
    await resetSimStats(e2e);
    const id = await deliver(owner, rawMail({ from: person(1234), to: owner }));
    await waitForLogged(e2e, [id], { timeoutMs: 10_000, what: 'the mail logged' });
    expect((await callsOf(e2e, owner))['messages.list'] ?? 0).toBe(0);
    expect(await pendingCount(e2e, owner)).toBe(0);
  });
});
