// An entity's timeline: activities reached through activity_links (every entity a mail belongs
// to), newest first, with an opaque keyset cursor (created_at, id) that stays stable under inserts.

import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import type { EntityType } from '../sync/link-entities.ts';

export interface ListQuery {
  entity_type: EntityType;
  entity_id: string;
  limit: number;
  cursor?: string | undefined;
}

type Row = {
  id: string;
  type: string;
  entity_type: string;
  entity_id: string;
  title: string;
  description: string;
  email_subject: string;
  email_direction: string;
  content: unknown;
  created_at: Date;
  created_by: string;
  created_by_name: string;
  links: { entity_type: string; entity_id: string }[];
};

export async function listActivities(db: Db, orgId: string, q: ListQuery) {
  const after = q.cursor ? decodeCursor(q.cursor) : undefined;
  const { rows } = await db.execute<Row>(sql`
    select a.id, a.type, a.entity_type, a.entity_id, a.title, a.description, a.email_subject,
           a.email_direction, a.content, a.created_at, a.created_by, a.created_by_name,
           (select coalesce(json_agg(json_build_object('entity_type', l2.entity_type, 'entity_id', l2.entity_id)), '[]')
              from activity_links l2 where l2.activity_id = a.id) as links
      from activity_links l
      join activities a on a.id = l.activity_id
     where l.org_id = ${orgId} and l.entity_type = ${q.entity_type} and l.entity_id = ${q.entity_id}
       ${after ? sql`and (l.activity_created_at, l.activity_id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : sql``}
     order by l.activity_created_at desc, l.activity_id desc
     limit ${q.limit + 1}`);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString() })),
    next_cursor:
      rows.length > q.limit && last ? encodeCursor(new Date(last.created_at), last.id) : null,
  };
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const [createdAt, id] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as unknown[];
    if (
      typeof createdAt === 'string' &&
      typeof id === 'string' &&
      !Number.isNaN(Date.parse(createdAt))
    ) {
      if (/^[0-9a-f-]{36}$/i.test(id)) return { createdAt, id };
    }
  } catch {
    // Reported below.
  }
  throw new AppError('invalid_cursor', 'cursor: not a cursor this API returned');
}
