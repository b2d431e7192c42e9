// Contacts created from mail, when the org asks: people the users write to (`sent`), and also
// people who write to them (`sent_and_received`); never roles, machines, lists or the org itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E, type TestUser } from '../support/e2e-service.ts';
import { timelineIds, waitForJobs } from '../support/linking-e2e.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-auto';
const rita = { sub: 'rep-rita', org: ORG, name: 'Rita' };
const sam = { sub: 'rep-sam', org: ORG, name: 'Sam' };
const admin = { sub: 'admin-auto', org: ORG, admin: true };
const RITA = 'rita@vendor-auto.test';
const SAM = 'sam@vendor-two.test';
const KNOWN = 'kim@client-auto.test';

describe('contacts created from mail', () => {
  let e2e: E2E;
  let kim = '';

  beforeAll(async () => {
    e2e = await startE2E();
    kim = await addContact(e2e.deps.database.db, ORG, 'Kim', KNOWN);
    expect((await e2e.connect(rita, RITA)).status).toBe(200);
    expect((await e2e.connect(sam, SAM)).status).toBe(200);
    await waitForJobs(e2e);
  });
  afterAll(async () => {
    await e2e.close();
  });

  async function contactsNamed(emails: string[]) {
    const { rows } = await e2e.database.pool.query(
      'select id, name, email, source from contacts where org_id = $1 and email = any($2) order by email',
      [ORG, emails],
    );
    return rows as { id: string; name: string; email: string; source: string | null }[];
  }

  const setMode = (mode: string) =>
    e2e.api('/org/settings', {
      method: 'PUT',
      user: admin as TestUser,
      body: JSON.stringify({ auto_create_contacts: mode }),
    });
  const sync = () =>
    e2e.api('/integrations/gmail/sync', { method: 'POST', body: '{}', user: rita });
  const sent = (to: string, extra: { cc?: string; headers?: Record<string, string> } = {}) =>
    e2e.deliver(RITA, rawMail({ from: `Rita <${RITA}>`, to, ...extra }), ['SENT']);
  const received = (from: string, headers?: Record<string, string>) =>
    e2e.deliver(RITA, rawMail({ from, to: RITA, ...(headers ? { headers } : {}) }), ['INBOX']);

  /** Delivers a mail from a known contact last and waits for it: everything before was judged. */
  async function judged() {
    const { id } = await received(KNOWN);
    await sync();
    await waitFor(async () => (await timelineIds(e2e, rita, 'contact', kim)).includes(id), {
      what: 'the marker mail',
    });
  }

  it('when the org has not asked, then mail to a stranger creates no contact and is not logged', async () => {
    const read = await e2e.api('/org/settings', { user: admin as TestUser });
    expect(await read.json()).toMatchObject({ auto_create_contacts: 'none' });
    await sent('stranger@client-auto.test');
    await judged();
    expect(await contactsNamed(['stranger@client-auto.test'])).toEqual([]);
  });

  it('when the org asks for sent, then a person written to becomes a contact with its source and mail, and roles, lists, senders and the org itself do not', async () => {
    // Nina wrote first, before any record of her: not logged then.
    const earlier = await received('Nina New <nina@client-auto.test>');
    const earlierSent = await sent('nina@client-auto.test', { cc: 'oscar@client-auto.test' });
    await judged();
    expect((await setMode('sent')).status).toBe(200);

    await sent('noreply@client-auto.test', { cc: 'Billing <billing@client-auto.test>' });
    await sent('listed@client-auto.test', { headers: { 'List-Id': '<team.client-auto.test>' } });
    await sent('bulk@client-auto.test', { headers: { Precedence: 'bulk' } });
    await received('Olga <olga@client-auto.test>');
    await sent(`Sam <${SAM}>`, { cc: 'colleague@vendor-auto.test' });
    const toNina = await sent('Nina New <nina@client-auto.test>');
    await sync();

    const [nina] = await waitFor(async () => {
      const found = await contactsNamed(['nina@client-auto.test']);
      return found.length > 0 && found;
    });
    expect(nina).toMatchObject({ name: 'Nina New', source: 'gmail_sent' });
    await waitFor(
      async () => (await timelineIds(e2e, rita, 'contact', nina?.id ?? '')).includes(toNina.id),
      { what: 'the sent mail on the new contact' },
    );
    // Her earlier mail comes through the retroactive search any new contact gets.
    await waitFor(
      async () => (await timelineIds(e2e, rita, 'contact', nina?.id ?? '')).includes(earlier.id),
      { timeoutMs: 30_000, what: 'the earlier mail on the new contact' },
    );
    // Mail found in the past makes no contact: Oscar, copied then, is not one.
    await waitFor(async () =>
      (await timelineIds(e2e, rita, 'contact', nina?.id ?? '')).includes(earlierSent.id),
    );
    const { rows: events } = await e2e.database.pool.query(
      `select payload from events where type = 'contact.created'`,
    );
    expect(events.map((e: { payload: unknown }) => e.payload)).toEqual([
      expect.objectContaining({
        contact_id: nina?.id,
        email: 'nina@client-auto.test',
        source: 'gmail_sent',
      }),
    ]);
    expect(
      await contactsNamed([
        'noreply@client-auto.test',
        'billing@client-auto.test',
        'listed@client-auto.test',
        'bulk@client-auto.test',
        'olga@client-auto.test',
        'oscar@client-auto.test',
        SAM,
        'colleague@vendor-auto.test',
      ]),
    ).toEqual([]);
  });

  it('when the org asks for sent_and_received, then a person who writes becomes a contact, a notification sender does not', async () => {
    expect((await setMode('sent_and_received')).status).toBe(200);
    await received('GitHub <notifications@github-like.test>');
    await received('Bulk Sender <offers@shop.test>', { Precedence: 'list' });
    const { id } = await received('Pia Person <pia@prospect.test>');
    await sync();
    const [pia] = await waitFor(async () => {
      const found = await contactsNamed(['pia@prospect.test']);
      return found.length > 0 && found;
    });
    expect(pia).toMatchObject({ name: 'Pia Person', source: 'gmail_received' });
    await waitFor(async () =>
      (await timelineIds(e2e, rita, 'contact', pia?.id ?? '')).includes(id),
    );
    expect(await contactsNamed(['notifications@github-like.test', 'offers@shop.test'])).toEqual([]);
  });
});
