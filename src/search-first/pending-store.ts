// The writes of `pending_matches`, search-first's own table: new mail in no logged thread waiting
// for Gmail's search (ids and thread ids only), let go when a settled search did not find it, and
// forgotten once logged or followed. The audit's marks on the let-go rows are the audit's
// (search-audit/audit-store.ts); the retention sweeps the old ones (db/retention.ts).
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';

type Executor = Pick<Db, 'execute'>;

/** The mail left for a later search, each with the time its own look is due (`looks`, ms). */
export async function recordPending(
  db: Executor,
  mailboxId: string,
  later: { id: string; threadId: string }[],
  looks: number[],
): Promise<void> {
  await db.execute(sql`
    insert into pending_matches (mailbox_id, gmail_message_id, thread_id, look_at)
    select ${mailboxId}, id, thread_id, to_timestamp(look_ms / 1000.0)
      from unnest(${sqlArray(
        later.map((c) => c.id),
        'text',
      )},
                  ${sqlArray(
                    later.map((c) => c.threadId),
                    'text',
                  )},
                  ${sqlArray(looks, 'float8')}) as t(id, thread_id, look_ms)
    on conflict do nothing`);
}

/** No longer searched for; kept three days for its thread (db/retention.ts sweeps it). */
export async function letGoPending(db: Executor, mailboxId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`
    update pending_matches set let_go_at = now()
     where mailbox_id = ${mailboxId} and gmail_message_id = any(${sqlArray(ids, 'text')})`);
}

/** Logged, or followed with its thread: nothing left to wait for. */
export async function forgetPending(db: Executor, mailboxId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`
    delete from pending_matches
     where mailbox_id = ${mailboxId} and gmail_message_id = any(${sqlArray(ids, 'text')})`);
}

/** The mailbox's whole pending mail dropped: it is gone, revoked or disconnected. */
export async function forgetMailboxPending(db: Executor, mailboxId: string): Promise<void> {
  await db.execute(sql`delete from pending_matches where mailbox_id = ${mailboxId}`);
}
