// Revising activities already logged (a meeting rescheduled, its attendees changed, cancelled):
// the write path beside store-activities.ts's insert, in one statement as it is. A revision
// replaces what the activity shows (title, description, subject, content, time), moves its
// timeline entries to the new time, adds the links it gained (links are never removed, as for
// mail: a record keeps what it had), and announces the change with the event the caller names
// (links gained alone: `activity.linked`, as mail's).
// A revision that changes nothing writes nothing and announces nothing, so a replay is harmless.

import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import type { EventType } from '../events/event-types.ts';
import { EVENT } from '../events/event-types.ts';
import { askEventDelivery, insertEventsSql } from '../events/record-events.ts';
import type { ActivityDraft } from './activity-row.ts';
import { insertLinksSql } from './activity-writes.ts';
import { toPgText } from './store-activities.ts';

/** What a revision replaces is what a draft shows (activity-row.ts), of the activity it names. */
export type ActivityRevision = Pick<
  ActivityDraft,
  | 'orgId'
  | 'mailboxId'
  | 'title'
  | 'description'
  | 'emailSubject'
  | 'emailDirection'
  | 'content'
  | 'createdAt'
  | 'links'
> & {
  activityId: string;
  /** The outbox event for a revision that changed something (e.g. `meeting.updated`). */
  eventType: EventType;
};

/** Applies the revisions; returns the ids of the activities that changed. */
export async function reviseActivities(
  db: Pick<Db, 'execute'>,
  revisions: ActivityRevision[],
): Promise<string[]> {
  if (revisions.length === 0) return [];
  const input = revisions.map((r, ord) => ({
    ord,
    id: r.activityId,
    org_id: r.orgId,
    mailbox_id: r.mailboxId,
    title: r.title,
    description: r.description,
    email_subject: r.emailSubject,
    email_direction: r.emailDirection,
    content: r.content,
    created_at: r.createdAt.toISOString(),
    links: r.links.map((l) => ({ entity_type: l.entityType, entity_id: l.entityId })),
    event_type: r.eventType,
  }));
  const { rows } = await db.execute<{ id: string }>(sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(input, toPgText)}::jsonb) as r(
        ord int, id uuid, org_id text, mailbox_id uuid, title text, description text,
        email_subject text, email_direction text, content jsonb, created_at timestamptz,
        links jsonb, event_type text)
    ),
    revised as (
      update activities a
         set title = i.title, description = i.description, email_subject = i.email_subject,
             email_direction = i.email_direction, content = i.content, created_at = i.created_at
        from input i
       where a.id = i.id and a.org_id = i.org_id
         and (a.content is distinct from i.content or a.created_at is distinct from i.created_at
              or a.title is distinct from i.title)
      returning a.id, a.thread_id, a.gmail_message_id
    ),
    moved as (
      update activity_links l set activity_created_at = i.created_at
        from input i join revised r on r.id = i.id
       where l.activity_id = i.id and l.activity_created_at is distinct from i.created_at
    ),
    linked as (
      ${insertLinksSql(sql`
      select i.id, i.org_id, l.entity_type, l.entity_id, i.created_at
        from input i join activities a on a.id = i.id,
             jsonb_to_recordset(i.links) as l(entity_type text, entity_id uuid)`)}
      returning activity_id, entity_type, entity_id
    ),
    -- Links alone (a CRM record added since): announced as for mail (retro-search/relink-activities.ts).
    relinked as (
      ${insertEventsSql(sql`
      select i.org_id, i.mailbox_id, ${EVENT.activityLinked}::text,
             jsonb_build_object('activity_id', i.id, 'mailbox_id', i.mailbox_id,
               'links', jsonb_agg(jsonb_build_object('entity_type', l.entity_type, 'entity_id', l.entity_id)))
        from linked l join input i on i.id = l.activity_id
       where not exists (select 1 from revised r where r.id = i.id)
       group by i.org_id, i.mailbox_id, i.id`)}
    ),
    announced as (
      ${insertEventsSql(sql`
      select i.org_id, i.mailbox_id, i.event_type,
             jsonb_build_object('activity_id', i.id, 'mailbox_id', i.mailbox_id,
                                'gmail_message_id', r.gmail_message_id, 'thread_id', r.thread_id,
                                'links', i.links)
             || case when i.content ? 'meeting' then jsonb_build_object('meeting', i.content -> 'meeting')
                     else '{}' end
        from input i join revised r on r.id = i.id order by i.ord`)}
    )
    select id from revised`);
  // Revised or newly linked activities were announced: asked even when only links were added.
  await askEventDelivery(db);
  return rows.map((r) => r.id);
}
