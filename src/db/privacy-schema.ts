// The owner's privacy decisions, kept apart from the activity they were made on: an activity
// removed (trash under `on_gmail_delete: remove`, a blocked sender) and logged again later must
// come back private, so the decision lives where every insert reads it (a trigger in migration
// 0009 strips the content of a mail listed here, whatever path logs it). Re-exported by schema.ts.
import { tstz } from './columns.ts';
import { pgCore } from './orm.ts';

const { pgTable, primaryKey, text, uuid } = pgCore;

export const activityPrivacy = pgTable(
  'activity_privacy',
  {
    // No foreign key: it would import schema.ts, which re-exports this file (an import cycle).
    // Mailbox rows are never deleted (a disconnect keeps them), so nothing is left dangling.
    mailboxId: uuid('mailbox_id').notNull(),
    gmailMessageId: text('gmail_message_id').notNull(),
    orgId: text('org_id').notNull(),
    madePrivateBy: text('made_private_by').notNull(),
    madePrivateAt: tstz('made_private_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.mailboxId, t.gmailMessageId] })],
);
