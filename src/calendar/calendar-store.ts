// Reads and small writes of calendar_syncs: a mailbox's calendar, its channel and its errors.
import type { Db } from '../db/database.ts';
import { eq, sql } from '../db/orm.ts';
import { calendarSyncs } from '../db/schema.ts';
import type { Executor } from '../queue/enqueue.ts';

export type CalendarSync = typeof calendarSyncs.$inferSelect;

/** The mailbox's calendar row, made on first use. */
export async function ensureCalendarSync(
  db: Db,
  mailbox: { id: string; orgId: string },
): Promise<CalendarSync> {
  await db
    .insert(calendarSyncs)
    .values({ mailboxId: mailbox.id, orgId: mailbox.orgId })
    .onConflictDoNothing();
  const [row] = await db
    .select()
    .from(calendarSyncs)
    .where(eq(calendarSyncs.mailboxId, mailbox.id));
  if (!row) throw new Error('calendar row vanished');
  return row;
}

export async function readCalendarSync(
  db: Db,
  mailboxId: string,
): Promise<CalendarSync | undefined> {
  const [row] = await db.select().from(calendarSyncs).where(eq(calendarSyncs.mailboxId, mailboxId));
  return row;
}

export interface ChannelRecord {
  id: string;
  resourceId: string;
  tokenHash: string;
  expiresAt: Date;
}

export async function recordChannel(
  db: Db,
  mailboxId: string,
  channel: ChannelRecord | null,
): Promise<void> {
  await db
    .update(calendarSyncs)
    .set({
      channelId: channel?.id ?? null,
      channelResourceId: channel?.resourceId ?? null,
      channelTokenHash: channel?.tokenHash ?? null,
      channelExpiresAt: channel?.expiresAt ?? null,
      updatedAt: sql`now()`,
    })
    .where(eq(calendarSyncs.mailboxId, mailboxId));
}

/** What status shows until the next sync that succeeds clears it. */
export async function recordCalendarError(
  db: Db,
  mailboxId: string,
  reason: string | null,
): Promise<void> {
  await db
    .update(calendarSyncs)
    .set({ lastError: reason?.slice(0, 300) ?? null, updatedAt: sql`now()` })
    .where(eq(calendarSyncs.mailboxId, mailboxId));
}

/**
 * Where the calendar's sync stands, in the transaction that stores what it covers: a new sync
 * token (only with the last page it came on), how far ahead occurrences were read.
 */
export async function recordPosition(
  tx: Executor,
  mailboxId: string,
  position: { syncToken?: string; full?: boolean; horizonAt?: Date },
): Promise<void> {
  await tx.execute(sql`
    update calendar_syncs
       set ${position.syncToken !== undefined ? sql`sync_token = ${position.syncToken},` : sql``}
           ${position.full ? sql`last_full_sync_at = now(),` : sql``}
           ${position.horizonAt ? sql`horizon_at = ${position.horizonAt.toISOString()}::timestamptz,` : sql``}
           last_sync_at = now(), last_error = null, updated_at = now()
     where mailbox_id = ${mailboxId}`);
}

/** A token Google no longer honours is dropped: the next sync lists the window in full. */
export async function forgetSyncToken(db: Db, mailboxId: string): Promise<void> {
  await db
    .update(calendarSyncs)
    .set({ syncToken: null, updatedAt: sql`now()` })
    .where(eq(calendarSyncs.mailboxId, mailboxId));
}

/** A checked notification's time, in the transaction that queues the sync it calls for. */
export async function recordNotification(tx: Executor, mailboxId: string): Promise<void> {
  await tx.execute(sql`
      update calendar_syncs set last_notification_at = now() where mailbox_id = ${mailboxId}`);
}
