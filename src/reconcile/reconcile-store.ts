// What the reconciliation reads and writes: which ids are logged or deliberately skipped, and its
// result (kept per mailbox, announced to the CRM when it repaired mail). The skips it learns are
// written where the sync writes its own (activity-store/skipped-messages.ts).

import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { EVENT } from '../events/event-types.ts';
import { askEventDelivery, insertEventsSql } from '../events/record-events.ts';
import { type Mailbox, recordUnrepairedSql } from '../mailbox/mailbox-store.ts';

type Executor = Pick<Db, 'execute'>;

/** Starts the `last_error` a reconciliation leaves, so the next clean one clears only its own. */
export const UNREPAIRED_PREFIX = 'reconciliation: ';

/** What `last_error` says of gaps that could not be repaired; null when there are none. */
export function unrepairedMessage(missing: number): string | null {
  return missing > 0
    ? `${UNREPAIRED_PREFIX}${missing} mails missing from the CRM could not be fetched; retried at the next reconciliation`
    : null;
}

/** One reconciliation of a mailbox (reconcile.ts), as it is kept and shown. */
export interface ReconcileResult {
  checkedAt: Date;
  windowStart: Date;
  /** Mails search says concern the CRM in the window. */
  expected: number;
  /** Already logged before this run. */
  logged: number;
  /** Deliberately not logged (filters, blocklist, dead letters, no CRM person once read). */
  skipped: number;
  repaired: string[];
  /** Gaps that could not be stored this time (the fetch failed). */
  missing: string[];
  units: number;
}

export interface Classified {
  logged: Set<string>;
  /** Dead letters and learnt skips: not gaps. */
  skipped: Set<string>;
  deadLettered: Set<string>;
}

export async function classifyIds(
  db: Executor,
  mailboxId: string,
  ids: string[],
): Promise<Classified> {
  const out: Classified = { logged: new Set(), skipped: new Set(), deadLettered: new Set() };
  if (ids.length === 0) return out;
  const list = sqlArray(ids, 'text');
  const { rows } = await db.execute<{ id: string; kind: 'logged' | 'dead' | 'skip' }>(sql`
    select gmail_message_id as id, 'logged' as kind from activities
     where mailbox_id = ${mailboxId} and gmail_message_id = any(${list})
    union all
    select gmail_message_id, 'dead' from dead_letters
     where mailbox_id = ${mailboxId} and gmail_message_id = any(${list})
    union all
    select gmail_message_id, 'skip' from skipped_messages
     where mailbox_id = ${mailboxId} and gmail_message_id = any(${list})`);
  for (const r of rows) {
    if (r.kind === 'logged') out.logged.add(r.id);
    else out.skipped.add(r.id);
    if (r.kind === 'dead') out.deadLettered.add(r.id);
  }
  // Logged wins: a mail logged and later dead-lettered on a replay is complete.
  for (const id of out.logged) out.skipped.delete(id);
  return out;
}

export async function lastReconciliation(db: Executor, mailboxId: string): Promise<Date | null> {
  const { rows } = await db.execute<{ checked_at: Date | string }>(sql`
    select checked_at from mailbox_reconciliations where mailbox_id = ${mailboxId}`);
  const at = rows[0]?.checked_at;
  return at ? new Date(at) : null;
}

/**
 * One statement keeps the result, announces a repair (`mailbox.gaps_repaired`, with the Gmail
 * ids), and puts gaps that could not be repaired in the mailbox's `last_error`.
 */
export async function saveReconciliation(
  db: Executor,
  mailbox: Pick<Mailbox, 'id' | 'orgId'>,
  r: ReconcileResult,
): Promise<void> {
  const payload = {
    mailbox_id: mailbox.id,
    gmail_message_ids: r.repaired,
    window_start: r.windowStart.toISOString(),
  };
  const unrepaired = unrepairedMessage(r.missing.length);
  await db.execute(sql`
    with saved as (
      insert into mailbox_reconciliations
        (mailbox_id, checked_at, window_start, expected, logged, skipped, repaired, missing, units)
      values (${mailbox.id}, ${r.checkedAt.toISOString()}, ${r.windowStart.toISOString()},
              ${r.expected}, ${r.logged}, ${r.skipped}, ${r.repaired.length}, ${r.missing.length},
              ${r.units})
      on conflict (mailbox_id) do update
         set checked_at = excluded.checked_at, window_start = excluded.window_start,
             expected = excluded.expected, logged = excluded.logged, skipped = excluded.skipped,
             repaired = excluded.repaired, missing = excluded.missing, units = excluded.units
    ),
    announced as (
      ${insertEventsSql(sql`
      select ${mailbox.orgId}, ${mailbox.id}, ${EVENT.mailboxGapsRepaired}::text, ${JSON.stringify(payload)}::jsonb
       where ${r.repaired.length}::int > 0`)}
    )
    ${recordUnrepairedSql(mailbox.id, unrepaired, UNREPAIRED_PREFIX)}`);
  if (r.repaired.length > 0) await askEventDelivery(db);
}

export interface CompletenessView {
  checked_at: string;
  window_start: string;
  expected: number;
  logged: number;
  skipped: number;
  repaired: number;
  missing: number;
}

/** The last reconciliation as status shows it; null before the first. */
export async function readCompleteness(
  db: Executor,
  mailboxId: string,
): Promise<CompletenessView | null> {
  const { rows } = await db.execute<{
    checked_at: Date | string;
    window_start: Date | string;
    expected: number;
    logged: number;
    skipped: number;
    repaired: number;
    missing: number;
  }>(sql`
    select checked_at, window_start, expected, logged, skipped, repaired, missing
      from mailbox_reconciliations where mailbox_id = ${mailboxId}`);
  const r = rows[0];
  if (!r) return null;
  return {
    ...r,
    checked_at: new Date(r.checked_at).toISOString(),
    window_start: new Date(r.window_start).toISOString(),
  };
}
