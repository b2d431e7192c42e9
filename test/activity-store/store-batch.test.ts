import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActivityDraft, toActivityDraft } from '../../src/activity-store/activity-row.ts';
import { storeBatch } from '../../src/activity-store/store-batch.ts';
import type { ParsedMail } from '../../src/mail/parse-message.ts';
import { addContact } from '../support/crm-seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const ORG = 'org-store';
const OWNER = 'owner@vendor.test';
const NUL = String.fromCharCode(0);
const LONE = String.fromCharCode(0xdc00);

describe('storing a batch of activities', () => {
  let database: TestDatabase;
  let mailbox: { id: string; orgId: string };
  let contactId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const { rows } = await database.pool.query(
      `insert into mailboxes (org_id, user_id, email, status, history_id)
       values ($1, 'u-store', $2, 'active', 1000) returning id`,
      [ORG, OWNER],
    );
    mailbox = { id: rows[0].id, orgId: ORG };
    contactId = await addContact(database.db, ORG, 'Client', 'client@customer.test');
  });
  afterAll(async () => {
    await database.drop();
  });

  let counter = 0;
  const draft = (subject: string, body = `Body of ${subject}`): ActivityDraft => {
    counter += 1;
    const mail: ParsedMail = {
      gmailId: `g-${counter}`,
      threadId: `t-${counter}`,
      labelIds: ['INBOX'],
      historyId: null,
      messageIdHeader: `<m-${counter}@customer.test>`,
      inReplyTo: null,
      references: [],
      subject,
      from: { name: 'Client', email: 'client@customer.test' },
      to: [{ name: '', email: OWNER }],
      cc: [],
      bcc: [],
      replyTo: [],
      date: new Date(),
      bodyText: body,
      bodyTruncated: false,
      attachments: [],
      snippet: body,
    };
    const author = {
      orgId: ORG,
      mailboxId: mailbox.id,
      ownerEmail: OWNER,
      userId: 'u-store',
      createdByName: 'Gmail Sync',
    };
    const link = {
      entityType: 'contact' as const,
      entityId: contactId,
      email: 'client@customer.test',
    };
    return toActivityDraft(mail, author, [link]);
  };
  const count = async (sql: string, params: unknown[]) =>
    (await database.pool.query(sql, params)).rows[0].n as number;

  it('when 3 of 50 drafts are refused by PostgreSQL, then the 47 others are stored, the 3 dead-lettered without content, and the cursor moves', async () => {
    const drafts = Array.from({ length: 50 }, (_, i) => draft(`batch mail ${i}`));
    const positions = new Set<number>();
    while (positions.size < 3) positions.add(Math.floor(Math.random() * 50));
    const [year0, year275760, notUuid] = [...positions] as [number, number, number];
    // Real refusals the mail itself could once cause, and one no sanitising could mend.
    drafts[year0] = {
      ...(drafts[year0] as ActivityDraft),
      createdAt: new Date('0000-01-01T00:00:00Z'),
    };
    drafts[year275760] = { ...(drafts[year275760] as ActivityDraft), createdAt: new Date(8.64e15) };
    const bad = drafts[notUuid] as ActivityDraft;
    drafts[notUuid] = {
      ...bad,
      links: [{ entityType: 'contact', entityId: 'not-a-uuid', email: 'x@y.test' }],
    };
    const poison = [...positions].map((i) => (drafts[i] as ActivityDraft).gmailMessageId);

    const result = await storeBatch(database.db, mailbox, drafts, {
      mailboxId: mailbox.id,
      historyId: 2000,
    });

    expect(result.stored).toHaveLength(47);
    expect(result.deadLettered.map((d) => d.gmailMessageId).sort()).toEqual([...poison].sort());
    const ids = drafts.map((d) => d.gmailMessageId);
    expect(
      await count('select count(*)::int as n from activities where gmail_message_id = any($1)', [
        ids,
      ]),
    ).toBe(47);
    const dead = await database.pool.query(
      `select gmail_message_id, reason from dead_letters where source = 'message' and mailbox_id = $1`,
      [mailbox.id],
    );
    expect(dead.rows.map((r) => r.gmail_message_id).sort()).toEqual([...poison].sort());
    for (const { reason } of dead.rows) {
      expect(reason).toMatch(/^store_failed: SQLSTATE 22/);
      expect(reason).not.toMatch(/0000|275760|not-a-uuid|batch mail/);
    }
    const cursor = await database.pool.query('select history_id from mailboxes where id = $1', [
      mailbox.id,
    ]);
    expect(Number(cursor.rows[0].history_id)).toBe(2000);
  });

  it('when every text of a draft carries NUL bytes and lone surrogates, then it is stored with them removed', async () => {
    const dirty = draft(`subject${NUL}with${LONE}junk`, `body${NUL}text${LONE}`);
    dirty.content.from = `Eve${NUL}${LONE} <client@customer.test>`;
    dirty.content.message_id_header = `<id${NUL}@x.test>`;

    const result = await storeBatch(database.db, mailbox, [dirty]);

    expect(result).toMatchObject({
      stored: [{ gmailMessageId: dirty.gmailMessageId }],
      deadLettered: [],
    });
    const { rows } = await database.pool.query(
      `select email_subject, content->>'body' as body, content->>'from' as "from",
              content->>'message_id_header' as mid from activities where gmail_message_id = $1`,
      [dirty.gmailMessageId],
    );
    expect(rows[0]).toEqual({
      email_subject: 'subjectwith\uFFFDjunk',
      body: 'bodytext\uFFFD',
      from: 'Eve\uFFFD <client@customer.test>',
      mid: '<id@x.test>',
    });
  });
});
