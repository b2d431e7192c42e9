// The mailbox's history cursor (`history_id`: every mail up to it is stored) and what pushes and
// the poll's checks know of Gmail's id beside it. One statement moves the cursor, for one mailbox
// or a batch, alone or inside the statement that stores what it covers: it moves forward only
// (`greatest`), except by an explicit reset, when a connection starts it where the watch starts or
// when Gmail no longer has the history since it (a 404) and a full sync starts it afresh.
import type { SQL } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';

type Executor = Pick<Db, 'execute'>;

export interface CursorMove {
  mailboxId: string;
  /** Null: nothing to move past, the sync is still stamped. */
  historyId: number | null;
}

export interface CursorOptions {
  /** A full sync: `last_full_sync_at` too. */
  full?: boolean;
  /**
   * Set, even backwards. `connected`: where the first watch starts (no sync stamped: nothing was
   * synced yet); `history_gone`: Gmail answered 404 from the cursor, the full sync's id replaces it.
   */
  reset?: 'connected' | 'history_gone';
}

/** Moves the cursor of each mailbox named (the furthest of its moves); see advanceCursorSql. */
export async function advanceCursor(
  db: Executor,
  moves: CursorMove | CursorMove[],
  opts: CursorOptions = {},
): Promise<void> {
  const list = Array.isArray(moves) ? moves : [moves];
  if (list.length > 0) await db.execute(advanceCursorSql(list, opts));
}

/**
 * The one statement that moves cursors, usable as a CTE of a larger statement (the batch that
 * stores the activities it covers, activity-store/store-activities.ts). Rows are locked in id
 * order, as every batched write of mailboxes is, so two such statements cannot deadlock.
 */
export function advanceCursorSql(moves: CursorMove[], opts: CursorOptions = {}): SQL {
  const furthest = new Map<string, number | null>();
  for (const { mailboxId, historyId } of moves) {
    const seen = furthest.get(mailboxId);
    furthest.set(mailboxId, seen == null ? historyId : Math.max(seen, historyId ?? seen));
  }
  const ids = [...furthest.keys()].sort();
  const historyIds = ids.map((id) => furthest.get(id) ?? null);
  const next = opts.reset ? sql`v.history_id` : sql`greatest(m.history_id, v.history_id)`;
  const synced = opts.reset === 'connected' ? sql`` : sql`last_sync_at = now(),`;
  const full = opts.full ? sql`last_full_sync_at = now(),` : sql``;
  return sql`
    update mailboxes m
       set history_id = ${next}, ${synced} ${full} updated_at = now()
      from (select l.id, v.history_id
              from unnest(${sqlArray(ids, 'uuid')}, ${sqlArray(historyIds, 'bigint')})
                     as v(id, history_id)
              join mailboxes l on l.id = v.id
             order by l.id for update of l) v
     where m.id = v.id`;
}

/**
 * The pushes' stamp, a CTE of ingest/notifications.ts's grouped statement after its
 * `locked(id, history_id)`: the last push, and the highest id a push announced, which a poll check
 * that finds Gmail ahead of the cursor asks whether a push came for the change
 * (ingest/check-mailbox.ts). Not for a revoked mailbox, whose push queues no sync. Static text, so
 * that statement stays one prepared plan.
 */
export const STAMP_PUSHES_SQL = `
      update mailboxes m
         set previous_push_at = m.last_push_at,
             last_push_at = now(),
             announced_history_id = case when m.status <> 'revoked'
                                         then greatest(m.announced_history_id, locked.history_id)
                                         else m.announced_history_id end
        from locked where m.id = locked.id
      returning m.id, m.email, m.status, m.history_id`;

/**
 * A poll's check recorded: when, whether it found a change no push announced, and (`quietId`) a
 * Gmail id up to which a listing found nothing past the cursor: ids up to it need no sync.
 */
export async function recordCheck(
  db: Executor,
  mailboxId: string,
  found: { missedPush: boolean; quietId?: number },
): Promise<void> {
  await db.execute(sql`
    update mailboxes
       set checked_at = now(),
           missed_push_at = case when ${found.missedPush}::boolean then now() else missed_push_at end,
           quiet_history_id = greatest(quiet_history_id, ${found.quietId ?? null}::bigint)
     where id = ${mailboxId}`);
}
