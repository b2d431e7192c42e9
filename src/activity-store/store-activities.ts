// Writing activities (mail, and meetings from src/calendar/): one statement stores a batch (activities, their links, an outbox event per
// new activity, their in-flight markers cleared) and, when asked, moves the mailbox cursor forward; a statement is atomic, so no
// transaction is needed around it, and it costs one round trip. The unique
// (mailbox_id, gmail_message_id) makes a replay after a crash, or the sync seeing a mail the CRM
// sent, add nothing.

import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { EVENT } from '../events/event-types.ts';
import { askEventDelivery, insertEventsSql } from '../events/record-events.ts';
import { advanceCursorSql } from '../mailbox/mailbox-cursor.ts';
import type { ActivityDraft } from './activity-row.ts';
import { insertLinksSql } from './activity-writes.ts';

export interface StoredActivity {
  id: string;
  gmailMessageId: string;
}

/**
 * Inserts the drafts that are new and returns only those (a conflict is a mail already logged);
 * with `cursor`, the same statement moves that mailbox's cursor forward (mailbox-cursor.ts).
 */
export async function insertActivities(
  db: Pick<Db, 'execute'>,
  drafts: ActivityDraft[],
  cursor?: { mailboxId: string; historyId: number },
): Promise<StoredActivity[]> {
  if (drafts.length === 0 && !cursor) return [];
  const input = drafts.map((d, ord) => ({
    ord,
    org_id: d.orgId,
    mailbox_id: d.mailboxId,
    gmail_message_id: d.gmailMessageId,
    type: d.type ?? 'email',
    thread_id: d.threadId,
    entity_type: d.entityType,
    entity_id: d.entityId,
    title: d.title,
    description: d.description,
    email_subject: d.emailSubject,
    email_direction: d.emailDirection,
    content: d.content,
    created_at: d.createdAt.toISOString(),
    created_by: d.createdBy,
    created_by_name: d.createdByName,
    links: d.links.map((l) => ({ entity_type: l.entityType, entity_id: l.entityId })),
    events: d.events ?? [],
  }));
  const { rows } = await db.execute<{ id: string; gmail_message_id: string }>(sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(input, toPgText)}::jsonb) as r(
        ord int, org_id text, mailbox_id uuid, gmail_message_id text, type text, thread_id text,
        entity_type text, entity_id uuid, title text, description text, email_subject text,
        email_direction text, content jsonb, created_at timestamptz, created_by text,
        created_by_name text, links jsonb, events jsonb)
    ),
    inserted as (
      insert into activities (org_id, mailbox_id, gmail_message_id, type, thread_id, entity_type,
                              entity_id, title, description, email_subject, email_direction,
                              content, created_at, created_by, created_by_name)
      select org_id, mailbox_id, gmail_message_id, type, thread_id, entity_type, entity_id, title,
             description, email_subject, email_direction, content, created_at, created_by,
             created_by_name
        from input order by ord
      on conflict (mailbox_id, gmail_message_id) do nothing
      returning id, mailbox_id, gmail_message_id
    ),
    stored as (
      select a.id, i.* from inserted a join input i using (mailbox_id, gmail_message_id)
    ),
    linked as (
      ${insertLinksSql(sql`
      select s.id, s.org_id, l.entity_type, l.entity_id, s.created_at
        from stored s, jsonb_to_recordset(s.links) as l(entity_type text, entity_id uuid)`)}
    ),
    announced as (
      -- activity.logged first, then the events the activity brings (thread.replied…), in order.
      ${insertEventsSql(sql`
      select org_id, mailbox_id, type, payload from (
        select ord, 0 as n, org_id, mailbox_id,
               case type when 'meeting' then ${EVENT.meetingLogged}::text else ${EVENT.activityLogged}::text end as type,
               jsonb_build_object('activity_id', id, 'mailbox_id', mailbox_id,
                                  'gmail_message_id', gmail_message_id, 'thread_id', thread_id,
                                  'email_direction', email_direction, 'entity_type', entity_type,
                                  'entity_id', entity_id, 'links', links)
               -- A meeting (src/calendar/) is announced with what the CRM shows of it.
               || case type when 'meeting' then jsonb_build_object('meeting', content -> 'meeting')
                  else '{}' end as payload
          from stored
        union all
        select s.ord, x.n, s.org_id, s.mailbox_id, x.e->>'type',
               (x.e->'payload') || jsonb_build_object('activity_id', s.id)
          from stored s, jsonb_array_elements(s.events) with ordinality as x(e, n)
      ) all_events order by ord, n`)}
    ),
    landed as (
      -- Done with: their in-flight markers (sync/in-flight.ts) go in the statement that stores them.
      delete from messages_in_flight f using input i
       where f.mailbox_id = i.mailbox_id and f.gmail_message_id = i.gmail_message_id
    )${
      cursor
        ? sql`,
    moved as (${advanceCursorSql([cursor])})`
        : sql``
    }
    select id, gmail_message_id from stored order by ord`);
  if (rows.length > 0) await askEventDelivery(db);
  return rows.map((r) => ({ id: r.id, gmailMessageId: r.gmail_message_id }));
}

/**
 * Every string on its way to PostgreSQL, at the last step: `text` and `jsonb` refuse NUL (`\u0000`)
 * and a lone surrogate (invalid UTF-16, which JSON carries as an unpaired `\udc00` escape), and one
 * such character would fail the whole batch. The parser cleans too; this is the defence in depth.
 */
function pgText(value: string): string {
  return value.replaceAll('\0', '').toWellFormed();
}

export function toPgText(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? pgText(value) : value;
}

/**
 * Which of these Gmail ids need no fetch: already logged for the mailbox, dead-lettered after
 * failing too often, or deleted by their owner (the tombstone trigger would refuse them anyway).
 * Saves the quota a replay would otherwise spend again.
 */
export async function idsToSkip(
  db: Pick<Db, 'execute'>,
  mailboxId: string,
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const list = sqlArray(ids, 'text');
  const { rows } = await db.execute<{ id: string }>(sql`
    select gmail_message_id as id from activities
     where mailbox_id = ${mailboxId} and gmail_message_id = any(${list})
    union
    select gmail_message_id from dead_letters
     where mailbox_id = ${mailboxId} and gmail_message_id = any(${list})
    union
    select gmail_message_id from activity_tombstones
     where mailbox_id = ${mailboxId} and gmail_message_id = any(${list})`);
  return new Set(rows.map((r) => r.id));
}
