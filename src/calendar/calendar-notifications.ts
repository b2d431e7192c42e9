// A Calendar push notification (https://developers.google.com/workspace/calendar/api/guides/push#receiving-notifications):
// headers only. It is checked against the channel we opened (its token, compared in constant time
// with the sha256 we kept, and its resource id) and, when it says the events changed, turned into a
// coalesced sync of the mailbox's calendar, committed before it is answered. The sync reads the
// changes from the stored sync token, never from the notification, so a lost, repeated or
// reordered one is harmless.
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { enqueueCalendarSync } from '../queue/calendar-jobs.ts';
import { channelTokenMatches } from './calendar-channel.ts';
import { recordNotification } from './calendar-store.ts';

export interface CalendarNotification {
  channelId: string;
  token: string | undefined;
  resourceId: string;
  /** `sync`: the channel just opened, nothing changed; `exists`/`not_exists`: the events changed. */
  state: 'sync' | 'exists' | 'not_exists';
}

/**
 * `unknown_channel`: no calendar has this channel (one we replaced, or stopped): acknowledged and
 * ignored, since Google gives a receiver no way to end a channel (a non-2xx only counts as a failed
 * message) and it ends by itself at its expiration, a week at most. `refused`: the channel is ours
 * but the token or resource is not: nothing is written.
 */
export type CalendarNotificationOutcome = 'queued' | 'opened' | 'unknown_channel' | 'refused';

export async function recordCalendarNotification(
  db: Db,
  n: CalendarNotification,
): Promise<CalendarNotificationOutcome> {
  const { rows } = await db.execute<{
    mailbox_id: string;
    hash: string | null;
    resource_id: string | null;
  }>(sql`
    select mailbox_id, channel_token_hash as hash, channel_resource_id as resource_id
      from calendar_syncs where channel_id = ${n.channelId}`);
  const row = rows[0];
  if (!row) return 'unknown_channel';
  // Both checked whatever the first says, so the answer's timing tells nothing about which failed.
  const tokenOk = channelTokenMatches(n.token ?? '', row.hash);
  const resourceOk = row.resource_id === n.resourceId;
  if (!tokenOk || !resourceOk) return 'refused';
  await db.transaction(async (tx) => {
    await recordNotification(tx, row.mailbox_id);
    if (n.state !== 'sync') await enqueueCalendarSync(tx, row.mailbox_id, 'incremental');
  });
  return n.state === 'sync' ? 'opened' : 'queued';
}
