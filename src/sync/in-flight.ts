// The in-flight marker, so that a message that kills the process (a parser's runaway, the memory it
// takes) is not retried by every job after it. Before a batch is fetched, parsed and stored, a row
// per message is marked in flight; the store clears the rows of what it stored in its own statement,
// and the batch clears the rest when it ends, failed or not. A row still marked when the next job
// comes was left by a process that died on it: that counts one crash. A message with a crash is a
// suspect, tried alone (so a second death blames it and no other), and only once it has rested
// (`timings.suspectRestMs`, a minute) since that death: deaths seconds apart are a crash loop from
// elsewhere (a deploy, the host, an operator's kill) whatever mail was in flight, and must not
// blame it. After CRASH_LIMIT crashes it is dead-lettered (`crashed_process`) and the mail after it
// goes on. The statements of the
// messages_in_flight table are all here.
//
// Only a job that holds the mailbox's sync lock marks (SyncContext.exclusive): no other attempt on
// the mailbox can then be alive, so a marked row found is surely a dead one's. The retroactive
// search runs beside the sync without that lock, and does not mark.
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';

/** A message whose attempts killed the process this often is dead-lettered. */
export const CRASH_LIMIT = 2;

export const CRASH_REASON = `crashed_process: ${CRASH_LIMIT} attempts died`;

type Executor = Pick<Db, 'execute'>;

/** A message's deaths so far, and whether it has rested `restMs` since the last one. */
export interface Crashes {
  crashes: number;
  rested: boolean;
}

/**
 * Each id's crashes so far (ids with none are left out): a row still marked in flight is a dead
 * attempt's, counted now and put at rest (its `updated_at` is when the death was found). One
 * statement.
 */
export async function countCrashes(
  db: Executor,
  mailboxId: string,
  ids: string[],
  restMs: number,
): Promise<Map<string, Crashes>> {
  if (ids.length === 0) return new Map();
  const list = sqlArray(ids, 'text');
  const { rows } = await db.execute<{ id: string; crashes: number; rested: boolean }>(sql`
    with died as (
      update messages_in_flight
         set crashes = crashes + 1, started_at = null, updated_at = now()
       where mailbox_id = ${mailboxId} and gmail_message_id = any(${list}) and started_at is not null
      returning gmail_message_id as id, crashes, false as rested
    )
    select id, crashes, rested from died
    union all
    select gmail_message_id, crashes,
           updated_at <= now() - ${restMs}::int * interval '1 millisecond' as rested
      from messages_in_flight
     where mailbox_id = ${mailboxId} and gmail_message_id = any(${list})
       and started_at is null and crashes > 0`);
  return new Map(rows.map((r) => [r.id, { crashes: r.crashes, rested: r.rested }]));
}

/** These messages' attempt begins: marked in flight (a suspect keeps its count). */
export async function markInFlight(db: Executor, mailboxId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`
    insert into messages_in_flight (mailbox_id, gmail_message_id, started_at)
    select ${mailboxId}, unnest(${sqlArray(ids, 'text')}), now()
    on conflict (mailbox_id, gmail_message_id)
    do update set started_at = now(), updated_at = now()`);
}

/** Their attempt ended, whatever its outcome short of death: the rows go. */
export async function clearInFlight(db: Executor, mailboxId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`
    delete from messages_in_flight
     where mailbox_id = ${mailboxId} and gmail_message_id = any(${sqlArray(ids, 'text')})`);
}
