import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linksFor, matchAddresses } from '../../src/crm/link-entities.ts';
import { addContact, addDeal, addLead } from '../support/crm-seed.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('linking participants to CRM entities', () => {
  let database: TestDatabase;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = database.db;
    ids.contact = await addContact(db, 'org-a', 'Carla', 'Carla@Client.test');
    ids.lead = await addLead(db, 'org-a', 'Luis', 'luis@prospect.test');
    ids.sameAddressLead = await addLead(db, 'org-a', 'Carla as lead', 'carla@client.test');
    ids.open = await addDeal(db, 'org-a', 'Open', { contactId: ids.contact });
    ids.won = await addDeal(db, 'org-a', 'Won', { contactId: ids.contact, stage: 'won' });
    ids.leadDeal = await addDeal(db, 'org-a', 'Lead deal', { leadId: ids.lead });
    ids.otherOrg = await addContact(db, 'org-b', 'Luis elsewhere', 'luis@prospect.test');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('when addresses match contacts and leads, then their open deals come along and other orgs never do', async () => {
    const index = await matchAddresses(database.db, 'org-a', [
      'carla@client.test',
      'luis@prospect.test',
      'x@y.test',
    ]);
    const links = linksFor(['luis@prospect.test', 'carla@client.test'], index);
    expect(links.map((l) => `${l.entityType}:${l.entityId}`)).toEqual([
      `contact:${ids.contact}`,
      `lead:${ids.lead}`,
      `lead:${ids.sameAddressLead}`,
      expect.stringMatching(/^deal:/),
      expect.stringMatching(/^deal:/),
    ]);
    const deals = links
      .filter((l) => l.entityType === 'deal')
      .map((l) => l.entityId)
      .sort();
    expect(deals).toEqual([ids.open, ids.leadDeal].sort());
    expect(links.map((l) => l.entityId)).not.toContain(ids.won);
    expect(links.map((l) => l.entityId)).not.toContain(ids.otherOrg);
  });

  it('when an address has quotes or backslashes, then it is matched safely as data', async () => {
    const odd = '"quoted\\name"@client.test';
    const id = await addContact(database.db, 'org-a', 'Odd', odd);
    const index = await matchAddresses(database.db, 'org-a', [odd.toLowerCase()]);
    expect(linksFor([odd.toLowerCase()], index).map((l) => l.entityId)).toEqual([id]);
  });

  it('when nobody matches, then there are no links', async () => {
    expect(
      linksFor(['nobody@x.test'], await matchAddresses(database.db, 'org-a', ['nobody@x.test'])),
    ).toEqual([]);
  });
});
