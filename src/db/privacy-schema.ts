// The owner's privacy decisions, kept apart from the activity they were made on: an activity
// removed (trash under `on_gmail_delete: remove`, a blocked sender) and logged again later must
// come back private, so the decision lives where every insert reads it (a trigger of migration
// 0011 strips the content of a mail listed here, whatever path logs it). Not re-exported by
// schema.ts: it references `mailboxes`, so it imports schema.ts; drizzle-kit reads src/db/*schema.ts.
import { tstz } from './columns.ts';
import { pgCore } from './orm.ts';
import { mailboxes } from './schema.ts';

const { pgTable, primaryKey, text, uuid } = pgCore;

export const activityPrivacy = pgTable(
  'activity_privacy',
  {
    mailboxId: uuid('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    gmailMessageId: text('gmail_message_id').notNull(),
    orgId: text('org_id').notNull(),
    madePrivateBy: text('made_private_by').notNull(),
    madePrivateAt: tstz('made_private_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.mailboxId, t.gmailMessageId] })],
);
