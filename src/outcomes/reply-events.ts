// A recipient answering mail the CRM sent: a received mail in a thread of the `sent_mail` ledger,
// from one of that mail's recipients, becomes `thread.replied` (an auto-reply or out-of-office:
// `message.auto_replied`) with both activities. The event rides on the reply's own activity, in
// the statement that stores it (store-activities.ts), so it is written exactly when the activity
// is: never twice on a replay, never lost to a crash between two writes. A reply that is not
// logged (it concerns no CRM record) has no activity to name and makes no event.

import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { EVENT } from '../events/event-types.ts';
import type { ParsedMail } from '../mail/parse-message.ts';
import { canonicalAddress } from '../suppressions/canonical-address.ts';
import { isAutoReply } from './auto-reply.ts';

/** What this needs of a sync's activity draft (sync/activity-row.ts), and the events it adds. */
export interface DraftWithEvents {
  gmailMessageId: string;
  threadId: string;
  emailDirection: 'sent' | 'received';
  events?: { type: string; payload: Record<string, unknown> }[];
}

type LedgerRow = {
  thread_id: string;
  gmail_message_id: string;
  activity_id: string;
  recipients: string[];
};

export async function addReplyEvents(
  db: Pick<Db, 'execute'>,
  mailboxId: string,
  mails: ParsedMail[],
  drafts: DraftWithEvents[],
): Promise<void> {
  const received = drafts.filter((d) => d.emailDirection === 'received');
  if (received.length === 0) return;
  const threads = [...new Set(received.map((d) => d.threadId))];
  const { rows } = await db.execute<LedgerRow>(sql`
    select thread_id, gmail_message_id, activity_id, recipients from sent_mail
     where mailbox_id = ${mailboxId} and thread_id = any(${sqlArray(threads, 'text')})
       and activity_id is not null
     order by sent_at desc`);
  if (rows.length === 0) return;
  const byId = new Map(mails.map((m) => [m.gmailId, m]));
  for (const draft of received) {
    const mail = byId.get(draft.gmailMessageId);
    const from = mail?.from?.email;
    if (!mail || !from) continue;
    const sender = canonicalAddress(from);
    // The latest mail the CRM sent in this thread to the one now writing.
    const answered = rows.find(
      (r) =>
        r.thread_id === draft.threadId &&
        r.gmail_message_id !== draft.gmailMessageId &&
        r.recipients.includes(sender),
    );
    if (!answered) continue;
    draft.events = [
      ...(draft.events ?? []),
      {
        type: isAutoReply(mail) ? EVENT.messageAutoReplied : EVENT.threadReplied,
        payload: {
          replied_to_activity_id: answered.activity_id,
          thread_id: draft.threadId,
          from: from.toLowerCase(),
        },
      },
    ];
  }
}
