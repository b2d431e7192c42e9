// Records added later get their history: a contact, lead or company created (or re-addressed) after
// its mail arrived finds that mail through Gmail's search, with no call from the CRM; a CRM that
// redefined crm_entity_emails says so through POST /crm/entities/changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/orm.ts';
import { addContact, addLead } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import {
  addCompany,
  deliverAndSync,
  timeline,
  timelineIds,
  waitForJobs,
} from '../support/linking-e2e.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG_A = 'org-retro-a';
const ORG_B = 'org-retro-b';
const userA = { sub: 'rep-a', org: ORG_A, name: 'Rep A' };
const userB = { sub: 'rep-b', org: ORG_B, name: 'Rep B' };
const OWNER_A = 'rep@vendor-a.test';
const OWNER_B = 'rep@vendor-b.test';
const DAY = 24 * 60 * 60 * 1000;

describe('history for records added later', () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E();
    expect((await e2e.connect(userA, OWNER_A)).status).toBe(200);
    expect((await e2e.connect(userB, OWNER_B)).status).toBe(200);
    await waitForJobs(e2e);
  });
  afterAll(async () => {
    await e2e.close();
  });

  const db = () => e2e.deps.database.db;

  /** Delivers mail from `from` to the mailbox and waits until its sync has run (nothing to link yet). */
  async function mailBeforeAnyRecord(owner: string, from: string, daysAgo = 3) {
    const raw = rawMail({ from, to: owner, date: new Date(Date.now() - daysAgo * DAY) });
    const { id } = await e2e.deliver(owner, raw);
    // Gmail's search dates a mail by when it arrived (internalDate): play one that arrived then.
    const stored = e2e.sim.store.get(owner)?.messages.get(id);
    if (!stored) throw new Error(`no simulated message ${id}`);
    stored.internalDate = Date.now() - daysAgo * DAY;
    await e2e.api('/integrations/gmail/sync', {
      method: 'POST',
      body: '{}',
      user: owner === OWNER_A ? userA : userB,
    });
    await waitForJobs(e2e);
    const { rows } = await e2e.database.pool.query(
      'select count(*)::int as n from activities where gmail_message_id = $1',
      [id],
    );
    expect(rows[0].n).toBe(0);
    return id;
  }

  const until = <T>(what: string, probe: () => Promise<T | undefined | false>) =>
    waitFor(probe, { timeoutMs: 30_000, intervalMs: 100, what });

  it('when a contact is created after its mail arrived, then its timeline shows that mail without the CRM calling anything', async () => {
    const mailId = await mailBeforeAnyRecord(OWNER_A, 'Nora New <nora@newco.test>');
    const contactId = await addContact(db(), ORG_A, 'Nora New', 'Nora@NewCo.test');
    const [activity] = await until('the contact history', async () => {
      const items = await timeline(e2e, userA, 'contact', contactId);
      return items.length > 0 && items;
    });
    expect(activity).toMatchObject({
      entity_type: 'contact',
      entity_id: contactId,
      email_direction: 'received',
      content: { gmail_message_id: mailId },
    });
  });

  it('when a lead is created for mail older than the backfill window but within SYNC_RETRO_DAYS, then the lead gets it; older mail stays out', async () => {
    const recent = await mailBeforeAnyRecord(OWNER_A, 'lena@leads.test', 100);
    const tooOld = await mailBeforeAnyRecord(OWNER_A, 'lena@leads.test', 400);
    const leadId = await addLead(db(), ORG_A, 'Lena', 'lena@leads.test');
    await until(
      'the lead history',
      async () => (await timelineIds(e2e, userA, 'lead', leadId)).length > 0,
    );
    await waitForJobs(e2e);
    expect(await timelineIds(e2e, userA, 'lead', leadId)).toEqual([recent]);
    expect(await timelineIds(e2e, userA, 'lead', leadId)).not.toContain(tooOld);
  });

  it('when a second contact gets an address already on a contact, then both show the mail, logged once', async () => {
    const first = await addContact(db(), ORG_A, 'Sam at desk 1', 'sam@shared.test');
    const raw = rawMail({ from: 'sam@shared.test', to: OWNER_A });
    const { id } = await deliverAndSync(e2e, userA, OWNER_A, raw);
    await until('the first contact', async () =>
      (await timelineIds(e2e, userA, 'contact', first)).includes(id),
    );
    const second = await addContact(db(), ORG_A, 'Sam at desk 2', 'sam@shared.test');
    await until('the second contact', async () =>
      (await timelineIds(e2e, userA, 'contact', second)).includes(id),
    );
    expect(await timelineIds(e2e, userA, 'contact', first)).toEqual([id]);
    const { rows } = await e2e.database.pool.query(
      'select count(*)::int as n from activities where gmail_message_id = $1',
      [id],
    );
    expect(rows[0].n).toBe(1);
    const { rows: events } = await e2e.database.pool.query(
      `select payload from events where type = 'activity.linked' and payload -> 'links' @> $1::jsonb`,
      [JSON.stringify([{ entity_type: 'contact', entity_id: second }])],
    );
    expect(events).toHaveLength(1);
  });

  it("when a contact's address changes, then the mail of the new address joins and the old address's mail stays", async () => {
    const contactId = await addContact(db(), ORG_A, 'Olga', 'olga@old-job.test');
    const { id: oldMail } = await deliverAndSync(
      e2e,
      userA,
      OWNER_A,
      rawMail({ from: 'olga@old-job.test', to: OWNER_A }),
    );
    await until('the old mail', async () =>
      (await timelineIds(e2e, userA, 'contact', contactId)).includes(oldMail),
    );
    const newMail = await mailBeforeAnyRecord(OWNER_A, 'olga@new-job.test');
    await db().execute(
      sql`update contacts set email = 'olga@new-job.test' where id = ${contactId}`,
    );
    await until('the new mail', async () =>
      (await timelineIds(e2e, userA, 'contact', contactId)).includes(newMail),
    );
    expect(await timelineIds(e2e, userA, 'contact', contactId)).toEqual([oldMail, newMail].sort());
  });

  it("when a contact moves to another org, then that org sees its own mailbox's mail with them and never the first org's", async () => {
    const contactId = await addContact(db(), ORG_A, 'Mo', 'mo@mover.test');
    const { id: inA } = await deliverAndSync(
      e2e,
      userA,
      OWNER_A,
      rawMail({ from: 'mo@mover.test', to: OWNER_A }),
    );
    await until('org A mail', async () =>
      (await timelineIds(e2e, userA, 'contact', contactId)).includes(inA),
    );
    const inB = await mailBeforeAnyRecord(OWNER_B, 'mo@mover.test');
    await db().execute(sql`update contacts set org_id = ${ORG_B} where id = ${contactId}`);
    await until('org B mail', async () =>
      (await timelineIds(e2e, userB, 'contact', contactId)).includes(inB),
    );
    await waitForJobs(e2e);
    expect(await timelineIds(e2e, userB, 'contact', contactId)).toEqual([inB]);
  });

  it('when a company is created after mail from its domain arrived, then the company gets that mail', async () => {
    const mailId = await mailBeforeAnyRecord(OWNER_A, 'buyer@latecorp.test');
    const companyId = await addCompany(db(), ORG_A, 'Late Corp', 'latecorp.test');
    await until('the company history', async () =>
      (await timelineIds(e2e, userA, 'company', companyId)).includes(mailId),
    );
  });

  it('when a CRM that redefined crm_entity_emails posts the change, then 202 and the record gets its mail', async () => {
    await e2e.database.pool.query(`
      create table own_people (org_id text not null, id uuid primary key default gen_random_uuid(), mail text);
      create or replace view crm_entity_emails as
        select org_id, 'contact'::text as entity_type, id as entity_id, lower(email) as email
          from contacts where email is not null and email <> ''
        union all
        select org_id, 'lead'::text, id, lower(email) from leads where email is not null and email <> ''
        union all
        select org_id, 'contact'::text, id, lower(mail) from own_people where mail is not null`);
    const mailId = await mailBeforeAnyRecord(OWNER_A, 'pat@own-crm.test');
    const { rows } = await e2e.database.pool.query(
      `insert into own_people (org_id, mail) values ($1, 'pat@own-crm.test') returning id`,
      [ORG_A],
    );
    const entityId = rows[0].id as string;
    const body = JSON.stringify({ entity_type: 'contact', entity_id: entityId });
    expect((await e2e.api('/crm/entities/changed', { method: 'POST', body })).status).toBe(401);
    const res = await e2e.api('/crm/entities/changed', { method: 'POST', body, user: userA });
    expect(res.status).toBe(202);
    await until('the own-CRM record history', async () =>
      (await timelineIds(e2e, userA, 'contact', entityId)).includes(mailId),
    );
    // Org-scoped by the token: another org saying the same changes nothing it can see.
    expect(await timelineIds(e2e, userB, 'contact', entityId)).toEqual([]);
  });

  it("when Gmail's search still lags the mail a contact is created for, then the search runs again and the mail joins within a minute", async () => {
    // The index trails the mail past the first search but not past the second (in production 5 s
    // against retro-search's 30 s; here scaled with the test's timings).
    const lagMs = e2e.deps.config.timings.retroSearchSettleMs * 0.6;
    await e2e.simControl('faults', { method: 'PUT', body: { search_lag_ms: lagMs } });
    try {
      const mailId = await mailBeforeAnyRecord(OWNER_A, 'quick@fresh.test', 0);
      const contactId = await addContact(db(), ORG_A, 'Quick', 'quick@fresh.test');
      await waitFor(
        async () => (await timelineIds(e2e, userA, 'contact', contactId)).includes(mailId),
        { timeoutMs: 60_000, intervalMs: 500, what: 'the mail the lagging search missed' },
      );
    } finally {
      await e2e.resetFaults();
    }
  }, 70_000);

  it('when the change names an unknown entity type, then 400', async () => {
    const res = await e2e.api('/crm/entities/changed', {
      method: 'POST',
      body: JSON.stringify({ entity_type: 'planet', entity_id: crypto.randomUUID() }),
      user: userA,
    });
    expect(res.status).toBe(400);
  });
});
