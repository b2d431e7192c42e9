// The tables of linking records to mail: the CRM's companies, the changes that start a retroactive
// search, and the shape of a mailbox's send-as list. Re-exported by schema.ts (drizzle reads that).
import { pgCore, sql } from './orm.ts';

const { bigserial, index, pgTable, text, timestamp, uuid } = pgCore;

export const companies = pgTable(
  'companies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: text('org_id').notNull(),
    name: text('name').notNull(),
    /** The company's mail domain (acme.com); linking reads it through crm_company_domains. */
    domain: text('domain'),
  },
  (t) => [index('companies_org_domain_idx').on(t.orgId, sql`lower(${t.domain})`)],
);

/** One of the mailbox's verified send-as addresses (users.settings.sendAs.list), primary included. */
export interface SendAsAddress {
  email: string;
  display_name: string;
  default: boolean;
}

/**
 * CRM records whose addresses changed (written by statement-level triggers on contacts, leads and
 * companies, or by POST /crm/entities/changed): the retroactive search reads and deletes them in the
 * transaction that queues their searches.
 */
export const crmEntityChanges = pgTable(
  'crm_entity_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: text('org_id').notNull(),
    entityType: text('entity_type').notNull(),
    /** The records, in chunks of at most 1,000: a bulk statement writes a few rows, not one a record. */
    entityIds: uuid('entity_ids').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('crm_entity_changes_org_idx').on(t.orgId, t.id)],
);
