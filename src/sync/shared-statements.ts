// Statements that many concurrent syncs make alike, gathered (by DataLoader) into one round trip
// per turn of the event loop (setImmediate: everything the callbacks of one I/O phase ask for): reading a mailbox row, and moving a cursor when a sync found nothing
// to store. A poll sweep runs thousands of such syncs back to back, and on a busy worker a round
// trip costs more than the statement. Nothing is cached: each call reads or writes afresh.
import DataLoader from 'dataloader';
import type { Db } from '../db/database.ts';
import { inArray, sql } from '../db/orm.ts';
import { mailboxes } from '../db/schema.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';

export interface SharedStatements {
  readMailbox(id: string): Promise<Mailbox | undefined>;
  /** The cursor forward (never back) and last_sync_at now, as advanceCursor does, batched. */
  moveCursor(mailboxId: string, historyId: number): Promise<void>;
}

const MAX_BATCH = 500;

export function makeSharedStatements(db: Db): SharedStatements {
  const reads = new DataLoader<string, Mailbox | undefined>(
    async (ids) => {
      const rows = await db
        .select()
        .from(mailboxes)
        .where(inArray(mailboxes.id, [...ids]));
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id));
    },
    { cache: false, maxBatchSize: MAX_BATCH, batchScheduleFn: (run) => setImmediate(run) },
  );

  const cursors = new DataLoader<{ id: string; historyId: number }, void>(
    async (moves) => {
      // One row per mailbox (the furthest cursor), locked in id order as every batched write of
      // mailboxes is, so that two such statements cannot deadlock.
      const furthest = new Map<string, number>();
      for (const { id, historyId } of moves)
        furthest.set(id, Math.max(historyId, furthest.get(id) ?? historyId));
      const ids = [...furthest.keys()].sort();
      await db.execute(sql`
        with moved as (
          select * from unnest(${sqlArray(ids, 'uuid')}, ${sqlArray(
            ids.map((id) => furthest.get(id) ?? null),
            'bigint',
          )})
            as v(id, history_id)
        ),
        locked as materialized (
          select m.id from mailboxes m join moved using (id) order by m.id for update of m
        )
        update mailboxes m
           set history_id = greatest(m.history_id, moved.history_id), last_sync_at = now(), updated_at = now()
          from moved join locked using (id)
         where m.id = moved.id`);
      return moves.map(() => undefined);
    },
    { cache: false, maxBatchSize: MAX_BATCH, batchScheduleFn: (run) => setImmediate(run) },
  );

  return {
    readMailbox: (id) => reads.load(id),
    moveCursor: (id, historyId) => cursors.load({ id, historyId }),
  };
}
