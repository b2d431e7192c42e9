// What the audit reads and writes. The let-go mail is search-first's own `pending_matches` rows
// (ids and thread ids only, never content), which the audit marks: drawn into a population, read
// and judged rightly let go, or owed a look because a miss widened it. Its runs are kept in
// `search_audits`; a run that logged mail is announced to the CRM in the same statement.

import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { EVENT } from '../events/event-types.ts';
import { askEventDelivery, insertEventsSql } from '../events/record-events.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';

type Executor = Pick<Db, 'execute'>;

/** How far back status sums the audit's figures: the window the widening reaches too. */
export const AUDIT_VIEW_DAYS = 7;

/**
 * Draws every let-go mail no audit has drawn yet into this run's population; returns the ids that
 * are still neither logged, skipped nor dead-lettered (a reconciliation or a thread may have logged
 * some since search let them go).
 */
export async function drawPopulation(db: Executor, mailboxId: string): Promise<string[]> {
  const { rows } = await db.execute<{ id: string }>(sql`
    with drawn as (
      update pending_matches set audit_drawn_at = now()
       where mailbox_id = ${mailboxId} and let_go_at is not null and audit_drawn_at is null
      returning gmail_message_id as id
    )
    select id from drawn d where ${unsettled(mailboxId)} order by id`);
  return rows.map((r) => r.id);
}

/** The let-go mail of this mailbox still owed a look by a widening, newest first, at most `limit`. */
export async function owedLook(
  db: Executor,
  mailboxId: string,
  limit: number,
  except: readonly string[],
): Promise<string[]> {
  const { rows } = await db.execute<{ id: string }>(sql`
    select d.gmail_message_id as id from pending_matches d
     where d.mailbox_id = ${mailboxId} and d.audit_widen_at is not null
       and d.audit_checked_at is null
       and d.gmail_message_id <> all(${sqlArray([...except], 'text')})
       and ${unsettled(mailboxId, 'd.gmail_message_id')}
     order by d.let_go_at desc, d.gmail_message_id limit ${limit}`);
  return rows.map((r) => r.id);
}

/** A miss widens the look: every let-go mail of the window not read yet is owed one. */
export async function oweLook(db: Executor, mailboxId: string): Promise<void> {
  await db.execute(sql`
    update pending_matches set audit_widen_at = now()
     where mailbox_id = ${mailboxId} and let_go_at is not null
       and audit_checked_at is null and audit_widen_at is null`);
}

/** How many let-go mails are still owed a look (the job comes back for them). */
export async function countOwed(db: Executor, mailboxId: string): Promise<number> {
  const { rows } = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from pending_matches d
     where d.mailbox_id = ${mailboxId} and d.audit_widen_at is not null
       and d.audit_checked_at is null and ${unsettled(mailboxId, 'd.gmail_message_id')}`);
  return rows[0]?.n ?? 0;
}

/** Read and judged as search judged them: let go rightly, not read again. */
export async function markChecked(db: Executor, mailboxId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`
    update pending_matches set audit_checked_at = now()
     where mailbox_id = ${mailboxId} and gmail_message_id = any(${sqlArray(ids, 'text')})`);
}

/** Logged now, or deleted from Gmail: nothing left to audit. */
export async function forgetLetGo(db: Executor, mailboxId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`
    delete from pending_matches
     where mailbox_id = ${mailboxId} and gmail_message_id = any(${sqlArray(ids, 'text')})`);
}

/** Which of these mails are logged in this mailbox. */
export async function loggedAmong(db: Executor, mailboxId: string, ids: string[]) {
  if (ids.length === 0) return new Set<string>();
  const { rows } = await db.execute<{ id: string }>(sql`
    select gmail_message_id as id from activities
     where mailbox_id = ${mailboxId} and gmail_message_id = any(${sqlArray(ids, 'text')})`);
  return new Set(rows.map((r) => r.id));
}

/** Mails the audits of this mailbox sampled in the last day (the daily minimum counts them). */
export async function sampledToday(db: Executor, mailboxId: string): Promise<number> {
  const { rows } = await db.execute<{ n: number }>(sql`
    select coalesce(sum(sampled), 0)::int as n from search_audits
     where mailbox_id = ${mailboxId} and checked_at > now() - interval '1 day'`);
  return rows[0]?.n ?? 0;
}

/** Not logged, deliberately skipped or dead-lettered: what an audit can still find missing. */
function unsettled(mailboxId: string, column = 'd.id') {
  const id = sql.raw(column);
  return sql`not exists (select 1 from activities a
                          where a.mailbox_id = ${mailboxId} and a.gmail_message_id = ${id})
         and not exists (select 1 from skipped_messages s
                          where s.mailbox_id = ${mailboxId} and s.gmail_message_id = ${id})
         and not exists (select 1 from dead_letters x
                          where x.mailbox_id = ${mailboxId} and x.gmail_message_id = ${id})`;
}

/** One run as it is kept, and what the CRM is told when it logged mail. */
export interface AuditRun {
  checkedAt: Date;
  population: number;
  sampled: number;
  missed: number;
  widened: number;
  widenedMissed: number;
  units: number;
}

/** Keeps the run and, when it logged mail, announces `mailbox.search_missed`: one statement. */
export async function saveAudit(
  db: Executor,
  mailbox: Pick<Mailbox, 'id' | 'orgId'>,
  run: AuditRun,
  announcement: Record<string, unknown> | null,
): Promise<void> {
  await db.execute(sql`
    with saved as (
      insert into search_audits
        (mailbox_id, checked_at, population, sampled, missed, widened, widened_missed, units)
      values (${mailbox.id}, ${run.checkedAt.toISOString()}, ${run.population}, ${run.sampled},
              ${run.missed}, ${run.widened}, ${run.widenedMissed}, ${run.units})
    )
    ${insertEventsSql(sql`
    select ${mailbox.orgId}, ${mailbox.id}, ${EVENT.mailboxSearchMissed}::text, ${JSON.stringify(announcement)}::jsonb
     where ${announcement !== null}::boolean`)}`);
  if (announcement !== null) await askEventDelivery(db);
}

/** `completeness.audit` in status: the last seven days' sample, and when the last run began. */
export interface AuditView {
  sampled: number;
  missed: number;
  /** missed / sampled over the window; null before anything was sampled. */
  miss_rate: number | null;
  checked_at: string;
}

export async function readAuditView(db: Executor, mailboxId: string): Promise<AuditView | null> {
  const { rows } = await db.execute<{ sampled: number; missed: number; checked_at: string | null }>(
    sql`
    select coalesce(sum(sampled) filter (where checked_at > now() - make_interval(days => ${AUDIT_VIEW_DAYS})), 0)::int as sampled,
           coalesce(sum(missed) filter (where checked_at > now() - make_interval(days => ${AUDIT_VIEW_DAYS})), 0)::int as missed,
           max(checked_at) as checked_at
      from search_audits where mailbox_id = ${mailboxId}`,
  );
  const r = rows[0];
  if (!r?.checked_at) return null;
  return {
    sampled: r.sampled,
    missed: r.missed,
    miss_rate: r.sampled > 0 ? Math.round((r.missed / r.sampled) * 10_000) / 10_000 : null,
    checked_at: new Date(r.checked_at).toISOString(),
  };
}
