// Sending now, as the user through their own Gmail, then logging the mail once: the activity is
// keyed by the Gmail id Gmail returns, the same key the sync uses when it later sees the mail in
// SENT. Composition and every refusal are in outgoing-mail.ts; a later send in scheduled/.
import { sendRaw } from './gmail-send.ts';
import { type Caller, prepareOutgoing, type SendDeps, type SendRequest } from './outgoing-mail.ts';
import { recordSentMail } from './sent-record.ts';

export type { SendDeps, SendRequest } from './outgoing-mail.ts';

/** The HTTP answer, status and body (the route stores it under the Idempotency-Key). */
export interface Answer {
  status: number;
  body: unknown;
}

export async function sendMail(deps: SendDeps, caller: Caller, req: SendRequest): Promise<Answer> {
  const { mailbox, raw, record } = await prepareOutgoing(deps, caller, req);
  const sent = await sendRaw(deps, mailbox, raw, record.threadId);
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
