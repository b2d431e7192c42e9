// What the service learns about searching an org's mail: the mailing lists and groups that write
// their members' posts under their own address (crm/list-senders.ts). Read by drizzle-kit and
// db/database.ts with every other *schema.ts.
import { tstz } from './columns.ts';
import { pgCore } from './orm.ts';

const { pgTable, primaryKey, text } = pgCore;

/**
 * A list or group address that rewrote a post's From (Google Groups under the sender's DMARC:
 * "Ana via Vendas"), or the posting address of a list a CRM person wrote to: mail from it is asked
 * for by address, since Gmail's search does not see the Reply-To that names the real sender.
 */
export const listSenders = pgTable(
  'list_senders',
  {
    orgId: text('org_id').notNull(),
    address: text('address').notNull(),
    seenAt: tstz('seen_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.address] })],
);
