// A thread's activities (GET /threads/{thread_id}), oldest first, with their links: the org's
// mail in that Gmail thread, from every mailbox that logged some of it. No bodies: GET
// /activities/{id} has them (a thread of 500 large mails would be a 100 MB answer).
import { readOrgSettings } from '../activity-store/org-settings.ts';
import { capShown } from '../activity-store/visibility-cap.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { seenBy, type Viewer } from './activity-audience.ts';
import { type ActivityRow, activityColumns, listItemView } from './activity-view.ts';

/** A longer thread is a mailing list, not a conversation; its first 500 mails are shown. */
const MAX_THREAD_ITEMS = 500;

export async function listThread(db: Db, viewer: Viewer, threadId: string) {
  const { max_visibility } = await readOrgSettings(db, viewer.orgId);
  const { rows } = await db.execute<ActivityRow>(sql`
    select ${activityColumns('none')} from activities a
     where a.org_id = ${viewer.orgId} and a.thread_id = ${threadId} and ${seenBy(viewer)}
     order by a.created_at, a.id
     limit ${MAX_THREAD_ITEMS}`);
  return { thread_id: threadId, items: rows.map((r) => listItemView(capShown(r, max_visibility))) };
}
