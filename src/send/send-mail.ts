// Sending now, as the user through their own Gmail, then logging the mail once: the activity is
// keyed by the Gmail id Gmail returns, the same key the sync uses when it later sees the mail in
// SENT. Composition and every refusal are in outgoing-mail.ts; a later send in scheduled/.
// A send whose answer was lost after the bytes may have gone (gmail-send.ts says so) is looked up
// in Gmail (sent-lookup.ts) before answering: found, it is a send like any other; not yet,
// `202 {"status":"unknown","message_id_header"}`, settled later by a job (resolve-send.ts).
import { isAppError } from '../app-error.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { enqueueSendResolution } from '../queue/enqueue.ts';
import { type SentIds, sendRaw } from './gmail-send.ts';
import { type Caller, prepareOutgoing, type SendDeps, type SendRequest } from './outgoing-mail.ts';
import { findSentMail } from './sent-lookup.ts';
import { recordSentMail } from './sent-record.ts';

export type { SendDeps, SendRequest } from './outgoing-mail.ts';

/** The HTTP answer, status and body (the route stores it under the Idempotency-Key). */
export interface Answer {
  status: number;
  body: unknown;
}

export async function sendMail(
  deps: SendDeps,
  caller: Caller,
  req: SendRequest,
  opts: { idempotencyKey?: string } = {},
): Promise<Answer> {
  const { mailbox, raw, record } = await prepareOutgoing(deps, caller, req);
  // Where the lookup of a lost answer starts reading the mailbox's history: nothing sent now is
  // older than the cursor.
  const historyIdBefore = mailbox.historyId;
  let sent: SentIds | null;
  try {
    sent = await sendRaw(deps, mailbox, raw, record.threadId);
  } catch (error) {
    const header = record.messageIdHeader;
    if (!isAppError(error) || error.details?.outcome_unknown !== true || !header) throw error;
    sent = await lookUp(deps, mailbox, { messageIdHeader: header, historyIdBefore });
    if (!sent) {
      await enqueueSendResolution(deps.db, {
        mailbox_id: mailbox.id,
        message_id_header: header,
        sent_at: new Date().toISOString(),
        created_by_name: record.createdByName,
        ...(historyIdBefore !== null ? { history_id_before: String(historyIdBefore) } : {}),
        ...(record.entity
          ? { entity_type: record.entity.entityType, entity_id: record.entity.entityId }
          : {}),
        ...(opts.idempotencyKey
          ? { idempotency_key: opts.idempotencyKey, caller_user_id: caller.userId }
          : {}),
      });
      return { status: 202, body: { status: 'unknown', message_id_header: header } };
    }
  }
  const activityId = await recordSentMail(deps, mailbox, record, sent);
  const { to, cc, bcc } = record.recipients;
  return {
    status: 201,
    body: {
      message_id: sent.id,
      thread_id: sent.threadId,
      status: 'sent',
      activity_id: activityId,
      // Exactly where the mail went, as Gmail was given it.
      recipients: {
        to: to.map((r) => r.email),
        cc: cc.map((r) => r.email),
        bcc: bcc.map((r) => r.email),
      },
    },
  };
}

/** Gmail's ids for the mail if it has it; null when it cannot say (or could not be asked). */
async function lookUp(
  deps: SendDeps,
  mailbox: Mailbox,
  mail: { messageIdHeader: string; historyIdBefore: number | null },
): Promise<SentIds | null> {
  deps.log.warn({ mailbox_id: mailbox.id }, 'send answer lost: looking the mail up in Gmail');
  try {
    const { gmail } = await deps.mailboxAuth.accessFor(mailbox);
    return await findSentMail(gmail, deps.pacers.forMailbox(mailbox.id), mail);
  } catch {
    // Gmail could not be asked now: the job asks again.
    return null;
  }
}
