// Mail deliberately not logged, with its reason (`skipped_messages`): the sync's own skips (a filter,
// the blocklist) and those a reconciliation learns (read, and no CRM person). A reconciliation reads
// them (reconcile/reconcile-store.ts) so that it does not fetch those mails again.

import type { SkipReason } from '../crm/mail-filter.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';

type Executor = Pick<Db, 'execute'>;

export async function recordSkipped(
  db: Executor,
  mailboxId: string,
  ids: string[],
  reason: string,
): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`
    insert into skipped_messages (mailbox_id, gmail_message_id, reason)
    select ${mailboxId}, unnest(${sqlArray(ids, 'text')}), ${reason}
    on conflict do nothing`);
}

/**
 * The sync's own skips, with their reason, so a reconciliation need not fetch those mails again.
 * Drafts, spam and trash are left out: Gmail's search does not return them, and a mail moved out
 * of the trash must not stay skipped.
 */
export async function recordSkips(
  db: Executor,
  mailboxId: string,
  mails: { gmailId: string }[],
  reasons: (SkipReason | null)[],
): Promise<void> {
  const byReason = new Map<SkipReason, string[]>();
  mails.forEach((m, i) => {
    const reason = reasons[i];
    if (!reason || reason === 'draft_spam_trash') return;
    byReason.set(reason, [...(byReason.get(reason) ?? []), m.gmailId]);
  });
  for (const [reason, ids] of byReason) await recordSkipped(db, mailboxId, ids, reason);
}

/**
 * An erasure's mails (`erased_activities`, the temporary table of org/erasure-rows.ts's
 * transaction) skipped as `erased`, whatever reason they had: a reconciliation does not fetch them.
 */
export async function skipErasedMessages(tx: Executor): Promise<void> {
  await tx.execute(sql`
    insert into skipped_messages (mailbox_id, gmail_message_id, reason)
    select mailbox_id, gmail_message_id, 'erased' from erased_activities
    on conflict (mailbox_id, gmail_message_id) do update set reason = 'erased'`);
}
