// A sync asked for by the CRM (or an operator): queued like any other, coalesced with waiting ones.
import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import { requireMailbox } from '../mailbox/mailbox-settings.ts';
import { enqueueSendAsRefresh } from '../mailbox/send-as.ts';
import { enqueueReconcile, enqueueSync } from '../queue/enqueue.ts';

export async function requestSync(
  db: Db,
  orgId: string,
  userId: string,
  /** `true` for a bounded full sync, `'reconcile'` for a reconciliation over the last window. */
  full: boolean | 'reconcile',
): Promise<string> {
  const mailbox = await requireMailbox(db, orgId, userId);
  if (mailbox.status === 'revoked') {
    throw new AppError('mailbox_revoked', 'the Gmail grant was revoked; connect again');
  }
  if (full === 'reconcile') return enqueueReconcile(db, mailbox.id);
  // On demand, the send-as list is read again too (an alias added in Gmail since).
  await enqueueSendAsRefresh(db, mailbox.id);
  return enqueueSync(db, mailbox.id, { full });
}
