// One attempt at a scheduled mail, run by the `send_scheduled` job at its time. Exactly once:
//  - the row is claimed (status `sending`, attempt counted) before Gmail is called, in one
//    statement, and a session lock keeps two processes off one mail at once;
//  - an attempt that finds the row already `sending` follows one whose outcome is unknown (a
//    crash, a lost answer): it asks Gmail whether the mail is there (send/sent-lookup.ts) and only
//    sends if it is not;
//  - once Gmail answers, the record is written (idempotent writes) and the row marked sent by the
//    statement that announces `scheduled.sent`; a crash before that is the case above.
// Gmail's daily limit and rate refusals plan the mail again for when Gmail allows; it fails
// (`scheduled.failed`) only when it can never go: grant revoked, mailbox disconnected, a recipient
// suppressed meanwhile, or Gmail refusing the mail itself.

import { isAppError } from '../app-error.ts';
import type { Timings } from '../config-timings.ts';
import type { SessionLocks } from '../db/session-locks.ts';
import { getMailbox, type Mailbox } from '../mailbox/mailbox-store.ts';
import { handleRevokedGrant } from '../mailbox/revocation.ts';
import { enqueueScheduledSend } from '../queue/enqueue.ts';
import { scheduledLockName } from '../queue/job-names.ts';
import { type SentIds, sendRaw } from '../send/gmail-send.ts';
import { findSentMail } from '../send/sent-lookup.ts';
import { recordSentMail } from '../send/sent-record.ts';
import { suppressedAmong } from '../suppressions/suppression-store.ts';
import type { ScheduleDeps } from './schedule-mail.ts';
import {
  type ClaimedSend,
  claimScheduled,
  finishFailed,
  finishSent,
  planAgain,
} from './scheduled-store.ts';
import { type MailAtRest, openMail } from './sealed-mail.ts';

export interface RunScheduledDeps extends ScheduleDeps {
  locks: SessionLocks;
  /** An attempt whose outcome is unknown is looked up after `first`, doubling, at most `max`
   * (an hour in production). */
  unknownRetryMs: Timings['scheduledUnknownRetryMs'];
  /** A duplicate job that finds the mail's lock taken looks again this much later. */
  busyRetryMs: Timings['mailboxBusyRetryMs'];
}

export type AttemptOutcome =
  | 'busy'
  | 'nothing_due'
  | 'sent'
  | 'found_sent'
  | 'failed'
  | 'planned_again';

export async function runScheduledSend(
  deps: RunScheduledDeps,
  id: string,
): Promise<AttemptOutcome> {
  const release = await deps.locks.tryLock(scheduledLockName(id));
  if (!release) {
    // Another process holds this mail's lock (a duplicate job): look again once it is done.
    await enqueueScheduledSend(deps.db, id, new Date(Date.now() + deps.busyRetryMs));
    return 'busy';
  }
  try {
    const claim = await claimScheduled(deps.db, id);
    if (!claim) return 'nothing_due';
    return await attempt(deps, claim);
  } finally {
    await release();
  }
}

