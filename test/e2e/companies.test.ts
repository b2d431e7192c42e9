// Companies: a mail links to the company of a matched contact and to every company whose domain is
// a participant's, except free-mail domains and the org's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/db/orm.ts';
import { addContact } from '../support/crm-seed.ts';
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

const ORG = 'org-companies';
const user = { sub: 'rep-c', org: ORG, name: 'Cora Rep' };
const OWNER = 'cora@vendor.test';

describe('companies', () => {
  let e2e: E2E;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    e2e = await startE2E();
    const db = e2e.deps.database.db;
    ids.acme = await addCompany(db, ORG, 'Acme', 'Acme.test');
    ids.acmeHolding = await addCompany(db, ORG, 'Acme Holding', 'acme.test');
    ids.gmailCo = await addCompany(db, ORG, 'Filed under gmail', 'gmail.com');
    ids.ourselves = await addCompany(db, ORG, 'Vendor (us)', 'vendor.test');
    ids.otherOrgAcme = await addCompany(db, 'org-elsewhere', 'Acme elsewhere', 'acme.test');
    ids.globex = await addCompany(db, ORG, 'Globex', 'globex.test');
    ids.ann = await addContact(db, ORG, 'Ann', 'ann@personal-host.test');
    await db.execute(sql`update contacts set company_id = ${ids.globex} where id = ${ids.ann}`);
    ids.gina = await addContact(db, ORG, 'Gina', 'gina@gmail.com');
    expect((await e2e.connect(user, OWNER)).status).toBe(200);
    await waitForJobs(e2e);
  });
  afterAll(async () => {
    await e2e.close();
  });

  async function loggedLinks(gmailId: string, entityType: string, entityId: string) {
    const item = await waitFor(
      async () =>
        (await timeline(e2e, user, entityType, entityId)).find(
          (a) => a.content.gmail_message_id === gmailId,
        ),
      { what: `activity ${gmailId}` },
    );
    return item.links.map((l) => `${l.entity_type}:${l.entity_id}`).sort();
  }

  it("when someone at a domain shared by two companies writes, then both companies show the mail; another org's company with that domain does not", async () => {
    const { id } = await deliverAndSync(
      e2e,
      user,
      OWNER,
      rawMail({ from: 'buyer@acme.test', to: OWNER }),
    );
    expect(await loggedLinks(id, 'company', ids.acme ?? '')).toEqual(
      [`company:${ids.acme}`, `company:${ids.acmeHolding}`].sort(),
    );
    expect(await timelineIds(e2e, user, 'company', ids.acmeHolding ?? '')).toContain(id);
    const elsewhere = await e2e.api(
      `/activities?entity_type=company&entity_id=${ids.otherOrgAcme}`,
      { user: { sub: 'x', org: 'org-elsewhere' } },
    );
    expect(((await elsewhere.json()) as { items: unknown[] }).items).toEqual([]);
  });

  it("when a contact of a company writes from another domain, then the mail links to the contact and the contact's company", async () => {
    const { id } = await deliverAndSync(
      e2e,
      user,
      OWNER,
      rawMail({ from: 'ann@personal-host.test', to: OWNER }),
    );
    expect(await loggedLinks(id, 'contact', ids.ann ?? '')).toEqual(
      [`contact:${ids.ann}`, `company:${ids.globex}`].sort(),
    );
  });

  it('when a contact writes from free mail, then no company filed under that free-mail domain is linked', async () => {
    const { id } = await deliverAndSync(
      e2e,
      user,
      OWNER,
      rawMail({ from: 'gina@gmail.com', to: OWNER }),
    );
    expect(await loggedLinks(id, 'contact', ids.gina ?? '')).toEqual([`contact:${ids.gina}`]);
  });

  it("when a colleague is copied, then the company filed under the org's own domain is not linked", async () => {
    const { id } = await deliverAndSync(
      e2e,
      user,
      OWNER,
      rawMail({ from: 'buyer@acme.test', to: OWNER, cc: 'boss@vendor.test' }),
    );
    const links = await loggedLinks(id, 'company', ids.acme ?? '');
    expect(links).not.toContain(`company:${ids.ourselves}`);
    await waitForJobs(e2e);
    expect(await timelineIds(e2e, user, 'company', ids.ourselves ?? '')).toEqual([]);
  });

  it('when a mail is sent from the CRM for a company, then its activity is on the company', async () => {
    const res = await e2e.api('/integrations/gmail/send', {
      user,
      method: 'POST',
      headers: { 'idempotency-key': 'company-send-1' },
      body: JSON.stringify({
        to: ['someone@unfiled.test'],
        subject: 'Offer',
        text: 'Hello',
        entity_type: 'company',
        entity_id: ids.globex,
      }),
    });
    expect(res.status).toBe(201);
    const { message_id } = (await res.json()) as { message_id: string };
    expect(await timelineIds(e2e, user, 'company', ids.globex ?? '')).toContain(message_id);
  });

  it('when mail from an unknown person at a company domain is older than the connection, then the backfill finds it by the domain', async () => {
    const late = { sub: 'rep-late', org: ORG, name: 'Late Rep' };
    const owner = 'late@vendor.test';
    const { id } = await e2e.deliver(owner, rawMail({ from: 'cfo@globex.test', to: owner }));
    expect((await e2e.connect(late, owner)).status).toBe(200);
    await waitForJobs(e2e);
    expect(await loggedLinks(id, 'company', ids.globex as string)).toEqual([
      `company:${ids.globex}`,
    ]);
  });

  it('when the OpenAPI document is read, then entity_type offers company', async () => {
    const doc = JSON.stringify(await (await e2e.api('/openapi.json')).json());
    expect(doc).toContain('"company"');
    expect(doc).toContain('/crm/entities/changed');
  });
});
