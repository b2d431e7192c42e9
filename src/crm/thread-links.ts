// A mail whose participants match no CRM record still belongs on the records of its thread: when a
// colleague joins a conversation already logged, the mail is linked to what the thread's logged
// mail is linked to. Gmail thread ids are per mailbox, so only the same mailbox's activities count
// (https://developers.google.com/gmail/api/guides/threads).
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import type { ParsedMail } from '../mail/parse-message.ts';
import { isListOrMachineMail } from './auto-contacts.ts';
import { bouncedMessageIds } from './bounces.ts';
import { byLinkPriority, type EntityLink, type EntityType } from './link-entities.ts';

/**
 * Only a person joins a conversation: a bounce (Gmail threads it with the mail it returns), an
 * auto-reply or list mail in the thread is not logged for being there.
 */
export function mayFollowThread(mail: ParsedMail): boolean {
  const from = mail.from?.email ?? '';
  return (
    !isListOrMachineMail(mail) &&
    bouncedMessageIds(mail).length === 0 &&
    !/^(mailer-daemon|postmaster)@/i.test(from)
  );
}

/** thread id → the entities its logged mail is linked to, primary first. */
export type ThreadLinks = Map<string, EntityLink[]>;

/** The links of these threads' logged mail in this mailbox: one query for a batch. */
export async function threadLinks(
  db: Pick<Db, 'execute'>,
  mailbox: { id: string; orgId: string },
  threadIds: string[],
): Promise<ThreadLinks> {
  const byThread: ThreadLinks = new Map();
  if (threadIds.length === 0) return byThread;
  const list = sqlArray(threadIds, 'text');
  // Within a type, the record the thread met first comes first.
  const { rows } = await db.execute<{
    thread_id: string;
    entity_type: EntityType;
    entity_id: string;
  }>(sql`
    select a.thread_id, l.entity_type, l.entity_id
      from activities a
      join activity_links l on l.activity_id = a.id
     where a.org_id = ${mailbox.orgId} and a.mailbox_id = ${mailbox.id}
       and a.thread_id = any(${list})
     group by a.thread_id, l.entity_type, l.entity_id
     order by a.thread_id, min(a.created_at)`);
  for (const row of rows) {
    const links = byThread.get(row.thread_id) ?? [];
    links.push({ entityType: row.entity_type, entityId: row.entity_id, email: '' });
    byThread.set(row.thread_id, links);
  }
  for (const links of byThread.values()) links.sort(byLinkPriority);
  return byThread;
}

/**
 * Adds the links of mail matched in this same batch: a conversation's first mail and a colleague's
 * reply fetched together are not in the database yet when the reply is linked.
 */
export function withBatchLinks(
  stored: ThreadLinks,
  batch: { threadId: string; links: EntityLink[] }[],
): ThreadLinks {
  const merged: ThreadLinks = new Map(stored);
  for (const { threadId, links } of batch) {
    const list = [...(merged.get(threadId) ?? [])];
    for (const link of links) {
      const known = list.some(
        (l) => l.entityType === link.entityType && l.entityId === link.entityId,
      );
      if (!known) list.push({ ...link, email: '' });
    }
    merged.set(threadId, list.sort(byLinkPriority));
  }
  return merged;
}