async function attempt(deps: RunScheduledDeps, claim: ClaimedSend): Promise<AttemptOutcome> {
  const mailbox = await getMailbox(deps.db, claim.mailboxId);
  if (!mailbox || mailbox.status === 'disconnected') {
    await finishFailed(deps.db, claim.id, 'mailbox_disconnected', 'the mailbox was disconnected');
    return 'failed';
  }
  if (mailbox.status === 'revoked') return failRevoked(deps, claim);
  if (!claim.sealed) {
    await finishFailed(deps.db, claim.id, 'unreadable', 'the scheduled mail is no longer stored');
    return 'failed';
  }
  const mail = await openMail(deps.vault, claim.id, claim.sealed);
  if (claim.previous === 'sending') {
    const found = await lookUp(deps, mailbox, claim);
    if (found === 'revoked') return failRevoked(deps, claim);
    // The account is out of reach for now (needs_admin): asked again once it may be back.
    if (found === 'unreachable') {
      await planAgain(deps.db, claim.id, inAnHour(), 'unknown', 'mailbox_needs_admin');
      return 'planned_again';
    }
    if (found) {
      await finish(deps, mailbox, claim, mail, found);
      return 'found_sent';
    }
  }
  const { to, cc, bcc } = mail.record.recipients;
  const everyone = [...to, ...cc, ...bcc].map((r) => r.email);
  const suppressed = await suppressedAmong(deps.db, claim.orgId, everyone);
  if (suppressed.length > 0) {
    await finishFailed(
      deps.db,
      claim.id,
      'suppressed',
      `${suppressed[0]} is on the organisation's suppression list`,
      suppressed,
    );
    return 'failed';
  }
  let sent: SentIds;
  try {
    sent = await sendRaw(deps, mailbox, mail.raw, mail.record.threadId);
  } catch (error) {
    return afterRefusal(deps, claim, error);
  }
  await finish(deps, mailbox, claim, mail, sent);
  return 'sent';
}

async function finish(
  deps: RunScheduledDeps,
  mailbox: Mailbox,
  claim: ClaimedSend,
  mail: MailAtRest,
  sent: SentIds,
): Promise<void> {
  const activityId = await recordSentMail(deps, mailbox, mail.record, sent, {
    scheduledId: claim.id,
  });
  await finishSent(deps.db, claim.id, sent, activityId);
}

async function lookUp(
  deps: RunScheduledDeps,
  mailbox: Mailbox,
  claim: ClaimedSend,
): Promise<SentIds | null | 'revoked' | 'unreachable'> {
  try {
    const { gmail } = await deps.mailboxAuth.accessFor(mailbox);
    return await findSentMail(gmail, deps.pacers.forMailbox(mailbox.id), claim);
  } catch (error) {
    const lost = await handleRevokedGrant(deps, mailbox, error);
    if (lost) return lost === 'revoked' ? 'revoked' : 'unreachable';
    throw error;
  }
}

/** An account out of reach is probed hourly (mailbox/revocation.ts): its mail waits as long. */
const inAnHour = () => new Date(Date.now() + 3_600_000);

async function failRevoked(deps: RunScheduledDeps, claim: ClaimedSend): Promise<'failed'> {
  await finishFailed(deps.db, claim.id, 'mailbox_revoked', 'the Gmail grant was revoked');
  return 'failed';
}

/** What Gmail's refusal (as sendRaw says it) means for the mail. */
async function afterRefusal(
  deps: RunScheduledDeps,
  claim: ClaimedSend,
  error: unknown,
): Promise<AttemptOutcome> {
  if (!isAppError(error)) throw error;
  const now = Date.now();
  switch (error.code) {
    case 'mailbox_revoked':
      return failRevoked(deps, claim);
    case 'mailbox_needs_admin':
      await planAgain(deps.db, claim.id, inAnHour(), 'refused', error.code);
      return 'planned_again';
    case 'gmail_rejected':
      await finishFailed(deps.db, claim.id, 'gmail_rejected', error.message);
      return 'failed';
    case 'daily_send_limit': {
      // Gmail names when its rolling day allows again: the mail goes then, not before.
      const retryAt = new Date(String(error.details?.retry_at ?? now + 86_400_000));
      await planAgain(deps.db, claim.id, retryAt, 'refused', 'daily_send_limit');
      return 'planned_again';
    }
    case 'quota_exceeded': {
      const waitS = Number(error.details?.retry_after_s ?? 60);
      await planAgain(deps.db, claim.id, new Date(now + waitS * 1000), 'refused', 'quota_exceeded');
      return 'planned_again';
    }
    default: {
      const backoff = Math.min(
        deps.unknownRetryMs.max,
        deps.unknownRetryMs.first * 2 ** Math.max(0, claim.attempts - 1),
      );
      await planAgain(deps.db, claim.id, new Date(now + backoff), 'unknown', error.code);
      return 'planned_again';
    }
  }
}
