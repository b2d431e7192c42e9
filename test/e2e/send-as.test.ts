// Aliases are the user: the mailbox's verified send-as addresses count as the owner when mail is
// logged, status lists them, and a send may go out from one of them (and from nothing else).
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addJob } from '../../src/queue/enqueue.ts';
import { TASK } from '../../src/queue/job-names.ts';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { deliverAndSync, timeline, timelineIds, waitForJobs } from '../support/linking-e2e.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG_A = 'org-alias-a';
const ORG_B = 'org-alias-b';
const userA = { sub: 'rep-a', org: ORG_A, name: 'Rita Rep' };
const userB = { sub: 'rep-b', org: ORG_B, name: 'Bo Rep' };
const OWNER_A = 'rita@vendor.test';
const ALIAS_A = 'sales@vendor-brand.test';
const OWNER_B = 'bo@partner.test';

interface Status {
  send_as: { email: string; display_name: string; default: boolean }[];
}

describe('send-as aliases', () => {
  let e2e: E2E;
  let client: string;
  let aliasAsContactOfB: string;
  let n = 0;

  beforeAll(async () => {
    e2e = await startE2E();
    const db = e2e.deps.database.db;
    client = await addContact(db, ORG_A, 'Carla', 'carla@client.test');
    aliasAsContactOfB = await addContact(db, ORG_B, 'Vendor Brand Sales', ALIAS_A);
    // Someone in org A also filed the brand address as a contact: it is still the owner.
    await addContact(db, ORG_A, 'Our brand inbox', ALIAS_A);
    const alias = { email: ALIAS_A, display_name: 'Vendor Brand Sales' };
    expect((await e2e.simControl(`mailboxes/${OWNER_A}/send-as`, { body: alias })).status).toBe(
      201,
    );
    expect((await e2e.connect(userA, OWNER_A)).status).toBe(200);
    expect((await e2e.connect(userB, OWNER_B)).status).toBe(200);
    await waitForJobs(e2e);
  });
  afterAll(async () => {
    await e2e.close();
  });

  const status = async (user = userA) =>
    (await (await e2e.api('/integrations/gmail/status', { user })).json()) as Status;
  const send = (body: unknown) =>
    e2e.api('/integrations/gmail/send', {
      user: userA,
      method: 'POST',
      headers: { 'idempotency-key': `alias-key-${++n}` },
      body: JSON.stringify(body),
    });

  it('when a mailbox with an alias is connected, then status lists the primary and the alias', async () => {
    expect((await status()).send_as).toEqual([
      { email: OWNER_A, display_name: '', default: true },
      { email: ALIAS_A, display_name: 'Vendor Brand Sales', default: false },
    ]);
  });

  it('when mail from the alias to a contact arrives, then it is logged as sent, linked to the contact only', async () => {
    const { id } = await deliverAndSync(
      e2e,
      userA,
      OWNER_A,
      rawMail({ from: ALIAS_A, to: 'carla@client.test' }),
    );
    const activity = await waitFor(
      async () =>
        (await timeline(e2e, userA, 'contact', client)).find(
          (a) => a.content.gmail_message_id === id,
        ),
      { what: 'the alias mail' },
    );
    expect(activity.email_direction).toBe('sent');
    expect(activity.links).toEqual([{ entity_type: 'contact', entity_id: client }]);
  });

  it("when the alias is also a contact of another org, then that org logs its own mail with it and never sees the first org's", async () => {
    const { id: inB } = await deliverAndSync(
      e2e,
      userB,
      OWNER_B,
      rawMail({ from: ALIAS_A, to: OWNER_B }),
    );
    await waitFor(
      async () => (await timelineIds(e2e, userB, 'contact', aliasAsContactOfB)).includes(inB),
      {
        what: 'org B mail',
      },
    );
    const [inBActivity] = await timeline(e2e, userB, 'contact', aliasAsContactOfB);
    expect(inBActivity?.email_direction).toBe('received');
    await waitForJobs(e2e);
    expect(await timelineIds(e2e, userB, 'contact', aliasAsContactOfB)).toEqual([inB]);
  });

  it("when mail goes between the owner's own addresses, then nothing is logged", async () => {
    const { id } = await deliverAndSync(
      e2e,
      userA,
      OWNER_A,
      rawMail({ from: ALIAS_A, to: OWNER_A }),
    );
    await waitForJobs(e2e);
    const { rows } = await e2e.database.pool.query(
      'select count(*)::int as n from activities where gmail_message_id = $1',
      [id],
    );
    expect(rows[0].n).toBe(0);
  });

  it('when a send names the alias as from, then Gmail gets a mail from the alias and it is logged as sent', async () => {
    const res = await send({
      from: ALIAS_A,
      to: ['carla@client.test'],
      subject: 'From the brand',
      text: 'Hi',
    });
    expect(res.status).toBe(201);
    const { message_id } = (await res.json()) as { message_id: string };
    const sent = (await (await e2e.simControl(`mailboxes/${OWNER_A}/sent`)).json()) as {
      messages: { raw: string }[];
    };
    const parsed = await simpleParser(Buffer.from(sent.messages.at(-1)?.raw ?? '', 'base64url'));
    expect(parsed.from?.value[0]).toMatchObject({ name: 'Vendor Brand Sales', address: ALIAS_A });
    const logged = (await timeline(e2e, userA, 'contact', client)).find(
      (a) => a.content.gmail_message_id === message_id,
    );
    expect(logged?.email_direction).toBe('sent');
  });

  it('when a send names an address that is not a verified send-as address, then 422 invalid_sender and nothing is sent', async () => {
    const before = (
      (await (await e2e.simControl(`mailboxes/${OWNER_A}/sent`)).json()) as { messages: unknown[] }
    ).messages.length;
    const res = await send({
      from: 'ceo@vendor.test',
      to: ['carla@client.test'],
      subject: 'x',
      text: 'y',
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_sender');
    const after = (
      (await (await e2e.simControl(`mailboxes/${OWNER_A}/sent`)).json()) as { messages: unknown[] }
    ).messages.length;
    expect(after).toBe(before);
  });

  it('when an alias is added in Gmail later, then a sync on demand shows it and a send from it is accepted', async () => {
    const late = { email: 'support@vendor.test', display_name: 'Support', default: true };
    expect((await e2e.simControl(`mailboxes/${OWNER_A}/send-as`, { body: late })).status).toBe(201);
    expect(
      (await e2e.api('/integrations/gmail/sync', { method: 'POST', body: '{}', user: userA }))
        .status,
    ).toBe(202);
    await waitForJobs(e2e);
    expect((await status()).send_as).toContainEqual({
      email: 'support@vendor.test',
      display_name: 'Support',
      default: true,
    });
    const res = await send({
      from: 'Support@Vendor.test',
      to: ['carla@client.test'],
      subject: 'Help',
      text: 'Hi',
    });
    expect(res.status).toBe(201);
  });

  it('when the watch is renewed, then an alias added in Gmail since shows in status', async () => {
    const alias = { email: 'events@vendor.test', display_name: 'Events' };
    expect((await e2e.simControl(`mailboxes/${OWNER_A}/send-as`, { body: alias })).status).toBe(
      201,
    );
    const { rows } = await e2e.database.pool.query('select id from mailboxes where email = $1', [
      OWNER_A,
    ]);
    await addJob(e2e.deps.database.db, TASK.renewWatch, { mailbox_id: rows[0].id });
    await waitForJobs(e2e);
    expect((await status()).send_as.map((a) => a.email)).toContain('events@vendor.test');
  });
});
