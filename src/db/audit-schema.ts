// The audit of what Gmail's search let go (search-audit/): one row per run, kept 30 days
// (db/retention.ts). Status sums the last seven days; the poll reads the newest run of each mailbox
// to queue the daily one. Not re-exported by schema.ts: it references `mailboxes`.
import { tstz } from './columns.ts';
import { pgCore } from './orm.ts';
import { mailboxes } from './schema.ts';

const { bigserial, index, integer, pgTable, uuid } = pgCore;

export const searchAudits = pgTable(
  'search_audits',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    mailboxId: uuid('mailbox_id')
      .notNull()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    checkedAt: tstz('checked_at').notNull(),
    /** Mail let go since the last run, not logged or skipped since: what the sample is drawn from. */
    population: integer('population').notNull(),
    /** Drawn at random and judged (headers read with `format=metadata`). */
    sampled: integer('sampled').notNull(),
    /** Of the sample: mail the sync's rules log, which search had let go. Logged now. */
    missed: integer('missed').notNull(),
    /** Read because a miss widened the look (every let-go mail of the window not read yet). */
    widened: integer('widened').notNull(),
    /** Of those: more mail search had wrongly let go, logged now. */
    widenedMissed: integer('widened_missed').notNull(),
    /** Gmail quota units the run spent (headers read, mail fetched and logged). */
    units: integer('units').notNull(),
  },
  (t) => [index('search_audits_mailbox').on(t.mailboxId, t.checkedAt)],
);
