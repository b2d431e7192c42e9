// The changes to stored activities, their links and tombstones that other folders' rules decide
// (an owner's delete or privacy, a Gmail deletion, a bounce, an erasure, a relink), as fragments of
// each rule's own statement: the rule keeps its one statement with its events, and the SQL that
// writes these tables stays here. Links go with their activity (`on delete cascade`). The
// blocklist's removals (crm/blocklist-lookback.ts) write their own: crm/ is below this folder.
import type { SQL } from 'drizzle-orm';
import { sql } from '../db/orm.ts';

/** The activities `where` selects, removed; returns id, org_id, mailbox_id, gmail_message_id. */
export function removeActivitiesSql(where: SQL): SQL {
  return sql`delete from activities where ${where}
      returning id, org_id, mailbox_id, gmail_message_id`;
}

/**
 * The owner's `private`: bodies, HTML, attachments and a meeting's place and link dropped from
 * storage, links, participants, subject and time kept; returns mailbox_id, gmail_message_id,
 * org_id, content.
 */
export function hideActivityContentSql(where: SQL): SQL {
  return sql`update activities
         set description = '',
             -- A meeting's place and link are content too (src/calendar/); mail has no such path.
             content = jsonb_set(jsonb_set(content - 'body_html'
                         || '{"body": "", "body_new": "", "body_truncated": false, "attachments": [], "visibility": "private"}'::jsonb,
                         '{meeting,location}', 'null'), '{meeting,conference_url}', 'null')
       where ${where}
       returning mailbox_id, gmail_message_id, org_id, content`;
}

/**
 * A sent mail's activity marked `bounced` (once); returns what its `activity.bounced` names: id,
 * org_id, mailbox_id, gmail_message_id, thread_id, entity_type, entity_id.
 */
export function markBouncedSql(where: SQL): SQL {
  return sql`update activities set status = 'bounced'
       where (${where}) and status <> 'bounced'
      returning id, org_id, mailbox_id, gmail_message_id, thread_id, entity_type, entity_id`;
}

/**
 * An erasure's mentions (org/erasure-rows.ts): every activity of the org whose text matches
 * `like` (an ILIKE pattern) has `re` (a case-insensitive expression) replaced by `[erased]`.
 * One `1` returned for each.
 */
export function redactActivitiesSql(orgId: string, re: string, like: string): SQL {
  return sql`update activities
         set title = regexp_replace(title, ${re}, '[erased]', 'gi'),
             description = regexp_replace(description, ${re}, '[erased]', 'gi'),
             email_subject = regexp_replace(email_subject, ${re}, '[erased]', 'gi'),
             content = regexp_replace(content::text, ${re}, '[erased]', 'gi')::jsonb
       where org_id = ${orgId}
         and (title ilike ${like} or description ilike ${like} or email_subject ilike ${like}
              or content::text ilike ${like})
      returning 1`;
}

/**
 * Links added, an existing one kept: `rows` selects activity_id, org_id, entity_type, entity_id,
 * activity_created_at, in that order. The caller may add a `returning` after it.
 */
export function insertLinksSql(rows: SQL): SQL {
  return sql`insert into activity_links (activity_id, org_id, entity_type, entity_id, activity_created_at)
      ${rows}
      on conflict do nothing`;
}

/**
 * Tombstones (a mail never logged again for its mailbox: the activities trigger of migration 0003
 * refuses it): `rows` selects mailbox_id, gmail_message_id, org_id, deleted_by, in that order.
 */
export function insertTombstonesSql(rows: SQL): SQL {
  return sql`insert into activity_tombstones (mailbox_id, gmail_message_id, org_id, deleted_by)
      ${rows}
      on conflict do nothing`;
}
