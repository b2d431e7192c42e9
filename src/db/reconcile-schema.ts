// Reconciliation and progress (issue 14): the last check of each mailbox against Gmail's search,
// the mail deliberately skipped, and a long task under way. Not re-exported by schema.ts: these
// tables reference `mailboxes`, so they import schema.ts; drizzle-kit reads src/db/*schema.ts.
import { createdAt, tstz } from './columns.ts';
import { pgCore } from './orm.ts';
import { mailboxes } from './schema.ts';

const { doublePrecision, integer, pgTable, primaryKey, text, uuid } = pgCore;

/** The last reconciliation of each mailbox: what Gmail's search expected against what we hold. */
export const mailboxReconciliations = pgTable('mailbox_reconciliations', {
  mailboxId: uuid('mailbox_id')
    .primaryKey()
    .references(() => mailboxes.id, { onDelete: 'cascade' }),
  checkedAt: tstz('checked_at').notNull(),
  windowStart: tstz('window_start').notNull(),
  expected: integer('expected').notNull(),
  logged: integer('logged').notNull(),
  skipped: integer('skipped').notNull(),
  repaired: integer('repaired').notNull(),
  missing: integer('missing').notNull(),
  /** Gmail quota units the reconciliation spent (list calls and a fetch per gap). */
  units: integer('units').notNull(),
});

/**
 * Mails search matched but the service decided not to log (a filter, the blocklist, no CRM
 * person once read): not gaps, and not fetched again by the next reconciliation.
 */
export const skippedMessages = pgTable(
  'skipped_messages',
  {
    mailboxId: uuid('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    gmailMessageId: text('gmail_message_id').notNull(),
    reason: text('reason').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.mailboxId, t.gmailMessageId] })],
);

/**
 * New mail the history named that is in no logged thread: waiting for Gmail's search to say
 * whether it concerns the CRM before any `messages.get` is spent on it
 * (search-first/search-first.ts).
 */
export const pendingMatches = pgTable(
  'pending_matches',
  {
    mailboxId: uuid('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    gmailMessageId: text('gmail_message_id').notNull(),
    threadId: text('thread_id').notNull(),
    /** When the history named it: search may not find it for a while (its index trails delivery). */
    seenAt: tstz('seen_at').notNull().defaultNow(),
    /** When it wants a search of its own: soon for mail in the primary inbox, later for the rest. */
    lookAt: tstz('look_at').notNull(),
    /**
     * When search, asked long enough, had not found it: no longer searched for, but kept a few days
     * so that if its thread is logged later (a first mail search found late), it follows its thread.
     */
    letGoAt: tstz('let_go_at'),
  },
  (t) => [primaryKey({ columns: [t.mailboxId, t.gmailMessageId] })],
);

/** A long task under way on a mailbox (backfill, recovery, reconciliation, retroactive search). */
export const syncProgress = pgTable('sync_progress', {
  mailboxId: uuid('mailbox_id')
    .primaryKey()
    .references(() => mailboxes.id, { onDelete: 'cascade' }),
  phase: text('phase').notNull(),
  done: integer('done').notNull().default(0),
  total: integer('total').notNull().default(0),
  /** Quota units each remaining item costs, and the mailbox's paced rate (units a second). */
  unitsEach: integer('units_each').notNull(),
  unitsPerSec: doublePrecision('units_per_sec').notNull(),
  startedAt: tstz('started_at').notNull().defaultNow(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});
