// Messages the sync gives up on: a row each in dead_letters (mailbox, Gmail id, reason), so the
// next sync skips them (idsToSkip) and an operator sees them (the metric, `/admin`). The reason
// never carries mail content.
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';

export interface DeadLetter {
  gmailMessageId: string;
  /** What failed, without content: `store_failed: SQLSTATE 22008`, `parse_failed: TypeError`. */
  reason: string;
}

/** The reason's first word, a bounded set fit for a metric label. */
export const reasonKind = (reason: string) => reason.split(':')[0] ?? reason;

export async function deadLetterMessages(
  db: Pick<Db, 'execute'>,
  mailbox: { id: string; orgId: string },
  letters: DeadLetter[],
): Promise<void> {
  if (letters.length === 0) return;
  const rows = JSON.stringify(letters.map((l) => ({ id: l.gmailMessageId, reason: l.reason })));
  await db.execute(sql`
    insert into dead_letters (org_id, mailbox_id, source, reason, gmail_message_id)
    select ${mailbox.orgId}, ${mailbox.id}::uuid, 'message', r.reason, r.id
      from jsonb_to_recordset(${rows}::jsonb) as r(id text, reason text)
    on conflict (mailbox_id, gmail_message_id) where gmail_message_id is not null
    do update set reason = excluded.reason, attempts = dead_letters.attempts + 1, updated_at = now()`);
}
