// Messages the sync gives up on: a row each in dead_letters (mailbox, Gmail id, reason), so the
// next sync skips them (idsToSkip) and an operator sees them (the metric, `/admin`), and the
// failures counted on the way (message_failures). The reason never carries mail content. The
// statements that write a mail's dead letter or its failures are all here, and an erasure's removal
// of any (a push's dead letters are otherwise the push endpoint's: ingest/notifications.ts).
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';

export interface DeadLetter {
  gmailMessageId: string;
  /** What failed, without content: `store_failed: SQLSTATE 22008`, `parse_failed: TypeError`. */
  reason: string;
}

/** The reason's first word, a bounded set fit for a metric label. */
export const reasonKind = (reason: string) => reason.split(':')[0] ?? reason;

export async function deadLetterMessages(
  db: Pick<Db, 'execute'>,
  mailbox: { id: string; orgId: string },
  letters: DeadLetter[],
): Promise<void> {
  if (letters.length === 0) return;
  const rows = JSON.stringify(letters.map((l) => ({ id: l.gmailMessageId, reason: l.reason })));
  await db.execute(sql`
    insert into dead_letters (org_id, mailbox_id, source, reason, gmail_message_id)
    select ${mailbox.orgId}, ${mailbox.id}::uuid, 'message', r.reason, r.id
      from jsonb_to_recordset(${rows}::jsonb) as r(id text, reason text)
    on conflict (mailbox_id, gmail_message_id) where gmail_message_id is not null
    do update set reason = excluded.reason, attempts = dead_letters.attempts + 1, updated_at = now()`);
}

/**
 * One more failure of a message (its fetch, never for rate); at `limit` it is dead-lettered with
 * the count, in the same transaction. True when this failure dead-lettered it.
 */
export async function countMessageFailure(
  db: Pick<Db, 'transaction'>,
  mailbox: { id: string; orgId: string },
  failure: DeadLetter,
  limit: number,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.execute<{ attempts: number }>(sql`
      insert into message_failures (mailbox_id, gmail_message_id, last_error)
      values (${mailbox.id}, ${failure.gmailMessageId}, ${failure.reason})
      on conflict (mailbox_id, gmail_message_id)
      do update set attempts = message_failures.attempts + 1, last_error = excluded.last_error, updated_at = now()
      returning attempts`);
    const attempts = rows[0]?.attempts ?? 1;
    if (attempts < limit) return false;
    await tx.execute(sql`
      insert into dead_letters (org_id, mailbox_id, source, reason, gmail_message_id, attempts)
      values (${mailbox.orgId}, ${mailbox.id}, 'message', ${failure.reason}, ${failure.gmailMessageId}, ${attempts})
      on conflict (mailbox_id, gmail_message_id) where gmail_message_id is not null
      do update set attempts = excluded.attempts, reason = excluded.reason, updated_at = now()`);
    return true;
  });
}

/**
 * An erasure's dead letters (org/erasure-rows.ts), a push's as well as a mail's: those naming the
 * address (`like`, an ILIKE pattern) and those of its mails (`erased_activities`). How many went.
 */
export async function removeErasedDeadLetters(
  tx: Pick<Db, 'execute'>,
  orgId: string,
  like: string,
): Promise<number> {
  const { rows } = await tx.execute<{ n: number }>(sql`
    with gone as (
      delete from dead_letters d
       where d.org_id = ${orgId}
         and (d.payload::text ilike ${like} or d.reason ilike ${like}
              or (d.mailbox_id, d.gmail_message_id) in
                 (select mailbox_id, gmail_message_id from erased_activities))
      returning 1)
    select count(*)::int as n from gone`);
  return rows[0]?.n ?? 0;
}
