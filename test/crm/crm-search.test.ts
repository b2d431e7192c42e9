import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  orgSearchTerms,
  QUERY_TERM_CHARS,
  queryGroups,
  searchSize,
} from '../../src/crm/crm-search.ts';
import { isPlainSearchTerm } from '../../src/google/gmail-search-terms.ts';
// How the CRM's addresses are packed into Gmail search queries, and which of them may be: only
// terms Gmail reads as plain address or domain tokens (issue 27 #6).
import { makeErasureHashing } from '../../src/org/erasure-keys.ts';
import { makeOrgRulesSource } from '../../src/org/org-rules.ts';
import { makeLocalKeyWrapper } from '../../src/vault/local-key-wrapper.ts';
import { makeVault } from '../../src/vault/vault.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('search query groups', () => {
  it('when a thousand addresses are grouped, then each group fits one query and every address is in exactly one', () => {
    const terms = Array.from({ length: 1_000 }, (_, i) => `someone-${i}@company-${i % 37}.test`);
    const groups = queryGroups(terms);
    for (const group of groups) {
      expect(group.reduce((n, t) => n + t.length + 1, 0)).toBeLessThanOrEqual(QUERY_TERM_CHARS);
    }
    expect(groups.flat()).toEqual(terms);
    // Greedy packing leaves less than one address's room at the end of each query.
    const longest = Math.max(...terms.map((t) => t.length + 1));
    expect(groups.length).toBeLessThanOrEqual(
      Math.ceil((terms.join(' ').length + 1) / (QUERY_TERM_CHARS - longest)),
    );
  });

  it('when there are no addresses, then there is no query', () => {
    expect(queryGroups([])).toEqual([]);
  });
});

/** What Gmail would read as syntax (https://support.google.com/mail/answer/7190), each RFC-valid or a CRM's typo. */
const operators = [
  '-everyone@evil.test',
  '+exact@evil.test',
  'in:anywhere',
  'from:boss@corp.test',
  'https://acme.test',
  'acme.test/pricing',
  '"quoted"@evil.test',
  'a(b)@evil.test',
  '{x}@evil.test',
  'OR',
  'AND',
  'two words@evil.test',
  '.dot@evil.test',
  `${'a'.repeat(250)}@x.test`,
];
const plain = [
  'ana@client.test',
  "o'brien@client.test",
  'first.last+tag@sub.client.test',
  'ana_b-c=d@client-co.test',
  'client.test',
  'sub.client-co.test',
  '@client.test',
];

describe('search terms', () => {
  it.each(operators)('when a CRM term is %s, then it never reaches a query', (term) => {
    expect(isPlainSearchTerm(term)).toBe(false);
  });

  it.each(plain)('when a CRM term is %s, then it is searched as it is', (term) => {
    expect(isPlainSearchTerm(term)).toBe(true);
  });

  describe("the org's terms, read from its CRM records", () => {
    let database: TestDatabase;
    const ORG = 'org-terms';
    const ctx = () => ({
      db: database.db,
      mailbox: { orgId: ORG, email: 'rep@vendor.test' } as never,
      orgRules: orgRulesOf(database),
    });

    beforeAll(async () => {
      database = await createTestDatabase();
      for (const email of [...operators, 'ana@client.test']) {
        await database.pool.query(
          'insert into contacts (org_id, name, email) values ($1, $2, $3)',
          [ORG, 'x', email],
        );
      }
      for (const domain of ['https://acme.test', 'acme.test']) {
        await database.pool.query(
          'insert into companies (org_id, name, domain) values ($1, $2, $3)',
          [ORG, 'Acme', domain],
        );
      }
    });
    afterAll(() => database.drop());

    it('when some addresses would be read as operators, then only plain ones are searched and the search says it is incomplete', async () => {
      const terms = await orgSearchTerms(ctx());
      expect(terms.terms.sort()).toEqual(['acme.test', 'ana@client.test']);
      expect(terms.incomplete).toBe(true);
      const size = await searchSize(ctx());
      expect(size.incomplete).toBe(true);
      expect(size.queries).toBe(1);
    });
  });
});

/** The org's rules as the service reads them (nobody erased in these orgs). */
function orgRulesOf(database: TestDatabase) {
  const key = randomBytes(32);
  const vault = makeVault(makeLocalKeyWrapper({ current: key, previous: [] }));
  return makeOrgRulesSource({
    db: database.db,
    hashing: makeErasureHashing({ db: database.db, vault }),
  });
}
