// The job that settles a send whose answer was lost and that Gmail could not show at once
// (send-mail.ts): it asks again (sent-lookup.ts: search by Message-ID, then the history of SENT),
// with growing gaps, until it finds the mail or Gmail's search has had the time it may lag
// (MATCH_SETTLE_MS) to show it. Found: the mail is read from Gmail and recorded as the send would
// have recorded it (sent-record.ts), the request's stored answer (under its Idempotency-Key)
// becomes the send's 201, and the CRM hears `send.resolved` {status: "sent"}. Not found by then:
// it was not sent; `send.resolved` {status: "not_sent"}, and the stored answer becomes 502
// `send_failed` (send it again, under a new key). A retry under the same key replays the stored
// answer: it never sends again. The job carries no content: what is recorded is read back from
// Gmail.

import type { gmail_v1 } from '@googleapis/gmail';
import { ERROR_STATUS } from '../app-error.ts';
import type { Timings } from '../config-timings.ts';
import type { EntityLink } from '../crm/link-entities.ts';
import type { Db } from '../db/database.ts';
import { EVENT } from '../events/event-types.ts';
import { recordEvent } from '../events/record-events.ts';
import { callGmail } from '../google/gmail-call.ts';
import type { PacerRegistry } from '../google/mailbox-pacer.ts';
import { parseGmailMessage } from '../mail/parse-message.ts';
import type { MailboxAuth } from '../mailbox/mailbox-auth.ts';
import { getMailbox, type Mailbox } from '../mailbox/mailbox-store.ts';
import { handleRevokedGrant } from '../mailbox/revocation.ts';
import type { OrgRulesSource } from '../org/org-rules.ts';
import { enqueueSendResolution } from '../queue/enqueue.ts';
import type { ResolveSendPayload } from '../queue/job-names.ts';
import { settleStoredAnswer } from './idempotency.ts';
import type { OutgoingRecord } from './outgoing-mail.ts';
import { findSentMail } from './sent-lookup.ts';
import { recordSentMail } from './sent-record.ts';

export interface ResolveSendDeps {
  db: Db;
  /** What the org forbids logging (erased people, never_log), as for any send. */
  orgRules: OrgRulesSource;
  mailboxAuth: MailboxAuth;
  pacers: PacerRegistry;
  /** How long Gmail's search may lag the mailbox: past it, a mail it cannot find was not sent. */
  settleMs: number;
  /** The shortest and longest gap between two looks (config-timings.ts). */
  gapMs: Timings['sendLookupGapMs'];
}

export type Resolution =
  | { kind: 'sent' | 'not_sent' | 'skipped' }
  /** Gmail cannot say yet: the look is queued again for `next`. */
  | { kind: 'waiting'; next: Date };

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

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
    const historyIdBefore = payload.history_id_before ? Number(payload.history_id_before) : null;
    const mail = { messageIdHeader: payload.message_id_header, historyIdBefore };
    const found = await findSentMail(gmail, pacer, mail);
    if (found) {
      const { data } = await callGmail(pacer, 'messages.get', () =>
        gmail.users.messages.get({ userId: 'me', id: found.id, format: 'full' }),
      );
      await settle(deps.db, mailbox, payload, await recorded(deps, mailbox, payload, data));
      return { kind: 'sent' };
    }
  } catch (error) {
    if (await handleRevokedGrant(deps, mailbox, error)) return { kind: 'skipped' };
    throw error;
  }
  const elapsed = now - Date.parse(payload.sent_at);
  if (elapsed < deps.settleMs) {
    const gap = Math.min(
      deps.gapMs.max,
      Math.max(deps.gapMs.min, elapsed),
      deps.settleMs - elapsed,
    );
    const next = new Date(now + Math.max(1_000, gap));
    await enqueueSendResolution(deps.db, payload, next);
    return { kind: 'waiting', next };
  }
  const error = {
    code: 'send_failed',
    message: 'Gmail did not send this mail; send it again under a new Idempotency-Key',
    message_id_header: payload.message_id_header,
  };
  await settle(deps.db, mailbox, payload, { status: ERROR_STATUS.send_failed, body: { error } });
  return { kind: 'not_sent' };
}

/** The mail found in Gmail, recorded as the send records it, and the 201 the send would answer. */
async function recorded(
  deps: Pick<ResolveSendDeps, 'db' | 'orgRules'>,
  mailbox: Mailbox,
  payload: ResolveSendPayload,
  message: gmail_v1.Schema$Message,
): Promise<Answer> {
  const mail = parseGmailMessage(message);
  const entity: EntityLink | null =
    payload.entity_type && payload.entity_id
      ? { entityType: payload.entity_type, entityId: payload.entity_id, email: '' }
      : null;
  const record: OutgoingRecord = {
    subject: mail.subject,
    from: mail.from ?? { name: '', email: mailbox.email },
    recipients: { to: mail.to, cc: mail.cc, bcc: mail.bcc },
    messageIdHeader: payload.message_id_header,
    inReplyTo: mail.inReplyTo,
    references: mail.references,
    bodyText: mail.bodyText,
    bodyHtml: mail.bodyHtml ?? null,
    attachments: mail.attachments.map((a) => ({
      filename: a.filename,
      mimeType: a.mimeType,
      size: a.size,
    })),
    entity,
    createdByName: payload.created_by_name,
    ...(payload.caller_user_id ? { createdBy: payload.caller_user_id } : {}),
    threadId: mail.threadId,
  };
  const sent = { id: mail.gmailId, threadId: mail.threadId };
  const activityId = await recordSentMail(deps, mailbox, record, sent, { sentAt: mail.date });
  return {
    status: 201,
    body: {
      message_id: sent.id,
      thread_id: sent.threadId,
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
      const scope = {
        orgId: mailbox.orgId,
        userId: payload.caller_user_id ?? mailbox.userId,
        key: payload.idempotency_key,
      };
      await settleStoredAnswer(tx, scope, answer);
    }
    const { body } = answer;
    const sent = answer.status === 201;
    await recordEvent(tx, {
      orgId: mailbox.orgId,
      mailboxId: mailbox.id,
      type: EVENT.sendResolved,
      payload: {
        mailbox_id: mailbox.id,
        message_id_header: payload.message_id_header,
        status: sent ? 'sent' : 'not_sent',
        message_id: textOrNull(body.message_id),
        thread_id: textOrNull(body.thread_id),
        activity_id: textOrNull(body.activity_id),
      },
    });
  });
}

/** A field of a stored answer, as the event carries it. */
function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
