// A thread's activities (GET /threads/{thread_id}), oldest first, with their links: the org's
// mail in that Gmail thread, from every mailbox that logged some of it.
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { ACTIVITY_COLUMNS, type ActivityRow, listItemView } from './activity-view.ts';

/** A longer thread is a mailing list, not a conversation; its first 500 mails are shown. */
const MAX_THREAD_ITEMS = 500;

export async function listThread(db: Db, orgId: string, threadId: string) {
  const { rows } = await db.execute<ActivityRow>(sql`
    select ${ACTIVITY_COLUMNS} from activities a
     where a.org_id = ${orgId} and a.thread_id = ${threadId}
     order by a.created_at, a.id
     limit ${MAX_THREAD_ITEMS}`);
  return { thread_id: threadId, items: rows.map(listItemView) };
}
