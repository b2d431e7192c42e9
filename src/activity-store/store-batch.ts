// Storing a batch so that no message can block its mailbox. The batch is one statement (see
// store-activities.ts); when PostgreSQL refuses it for its data, the message(s) at fault are
// found by bisection (each half stored in one statement, a failing half split again), the rest
// is stored, each message that fails alone is dead-lettered, and the cursor moves past them all.
// A failure that is not the data's (the database unreachable, a bug in a query) is thrown: the
// job fails and is retried, and nothing is dead-lettered.
import type { Db } from '../db/database.ts';
import { advanceCursor } from '../mailbox/mailbox-cursor.ts';
import type { ActivityDraft } from './activity-row.ts';
import { type DeadLetter, deadLetterMessages } from './dead-letter-messages.ts';
import { insertActivities, type StoredActivity } from './store-activities.ts';
import { dataFailureReason } from './store-failure.ts';

export interface StoredBatch {
  stored: StoredActivity[];
  deadLettered: DeadLetter[];
}

export async function storeBatch(
  db: Db,
  mailbox: { id: string; orgId: string },
  drafts: ActivityDraft[],
  cursor?: { mailboxId: string; historyId: number },
): Promise<StoredBatch> {
  let reason: string | null;
  try {
    return { stored: await insertActivities(db, drafts, cursor), deadLettered: [] };
  } catch (error) {
    reason = dataFailureReason(error);
    // Without drafts only the cursor was written: no message to blame.
    if (reason === null || drafts.length === 0) throw error;
  }
  const result: StoredBatch = { stored: [], deadLettered: [] };
  await bisect(db, drafts, result, reason);
  // Dead letters with the cursor, in one transaction: once the cursor is past a message, that
  // message is either stored or dead-lettered, never silently dropped.
  await db.transaction(async (tx) => {
    await deadLetterMessages(tx, mailbox, result.deadLettered);
    if (cursor) await advanceCursor(tx, cursor);
  });
  return result;
}

/** Stores what it can of `drafts`; `failed` is the reason when this very set is known to fail. */
async function bisect(
  db: Db,
  drafts: ActivityDraft[],
  result: StoredBatch,
  failed?: string,
): Promise<void> {
  let reason = failed;
  if (reason === undefined) {
    try {
      result.stored.push(...(await insertActivities(db, drafts)));
      return;
    } catch (error) {
      const dataReason = dataFailureReason(error);
      if (dataReason === null) throw error;
      reason = dataReason;
    }
  }
  const [only] = drafts;
  if (drafts.length === 1 && only) {
    result.deadLettered.push({ gmailMessageId: only.gmailMessageId, reason });
    return;
  }
  const middle = Math.ceil(drafts.length / 2);
  await bisect(db, drafts.slice(0, middle), result);
  await bisect(db, drafts.slice(middle), result);
}
