// A thread's activities (GET /threads/{thread_id}), oldest first, with their links: the org's
// mail in that Gmail thread, from every mailbox that logged some of it. No bodies: GET
// /activities/{id} has them (a thread of 500 large mails would be a 100 MB answer).
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { type ActivityRow, activityColumns, listItemView } from './activity-view.ts';

/** A longer thread is a mailing list, not a conversation; its first 500 mails are shown. */
const MAX_THREAD_ITEMS = 500;

export async function listThread(db: Db, orgId: string, threadId: string) {
  const { rows } = await db.execute<ActivityRow>(sql`
    select ${activityColumns('none')} from activities a
     where a.org_id = ${orgId} and a.thread_id = ${threadId}
     order by a.created_at, a.id
     limit ${MAX_THREAD_ITEMS}`);
  return { thread_id: threadId, items: rows.map(listItemView) };
}
