// A Gmail notification ({emailAddress, historyId}) from a push or a pull: routed to its mailbox and
// turned into a coalesced sync job in one transaction. The sync always starts from the stored
// cursor, never from the notification, so a stale, duplicated or reordered one is harmless.

import { z } from 'zod';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { deadLetters } from '../db/schema.ts';
import { SYNC_TASK } from './sync-jobs.ts';

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
  // One statement, so one round trip and one implicit transaction: stamp the push on the mailbox
  // and, when the notification is news and the mailbox is live, add the coalesced sync job.
  const { rows } = await db.execute<{ status: string; queued: boolean }>(sql`
    with m as (
      update mailboxes set last_push_at = now()
       where email = ${email} and status <> 'disconnected'
       returning id, status, history_id
    )
    select m.status,
           (case when m.status <> 'revoked' and (m.history_id is null or m.history_id < ${historyId})
                  -- A sync still waiting will read this change anyway: no write to its job row.
                  and not exists (select 1 from graphile_worker.jobs j
                                   where j.key = 'sync:' || m.id and j.locked_at is null and j.run_at <= now())
                 then (select true from graphile_worker.add_job(
                         identifier => ${SYNC_TASK}, payload => json_build_object('mailbox_id', m.id),
                         queue_name => 'mailbox:' || m.id, max_attempts => 10, job_key => 'sync:' || m.id))
                 when m.status <> 'revoked' and (m.history_id is null or m.history_id < ${historyId})
                 then true
                 else false end) as queued
      from m`);
  const row = rows[0];
  if (!row) {
    await db.insert(deadLetters).values({
      source: 'pubsub',
      reason: 'unknown_mailbox',
      payload: { emailAddress: email, historyId: String(notification.historyId) },
    });
    return 'unknown_mailbox';
  }
  if (row.status === 'revoked') return 'inactive_mailbox';
  return row.queued ? 'queued' : 'up_to_date';
}

/** A push whose body we cannot read is kept for inspection and acknowledged, so it is not retried forever. */
export async function deadLetterPush(db: Db, reason: string, payload: unknown): Promise<void> {
  await db.insert(deadLetters).values({ source: 'pubsub', reason, payload: payload ?? null });
}
