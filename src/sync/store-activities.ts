// Writing activities: one transaction stores a batch (activities, their links, an outbox event per
// new activity) and moves the mailbox cursor forward. The unique (mailbox_id, gmail_message_id)
// makes a replay after a crash, or the sync seeing a mail the CRM sent, add nothing.

import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { activities, activityLinks, events } from '../db/schema.ts';
import type { ActivityDraft } from './activity-row.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface StoredActivity {
  id: string;
  gmailMessageId: string;
}

/** Inserts the drafts that are new; returns only those (a conflict is a mail already logged). */
export async function insertActivities(tx: Tx, drafts: ActivityDraft[]): Promise<StoredActivity[]> {
  if (drafts.length === 0) return [];
  const inserted = await tx
    .insert(activities)
    .values(drafts.map(({ links: _links, ...row }) => row))
    .onConflictDoNothing({ target: [activities.mailboxId, activities.gmailMessageId] })
    .returning({ id: activities.id, gmailMessageId: activities.gmailMessageId });
  if (inserted.length === 0) return [];
  const byMessage = new Map(drafts.map((d) => [d.gmailMessageId, d]));
  const links = inserted.flatMap(({ id, gmailMessageId }) => {
    const draft = byMessage.get(gmailMessageId);
    return (draft?.links ?? []).map((l) => ({
      activityId: id,
      orgId: draft?.orgId ?? '',
      entityType: l.entityType,
      entityId: l.entityId,
      activityCreatedAt: draft?.createdAt ?? new Date(),
    }));
  });
  await tx.insert(activityLinks).values(links).onConflictDoNothing();
  await tx.insert(events).values(
    inserted.map(({ id, gmailMessageId }) => {
      const draft = byMessage.get(gmailMessageId);
      return {
        orgId: draft?.orgId ?? '',
        mailboxId: draft?.mailboxId ?? null,
        type: 'activity.logged',
        payload: {
          activity_id: id,
          mailbox_id: draft?.mailboxId,
          gmail_message_id: gmailMessageId,
          thread_id: draft?.threadId,
          email_direction: draft?.emailDirection,
          entity_type: draft?.entityType,
          entity_id: draft?.entityId,
          links: draft?.links.map((l) => ({ entity_type: l.entityType, entity_id: l.entityId })),
        },
      };
    }),
  );
  return inserted;
}

/** The cursor only moves forward (greatest), in the transaction that stores what it covers. */
export async function advanceCursor(
  tx: Pick<Db, 'execute'>,
  mailboxId: string,
  historyId: number | null,
  opts: { full?: boolean } = {},
): Promise<void> {
  await tx.execute(sql`
    update mailboxes
       set history_id = greatest(history_id, ${historyId}::bigint),
           last_sync_at = now(),
           ${opts.full ? sql`last_full_sync_at = now(),` : sql``}
           updated_at = now()
     where id = ${mailboxId}`);
}

/**
 * Which of these Gmail ids need no fetch: already logged for the mailbox, or dead-lettered after
 * failing too often. Saves the quota a replay would otherwise spend again.
 */
export async function idsToSkip(
  db: Pick<Db, 'execute'>,
  mailboxId: string,
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const list = `{${ids.map((id) => `"${id.replace(/["\\]/g, '')}"`).join(',')}}`;
  const { rows } = await db.execute<{ id: string }>(sql`
    select gmail_message_id as id from activities
     where mailbox_id = ${mailboxId} and gmail_message_id = any(${list}::text[])
    union
    select gmail_message_id from dead_letters
     where mailbox_id = ${mailboxId} and gmail_message_id = any(${list}::text[])`);
  return new Set(rows.map((r) => r.id));
}
