// Mail trashed or deleted in Gmail, for a mailbox whose setting is `on_gmail_delete: remove`: its
// activity and links go, and the CRM is told (`activity.removed`). No tombstone is written (that
// is the owner's "never again", DELETE /activities/{id}): mail taken out of the trash is listed by
// a labelsRemoved TRASH record, fetched and logged again like mail rescued from spam
// (https://developers.google.com/gmail/api/guides/sync, history-candidates.ts).

import { removeActivitiesSql } from '../activity-store/activity-writes.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { EVENT } from '../events/event-types.ts';
import { askEventDelivery, insertEventsSql } from '../events/record-events.ts';

/** Removes this mailbox's activities of these Gmail ids, in one statement; returns how many. */
export async function removeGmailDeleted(
  db: Pick<Db, 'execute'>,
  mailbox: { id: string; orgId: string },
  gmailIds: string[],
): Promise<number> {
  if (gmailIds.length === 0) return 0;
  const list = sqlArray(gmailIds, 'text');
  const { rows } = await db.execute<{ n: number }>(sql`
    with removed as (
      ${removeActivitiesSql(
        sql`org_id = ${mailbox.orgId} and mailbox_id = ${mailbox.id}
         and gmail_message_id = any(${list})`,
      )}
    ),
    announced as (
      ${insertEventsSql(sql`
      select org_id, mailbox_id, ${EVENT.activityRemoved}::text,
             jsonb_build_object('activity_id', id, 'mailbox_id', mailbox_id,
                                'gmail_message_id', gmail_message_id, 'reason', 'gmail_deleted')
        from removed`)}
    )
    select count(*)::int as n from removed`);
  const n = rows[0]?.n ?? 0;
  if (n > 0) await askEventDelivery(db);
  return n;
}
