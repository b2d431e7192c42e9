// An entity's timeline: activities reached through activity_links (every entity a mail belongs
// to), newest first, with an opaque keyset cursor (created_at, id) that stays stable under inserts.
// Grouped by thread (`group=thread`), an item is the thread's newest activity on the timeline with
// `count`, the thread's activities on it; threads are ordered and paged by that newest activity.

import { readOrgSettings } from '../activity-store/org-settings.ts';
import { capShown } from '../activity-store/visibility-cap.ts';
import { AppError } from '../app-error.ts';
import type { EntityType } from '../crm/link-entities.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { seenBy, type Viewer } from './activity-audience.ts';
import { type ActivityRow, activityColumns, listItemView } from './activity-view.ts';

export interface ListQuery {
  entity_type: EntityType;
  entity_id: string;
  limit: number;
  cursor?: string | undefined;
  group?: 'thread' | undefined;
  type?: 'email' | 'meeting' | undefined;
  /** `body`: each item's content carries `body` and `body_new` (capped at 256 KiB, as stored). */
  include?: 'body' | undefined;
}

type Cursor = { createdAt: string; id: string };

export async function listActivities(db: Db, viewer: Viewer, q: ListQuery) {
  const after = q.cursor ? decodeCursor(q.cursor) : undefined;
  const { max_visibility } = await readOrgSettings(db, viewer.orgId);
  const shown = <R extends ActivityRow>(rows: R[]) => rows.map((r) => capShown(r, max_visibility));
  if (q.group === 'thread') return page(shown(await listThreads(db, viewer, q, after)), q.limit);
  const { rows } = await db.execute<ActivityRow>(sql`
    select ${columnsFor(q)}
      from activity_links l
      join activities a on a.id = l.activity_id
     where l.org_id = ${viewer.orgId} and l.entity_type = ${q.entity_type} and l.entity_id = ${q.entity_id}
       and ${seenBy(viewer)}
       ${q.type ? sql`and a.type = ${q.type}` : sql``}
       ${after ? sql`and (l.activity_created_at, l.activity_id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : sql``}
     order by l.activity_created_at desc, l.activity_id desc
     limit ${q.limit + 1}`);
  return page(shown(rows), q.limit);
}

/**
 * The timeline's threads: each thread's newest linked activity (DISTINCT ON keeps the first row of
 * each thread; the window count is taken before it), then ordered and cut at the cursor. It reads
 * the entity's whole timeline, one index range; a CRM record's mail is thousands, not millions.
 */
async function listThreads(db: Db, viewer: Viewer, q: ListQuery, after: Cursor | undefined) {
  const { rows } = await db.execute<ActivityRow & { count: number }>(sql`
    with timeline as (
      select distinct on (a.thread_id) a.thread_id, l.activity_created_at, l.activity_id,
             count(*) over (partition by a.thread_id) as count
        from activity_links l
        join activities a on a.id = l.activity_id
       where l.org_id = ${viewer.orgId} and l.entity_type = ${q.entity_type} and l.entity_id = ${q.entity_id}
         and ${seenBy(viewer)}
         ${q.type ? sql`and a.type = ${q.type}` : sql``}
       order by a.thread_id, l.activity_created_at desc, l.activity_id desc
    )
    select ${columnsFor(q)}, t.count::int as count
      from timeline t
      join activities a on a.id = t.activity_id
     ${after ? sql`where (t.activity_created_at, t.activity_id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : sql``}
     order by t.activity_created_at desc, t.activity_id desc
     limit ${q.limit + 1}`);
  return rows;
}

const columnsFor = (q: ListQuery) => activityColumns(q.include === 'body' ? 'text' : 'none');

/** A page of `limit` items and the cursor after its last, when there is more. */
function page<R extends ActivityRow & { count?: number }>(rows: R[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map((r) =>
      r.count === undefined ? listItemView(r) : { ...listItemView(r), count: r.count },
    ),
    next_cursor:
      rows.length > limit && last ? encodeCursor(new Date(last.created_at), last.id) : null,
  };
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

/** What encodeCursor writes: an ISO instant as toISOString prints it (years 1000–9999) and a UUID. */
const CURSOR_INSTANT = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CURSOR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Only a cursor this API could have written gets through: anything else (tampered, truncated,
 * a date PostgreSQL refuses) is the caller's mistake, a 400, never a failed query.
 */
function decodeCursor(cursor: string): Cursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (Array.isArray(decoded) && decoded.length === 2) {
    const [createdAt, id] = decoded as unknown[];
    if (
      typeof createdAt === 'string' &&
      typeof id === 'string' &&
      CURSOR_INSTANT.test(createdAt) &&
      CURSOR_ID.test(id) &&
      !Number.isNaN(Date.parse(createdAt)) &&
      new Date(createdAt).toISOString() === createdAt
    ) {
      return { createdAt, id };
    }
  }
  throw new AppError('invalid_cursor', 'cursor: not a cursor this API returned');
}
