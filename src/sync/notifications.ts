// A Gmail notification ({emailAddress, historyId}) from a push or a pull: routed to its mailbox and
// turned into a coalesced sync job in one transaction. The sync always starts from the stored
// cursor, never from the notification, so a stale, duplicated or reordered one is harmless.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import { deadLetters } from '../db/schema.ts';
import { enqueueSync } from './sync-jobs.ts';

/** Gmail's push data; historyId is documented as a string, some senders use a number. */
export const gmailNotification = z.object({
  emailAddress: z.string().min(3).max(320),
  historyId: z.union([z.string().regex(/^\d{1,20}$/), z.number().int().nonnegative()]),
});

export type NotificationOutcome = 'queued' | 'up_to_date' | 'unknown_mailbox' | 'inactive_mailbox';

export async function recordNotification(
  db: Db,
  notification: z.infer<typeof gmailNotification>,
): Promise<NotificationOutcome> {
  const email = notification.emailAddress.toLowerCase();
  const historyId = Number(notification.historyId);
  return db.transaction(async (tx) => {
    // One statement finds the mailbox and stamps the push; the row lock orders concurrent pushes.
    const found = await tx.execute<{ id: string; status: string; history_id: string | null }>(sql`
      update mailboxes set last_push_at = now()
       where email = ${email} and status <> 'disconnected'
       returning id, status, history_id`);
    const mailbox = found.rows[0];
    if (!mailbox) {
      await tx.insert(deadLetters).values({
        source: 'pubsub',
        reason: 'unknown_mailbox',
        payload: { emailAddress: email, historyId: String(notification.historyId) },
      });
      return 'unknown_mailbox';
    }
    if (mailbox.status === 'revoked') return 'inactive_mailbox';
    if (mailbox.history_id !== null && historyId <= Number(mailbox.history_id)) return 'up_to_date';
    await enqueueSync(tx, mailbox.id);
    return 'queued';
  });
}

/** A push whose body we cannot read is kept for inspection and acknowledged, so it is not retried forever. */
export async function deadLetterPush(db: Db, reason: string, payload: unknown): Promise<void> {
  await db.insert(deadLetters).values({ source: 'pubsub', reason, payload: payload ?? null });
}
