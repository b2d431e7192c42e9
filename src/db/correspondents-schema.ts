// Who a mailbox exchanges mail with (search-first/correspondents.ts). Not re-exported by schema.ts:
// it references `mailboxes`.
import { tstz } from './columns.ts';
import { pgCore } from './orm.ts';
import { mailboxes } from './schema.ts';

const { index, integer, pgTable, primaryKey, text, uuid } = pgCore;

/**
 * Learned from every header the service reads (mail it logs or skips, the user's sent mail, the
 * backfill's, the audit's reads): search-first asks Gmail's search for the CRM's people among them,
 * so a search's size follows the mailbox, not the CRM (search-first/mailbox-terms.ts). A sender
 * whose mail was never logged is one whose new mail need not be fetched to be judged.
 */
export const mailboxCorrespondents = pgTable(
  'mailbox_correspondents',
  {
    mailboxId: uuid('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    address: text('address').notNull(),
    domain: text('domain').notNull(),
    /** Mails read with this address as a participant other than the owner. */
    mails: integer('mails').notNull().default(0),
    /** Of those, the ones logged (they concerned the CRM). */
    crmMails: integer('crm_mails').notNull().default(0),
    /** Mails read whose From was this address. */
    sent: integer('sent').notNull().default(0),
    seenAt: tstz('seen_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.mailboxId, t.address] }),
    index('mailbox_correspondents_domain_idx').on(t.mailboxId, t.domain),
  ],
);
