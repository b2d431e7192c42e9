// The scheduled_sends rows through their life: listed for their owner, cancelled while they wait,
// claimed by an attempt, and finished (sent, failed, or planned again). Each transition is one
// conditional statement, so a cancel and an attempt racing for one row cannot both win, and the
// events `scheduled.sent` / `scheduled.failed` are written by the statement that makes them true.

import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import type { ScheduledStatus } from '../db/schema.ts';
import { EVENT } from '../events/event-types.ts';
import { askEventDelivery, insertEventsSql } from '../events/record-events.ts';
import { enqueueScheduledSend, removeScheduledSendJob } from '../queue/enqueue.ts';
import type { SentIds } from '../send/gmail-send.ts';

export interface ScheduledView {
  scheduled_id: string;
  status: ScheduledStatus;
  send_at: string;
  next_attempt_at: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  attempts: number;
  created_at: string;
  sent_at: string | null;
  message_id: string | null;
  thread_id: string | null;
  activity_id: string | null;
  last_error: string | null;
}

type ViewRow = {
  id: string;
  status: ScheduledStatus;
  send_at: Date;
  next_attempt_at: Date;
  to_addresses: string[];
  cc_addresses: string[];
  bcc_addresses: string[];
  subject: string;
  attempts: number;
  created_at: Date;
  sent_at: Date | null;
  gmail_message_id: string | null;
  thread_id: string | null;
  activity_id: string | null;
  last_error: string | null;
};

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function toView(r: ViewRow): ScheduledView {
  return {
    scheduled_id: r.id,
    status: r.status,
    send_at: new Date(r.send_at).toISOString(),
    next_attempt_at: new Date(r.next_attempt_at).toISOString(),
    to: r.to_addresses,
    cc: r.cc_addresses,
    bcc: r.bcc_addresses,
    subject: r.subject,
    attempts: r.attempts,
    created_at: new Date(r.created_at).toISOString(),
    sent_at: iso(r.sent_at),
    message_id: r.gmail_message_id,
    thread_id: r.thread_id,
    activity_id: r.activity_id,
    last_error: r.last_error,
  };
}

const VIEW_COLUMNS = sql`id, status, send_at, next_attempt_at, to_addresses, cc_addresses,
  bcc_addresses, subject, attempts, created_at, sent_at, gmail_message_id, thread_id, activity_id,
  last_error`;

export interface ListCursor {
  sendAt: string;
  id: string;
}

/** The caller's scheduled mail by send time (earliest first), optionally of one status. */
export async function listScheduled(
  db: Db,
  owner: { orgId: string; userId: string },
  opts: { limit: number; status?: ScheduledStatus | undefined; after?: ListCursor | undefined },
): Promise<{ items: ScheduledView[]; next: ListCursor | null }> {
  const { rows } = await db.execute<ViewRow>(sql`
    select ${VIEW_COLUMNS} from scheduled_sends
     where org_id = ${owner.orgId} and user_id = ${owner.userId}
       ${opts.status ? sql`and status = ${opts.status}` : sql``}
       ${opts.after ? sql`and (send_at, id) > (${opts.after.sendAt}::timestamptz, ${opts.after.id}::uuid)` : sql``}
     order by send_at, id
     limit ${opts.limit + 1}`);
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    items: page.map(toView),
    next:
      rows.length > opts.limit && last
        ? { sendAt: new Date(last.send_at).toISOString(), id: last.id }
        : null,
  };
}

/**
 * Cancels the caller's mail while it waits. Already cancelled: answered as it is. Sent, or an
 * attempt under way (Gmail may have it already): 409 `already_sent`. Failed: 409 `already_failed`.
 */
export async function cancelScheduled(
  db: Db,
  owner: { orgId: string; userId: string },
  id: string,
): Promise<ScheduledView> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.execute<ViewRow>(sql`
      select ${VIEW_COLUMNS} from scheduled_sends
       where id = ${id} and org_id = ${owner.orgId} and user_id = ${owner.userId}
       for update`);
    const row = rows[0];
    if (!row) throw new AppError('not_found', 'no scheduled mail with this id');
    if (row.status === 'sent' || row.status === 'sending') {
      throw new AppError('already_sent', 'this mail was already sent (or is being sent)', {
        details: { status: row.status, message_id: row.gmail_message_id },
      });
    }
    if (row.status === 'failed') {
      throw new AppError('already_failed', 'this mail could not be sent and will not be', {
        details: { status: row.status, last_error: row.last_error },
      });
    }
    if (row.status === 'cancelled') return toView(row);
    const { rows: updated } = await tx.execute<ViewRow>(sql`
      update scheduled_sends
         set status = 'cancelled', sealed_mail = null, wrapped_key = null, key_id = null,
             updated_at = now()
       where id = ${id}
      returning ${VIEW_COLUMNS}`);
    await removeScheduledSendJob(tx, id);
    const cancelled = updated[0];
    if (!cancelled) throw new Error('cancelled row vanished');
    return toView(cancelled);
  });
}

