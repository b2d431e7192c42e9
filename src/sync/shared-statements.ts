// Statements that many concurrent syncs make alike, gathered (by DataLoader) into one round trip
// per turn of the event loop (setImmediate: everything the callbacks of one I/O phase ask for): reading a mailbox row, and moving a cursor when a sync found nothing
// to store. A poll sweep runs thousands of such syncs back to back, and on a busy worker a round
// trip costs more than the statement. Nothing is cached: each call reads or writes afresh.
import DataLoader from 'dataloader';
import type { Db } from '../db/database.ts';
import { inArray } from '../db/orm.ts';
import { mailboxes } from '../db/schema.ts';
import { advanceCursor } from '../mailbox/mailbox-cursor.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';

export interface SharedStatements {
  readMailbox(id: string): Promise<Mailbox | undefined>;
  /** The cursor forward (never back) and last_sync_at now: advanceCursor, batched. */
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
      await advanceCursor(
        db,
        moves.map(({ id, historyId }) => ({ mailboxId: id, historyId })),
      );
      return moves.map(() => undefined);
    },
    { cache: false, maxBatchSize: MAX_BATCH, batchScheduleFn: (run) => setImmediate(run) },
  );

  return {
    readMailbox: (id) => reads.load(id),
    moveCursor: (id, historyId) => cursors.load({ id, historyId }),
  };
}
