// The in-flight marker (sync/in-flight.ts): a row per message a mailbox job has begun to fetch,
// parse and store and not yet finished. A row still marked when the next job comes was left by a
// process that died on it; two such deaths on one message dead-letter it. Not re-exported by
// schema.ts: it references `mailboxes`; drizzle-kit reads src/db/*schema.ts.
import { tstz } from './columns.ts';
import { pgCore } from './orm.ts';
import { mailboxes } from './schema.ts';

const { integer, pgTable, primaryKey, text, uuid } = pgCore;

export const messagesInFlight = pgTable(
  'messages_in_flight',
  {
    mailboxId: uuid('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    gmailMessageId: text('gmail_message_id').notNull(),
    /** While an attempt is under way: when it began. Null between attempts (a suspect at rest). */
    startedAt: tstz('started_at'),
    /** Attempts on this message that never finished (their process died). */
    crashes: integer('crashes').notNull().default(0),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.mailboxId, t.gmailMessageId] })],
);