export interface ClaimedSend {
  id: string;
  orgId: string;
  mailboxId: string;
  /** The status before this claim: `sending` means an earlier attempt's outcome is unknown. */
  previous: 'scheduled' | 'sending';
  messageIdHeader: string;
  historyIdBefore: number | null;
  attempts: number;
  sealed: { ciphertext: Buffer; wrappedKey: Buffer; keyId: string } | null;
}

/**
 * Claims a due mail for this attempt, in the statement that records the attempt: its status
 * becomes `sending` and the attempt is counted. The mailbox's history cursor is noted on the first
 * attempt that may send (a later one keeps it: the mail may have gone during the earlier one).
 * Null when there is nothing to do (cancelled, finished, or not yet due).
 */
export async function claimScheduled(db: Db, id: string): Promise<ClaimedSend | null> {
  const { rows } = await db.execute<{
    id: string;
    org_id: string;
    mailbox_id: string;
    previous: 'scheduled' | 'sending';
    message_id_header: string;
    history_id_before: string | null;
    attempts: number;
    sealed_mail: Buffer | null;
    wrapped_key: Buffer | null;
    key_id: string | null;
  }>(sql`
    with prev as (
      select id, status from scheduled_sends
       where id = ${id} and status in ('scheduled', 'sending')
         and next_attempt_at <= now() + interval '1 second'
       for update
    )
    update scheduled_sends s
       set status = 'sending', attempts = s.attempts + 1, attempt_started_at = now(),
           updated_at = now(),
           history_id_before = case when prev.status = 'scheduled'
             then (select history_id from mailboxes m where m.id = s.mailbox_id)
             else s.history_id_before end
      from prev
     where s.id = prev.id
    returning s.id, s.org_id, s.mailbox_id, prev.status as previous, s.message_id_header,
              s.history_id_before, s.attempts, s.sealed_mail, s.wrapped_key, s.key_id`);
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    orgId: r.org_id,
    mailboxId: r.mailbox_id,
    previous: r.previous,
    messageIdHeader: r.message_id_header,
    historyIdBefore: r.history_id_before === null ? null : Number(r.history_id_before),
    attempts: r.attempts,
    sealed:
      r.sealed_mail && r.wrapped_key && r.key_id
        ? { ciphertext: r.sealed_mail, wrappedKey: r.wrapped_key, keyId: r.key_id }
        : null,
  };
}

/** The mail went: the row says where, the content is dropped, the CRM is told once. */
export async function finishSent(
  db: Db,
  id: string,
  sent: SentIds,
  activityId: string | null,
): Promise<void> {
  await db.execute(sql`
    with done as (
      update scheduled_sends
         set status = 'sent', gmail_message_id = ${sent.id}, thread_id = ${sent.threadId},
             activity_id = ${activityId}, sent_at = now(), last_error = null,
             sealed_mail = null, wrapped_key = null, key_id = null, updated_at = now()
       where id = ${id} and status = 'sending'
      returning id, org_id, mailbox_id, send_at, sent_at
    )
    ${insertEventsSql(sql`
    select org_id, mailbox_id, ${EVENT.scheduledSent}::text,
           jsonb_build_object('scheduled_id', id, 'message_id', ${sent.id}::text,
                              'thread_id', ${sent.threadId}::text,
                              'activity_id', ${activityId}::uuid,
                              'send_at', send_at, 'sent_at', sent_at)
      from done`)}`);
  await askEventDelivery(db);
}

export type FailureReason =
  | 'mailbox_revoked'
  | 'mailbox_disconnected'
  | 'suppressed'
  | 'gmail_rejected'
  | 'unreadable';

/** The mail can never go: failed for good, its content dropped, the CRM told once. */
export async function finishFailed(
  db: Db,
  id: string,
  reason: FailureReason,
  message: string,
  addresses: string[] = [],
): Promise<void> {
  await db.execute(sql`
    with done as (
      update scheduled_sends
         set status = 'failed', last_error = ${message},
             sealed_mail = null, wrapped_key = null, key_id = null, updated_at = now()
       where id = ${id} and status in ('scheduled', 'sending')
      returning id, org_id, mailbox_id
    )
    ${insertEventsSql(sql`
    select org_id, mailbox_id, ${EVENT.scheduledFailed}::text,
           jsonb_build_object('scheduled_id', id, 'reason', ${reason}::text,
                              'message', ${message}::text,
                              'addresses', ${JSON.stringify(addresses)}::jsonb)
      from done`)}`);
  await askEventDelivery(db);
}

/**
 * Another attempt at `runAt`. `outcome: 'refused'` (Gmail said no, nothing went: the daily limit,
 * a rate refusal, a failure before the send) puts the row back to `scheduled`; `'unknown'` keeps it
 * `sending`, so the next attempt looks the mail up in Gmail before sending.
 */
export async function planAgain(
  db: Db,
  id: string,
  runAt: Date,
  outcome: 'refused' | 'unknown',
  lastError: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.execute(sql`
      update scheduled_sends
         set status = ${outcome === 'refused' ? 'scheduled' : 'sending'},
             next_attempt_at = ${runAt.toISOString()}, last_error = ${lastError},
             updated_at = now()
       where id = ${id} and status = 'sending'
      returning id`);
    if (rows.length > 0) await enqueueScheduledSend(tx, id, runAt);
  });
}
