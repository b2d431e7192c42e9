// A mailbox's search terms when the CRM is too large to search whole (issue 28): the CRM's people it
// exchanged mail with, and mail from anyone but its known non-CRM senders; learned from the mail it
// read (crm/correspondents.ts), on a real PostgreSQL.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noteCorrespondents } from '../../src/crm/correspondents.ts';
import { mailboxSearchTerms } from '../../src/crm/mailbox-terms.ts';
import type { MailAddress } from '../../src/mail/parse-message.ts';
import { makeErasureHashing } from '../../src/org/erasure-keys.ts';
import { makeOrgRulesSource } from '../../src/org/org-rules.ts';
import { makeLocalKeyWrapper } from '../../src/vault/local-key-wrapper.ts';
import { makeVault } from '../../src/vault/vault.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const ORG = 'org-mailbox-terms';
const OWNER = 'rep@vendor.test';
const at = (email: string): MailAddress => ({ email, name: '' }) as MailAddress;
const mail = (from: string, to: string[] = [OWNER]) => ({
  from: at(from),
  to: to.map(at),
  cc: [],
  bcc: [],
  replyTo: [],
});

describe("a mailbox's search terms for a CRM of thousands", () => {
  let database: TestDatabase;
  let mailboxId = '';
  const ctx = (fullCrmQueries?: number) => ({
    db: database.db,
    mailbox: { id: mailboxId, orgId: ORG, email: OWNER },
    orgRules: makeOrgRulesSource({
      db: database.db,
      hashing: makeErasureHashing({
        db: database.db,
        vault: makeVault(makeLocalKeyWrapper({ current: randomBytes(32), previous: [] })),
      }),
    }),
    searchFirst: { fullCrmQueries },
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.pool.query(
      `insert into contacts (org_id, name, email)
       select $1, 'P', 'p' || i || '@co' || (i % 400) || '.test' from generate_series(1, 2000) i`,
      [ORG],
    );
    await database.pool.query(
      `insert into companies (org_id, name, domain)
       select $1, 'C', 'co' || i || '.test' from generate_series(0, 399) i`,
      [ORG],
    );
    const { rows } = await database.pool.query<{ id: string }>(
      `insert into mailboxes (org_id, user_id, email) values ($1, 'u', $2) returning id`,
      [ORG, OWNER],
    );
    mailboxId = rows[0]?.id ?? '';
  });
  afterAll(() => database.drop());

  it('when the mailbox has read nothing yet, then no search can tell and its mail is fetched', async () => {
    const terms = await mailboxSearchTerms(ctx());
    expect(terms).toEqual({ terms: [], incomplete: true, scoped: true });
  });

  it('when it read mail, then it searches for its CRM correspondents and for mail from anyone but its known non-CRM senders', async () => {
    await noteCorrespondents(
      database.db,
      mailboxId,
      [
        { mail: mail('p7@co7.test'), logged: true },
        { mail: mail(OWNER, ['p8@co8.test']), logged: true },
        { mail: mail('news@shop.test'), logged: false },
        { mail: mail('news@shop.test'), logged: false },
        ...['a', 'b', 'c'].map((n) => ({ mail: mail(`${n}@strangers.test`), logged: false })),
        ...['x', 'y', 'z'].map((n) => ({ mail: mail(`${n}@gmail.com`), logged: false })),
      ],
      [OWNER],
    );
    const { terms, scoped, incomplete } = await mailboxSearchTerms(ctx());
    expect(scoped).toBe(true);
    expect(incomplete).toBe(false);
    const [part, ...people] = terms;
    // Three senders of one domain that never logged anything: the domain; free mail never whole.
    expect(part?.startsWith('-{')).toBe(true);
    const excluded = (part ?? '').slice(2, -1).split(' ').sort();
    expect(excluded).toEqual([
      'from:news@shop.test',
      'from:strangers.test',
      'from:x@gmail.com',
      'from:y@gmail.com',
      'from:z@gmail.com',
    ]);
    // The CRM's people and company domains it exchanged mail with; nothing else of the 2,000.
    expect(people.sort()).toEqual(['co7.test', 'co8.test', 'p7@co7.test', 'p8@co8.test']);
    expect(terms.join(' ').length).toBeLessThan(1_500);
  });

  it('when the CRM is allowed more queries than it takes, then it is searched whole', async () => {
    const terms = await mailboxSearchTerms(ctx(1_000));
    expect(terms.scoped).toBe(false);
    expect(terms.terms.length).toBe(2_400);
  });
});
