// Mail already logged gains the links of records added since: its participants (as stored in the
// activity's content) are matched again and the new links added, each mail that gained some
// announced to the CRM (`activity.linked`). Nothing is removed, so a record whose address changed
// keeps what it had. One statement reads, one writes.

import { insertLinksSql } from '../activity-store/activity-writes.ts';
import { linksFor, matchAddresses } from '../crm/link-entities.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { EVENT } from '../events/event-types.ts';
import { askEventDelivery, insertEventsSql } from '../events/record-events.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { ownerAddresses } from '../mailbox/send-as.ts';

type LoggedMail = {
  id: string;
  created_at: string;
  people: (string | null)[];
};

/** Adds the links these logged mails of the mailbox now have; returns how many were new. */
export async function relinkActivities(
  db: Db,
  mailbox: Mailbox,
  gmailIds: string[],
): Promise<number> {
  if (gmailIds.length === 0) return 0;
  const list = sqlArray(gmailIds, 'text');
  const { rows } = await db.execute<LoggedMail>(sql`
    select id, created_at,
           array(select jsonb_array_elements_text(
                   coalesce(jsonb_build_array(content -> 'from'), '[]') || coalesce(content -> 'to', '[]')
                   || coalesce(content -> 'cc', '[]'))) as people
      from activities
     where mailbox_id = ${mailbox.id} and gmail_message_id = any(${list})`);
  if (rows.length === 0) return 0;
  const owners = new Set(ownerAddresses(mailbox));
  const people = rows.map((r) =>
    r.people.flatMap((p) => (p ? addressOf(p) : [])).filter((e) => !owners.has(e)),
  );
  const index = await matchAddresses(db, mailbox.orgId, [...new Set(people.flat())]);
  const links = rows.flatMap((r, i) =>
    linksFor(people[i] ?? [], index).map((l) => ({
      activity_id: r.id,
      entity_type: l.entityType,
      entity_id: l.entityId,
      created_at: r.created_at,
    })),
  );
  if (links.length === 0) return 0;
  // The CRM is told which records each mail now belongs to, as for a mail just logged.
  const { rows: added } = await db.execute<{ n: number }>(sql`
    with linked as (
      ${insertLinksSql(sql`
      select activity_id, ${mailbox.orgId}, entity_type, entity_id, created_at
        from jsonb_to_recordset(${JSON.stringify(links)}::jsonb)
          as l(activity_id uuid, entity_type text, entity_id uuid, created_at timestamptz)`)}
      returning activity_id, entity_type, entity_id
    ),
    announced as (
      ${insertEventsSql(sql`
      select ${mailbox.orgId}, ${mailbox.id}::uuid, ${EVENT.activityLinked}::text,
             jsonb_build_object('activity_id', activity_id, 'mailbox_id', ${mailbox.id}::uuid,
               'links', jsonb_agg(jsonb_build_object('entity_type', entity_type, 'entity_id', entity_id)))
        from linked group by activity_id`)}
    )
    select count(*)::int as n from linked`);
  const n = added[0]?.n ?? 0;
  if (n > 0) await askEventDelivery(db);
  return n;
}

/** The address in a stored participant: "Name <addr>" or a bare address. */
function addressOf(participant: string): string[] {
  const bracketed = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(participant);
  const address = (bracketed?.[1] ?? participant).trim().toLowerCase();
  return address.includes('@') ? [address] : [];
}
