// The job that settles a send whose answer was lost and that Gmail's search could not find at once
// (send-outcome.ts): it asks again, with growing gaps, until it finds the mail or Gmail's index has
// had the time search may lag (MATCH_SETTLE_MS) to show it. Found: the mail is read and logged as
// the send would have logged it, the request's stored answer (under its Idempotency-Key) becomes
// the send's 201, and the CRM hears `send.resolved` {status: "sent"}. Not found by then: it was not
// sent; `send.resolved` {status: "not_sent"}, and the stored answer says so. A retry under the same
// key replays the stored answer: it never sends again.
import type { Db } from '../db/database.ts';
import { and, eq, sql } from '../db/orm.ts';
import { events, idempotencyKeys } from '../db/schema.ts';
import { callGmail } from '../google/gmail-call.ts';
import type { PacerRegistry } from '../google/mailbox-pacer.ts';
import { parseGmailMessage } from '../mail/parse-message.ts';
import type { MailboxAuth } from '../mailbox/mailbox-auth.ts';
import { getMailbox, type Mailbox } from '../mailbox/mailbox-store.ts';
import { handleRevokedGrant } from '../mailbox/revocation.ts';
import type { ResolveSendPayload } from '../queue/job-names.ts';
import { logSentMail } from './log-sent-mail.ts';
import { findSentByMessageId } from './send-outcome.ts';

export interface ResolveSendDeps {
  db: Db;
  mailboxAuth: MailboxAuth;
  pacers: PacerRegistry;
  /** How long Gmail's search may lag the mailbox: past it, a mail search cannot find was not sent. */
  settleMs: number;
}

export type Resolution =
  | { kind: 'sent' | 'not_sent' }
  /** Gmail cannot say yet: look again at `next`. */
  | { kind: 'waiting'; next: Date }
  | { kind: 'skipped' };

/** The shortest and longest gap between two looks. */
const MIN_GAP_MS = 15_000;
const MAX_GAP_MS = 120_000;

export async function resolveSend(
  deps: ResolveSendDeps,
  payload: ResolveSendPayload,
  now = Date.now(),
): Promise<Resolution> {
  const mailbox = await getMailbox(deps.db, payload.mailbox_id);
  if (!mailbox || mailbox.status === 'revoked' || mailbox.status === 'disconnected')
    return { kind: 'skipped' };
  const pacer = deps.pacers.forMailbox(mailbox.id);
  try {
    const { gmail } = await deps.mailboxAuth.accessFor(mailbox);
    const found = await findSentByMessageId(gmail, pacer, payload.message_id_header);
    if (found) {
      const { data } = await callGmail(pacer, 'messages.get', () =>
        gmail.users.messages.get({ userId: 'me', id: found.id, format: 'full' }),
      );
      await settle(deps.db, mailbox, payload, await sentAnswer(deps.db, mailbox, payload, data));
      return { kind: 'sent' };
    }
  } catch (error) {
    if (await handleRevokedGrant(deps, mailbox, error)) return { kind: 'skipped' };
    throw error;
  }
  const elapsed = now - Date.parse(payload.sent_at);
  if (elapsed < deps.settleMs) {
    const gap = Math.min(MAX_GAP_MS, Math.max(MIN_GAP_MS, elapsed), deps.settleMs - elapsed);
    return { kind: 'waiting', next: new Date(now + Math.max(1_000, gap)) };
  }
  const body = { status: 'not_sent', message_id_header: payload.message_id_header };
  await settle(deps.db, mailbox, payload, { status: 200, body });
  return { kind: 'not_sent' };
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** The mail found in Gmail, logged as the send logs it, and the 201 the send would have answered. */
async function sentAnswer(
  db: Db,
  mailbox: Mailbox,
  payload: ResolveSendPayload,
  message: Parameters<typeof parseGmailMessage>[0],
): Promise<Answer> {
  const mail = parseGmailMessage(message);
  const entity =
    payload.entity_type && payload.entity_id
      ? { entityType: payload.entity_type, entityId: payload.entity_id, email: '' }
      : undefined;
  const activityId = await logSentMail(db, mailbox, mail, entity, payload.created_by_name);
  return {
    status: 201,
    body: {
      message_id: mail.gmailId,
      thread_id: mail.threadId,
      status: 'sent',
      activity_id: activityId,
      recipients: {
        to: mail.to.map((r) => r.email),
        cc: mail.cc.map((r) => r.email),
        bcc: mail.bcc.map((r) => r.email),
      },
    },
  };
}

/** One transaction: the request's stored answer becomes the resolved one, and the CRM is told. */
async function settle(
  db: Db,
  mailbox: Mailbox,
  payload: ResolveSendPayload,
  answer: Answer,
): Promise<void> {
  await db.transaction(async (tx) => {
    if (payload.idempotency_key) {
      await tx
        .update(idempotencyKeys)
        .set({ responseStatus: answer.status, responseBody: answer.body, updatedAt: sql`now()` })
        .where(
          and(
            eq(idempotencyKeys.orgId, mailbox.orgId),
            eq(idempotencyKeys.userId, payload.caller_user_id ?? mailbox.userId),
            eq(idempotencyKeys.key, payload.idempotency_key),
            eq(idempotencyKeys.responseStatus, 202),
          ),
        );
    }
    const { body } = answer;
    await tx.insert(events).values({
      orgId: mailbox.orgId,
      mailboxId: mailbox.id,
      type: 'send.resolved',
      payload: {
        mailbox_id: mailbox.id,
        message_id_header: payload.message_id_header,
        status: body.status,
        message_id: body.message_id ?? null,
        thread_id: body.thread_id ?? null,
        activity_id: body.activity_id ?? null,
      },
    });
  });
}
