// The poll's cheap check of a mailbox whose pushes are healthy (push-health.ts): one getProfile
// (1 quota unit) tells whether Gmail's mailbox has moved past the cursor. The incremental sync lists
// every history record kind, so after it the cursor is the mailbox's own historyId: a quiet mailbox
// costs no history.list.
//
// Gmail ahead of the cursor is looked at again after `timings.pushGraceMs` (5 s in production), so
// that a push still on its way (Gmail publishes, Pub/Sub delivers, our endpoint records it,
// typically within a second) and the sync it queues have landed. Then:
// - the cursor has caught up: a push's sync read the change; nothing more.
// - it has not: the caller syncs now (the lock is held, so no other sync is between) and then
//   settles the check (`settleCheck`) by what that sync found. Records past both the old cursor and
//   every id a push announced (`announced_history_id`, which only pushes raise): no push announced
//   them, `missed_push_at` is set and the poll syncs the mailbox every 15 minutes for a day. Records
//   a push announced: its sync did not read them (a record not listable yet, a sync that failed),
//   and the pushes are not blamed. Nothing listable up to Gmail's id, 5 seconds and more after Gmail
//   answered it: Gmail moved its historyId for changes the API does not show
//   (googleworkspace/python-samples#200); that id is remembered as quiet (`quiet_history_id`), so
//   the next checks and probing syncs compare Gmail's id with it and spend no history.list on it,
//   and no push is blamed for it.
// The sync is decided by the cursor, never by what was announced: an announced change is only
// queued for a sync, not yet read, and a check that trusted the announcement could pass it over.
import { MailboxThrottled } from '../google/gmail-errors.ts';
import { gmailHistoryId } from '../google/gmail-history-id.ts';
import { recordCheck } from '../mailbox/mailbox-cursor.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { markSyncFailed } from '../mailbox/mailbox-transitions.ts';
import { handleRevokedGrant } from '../mailbox/revocation.ts';
import { enqueueSecondLook } from '../queue/enqueue.ts';
import type { SyncDeps } from '../sync/sync-context.ts';
import { failureReason } from './sync-mailbox.ts';

export type CheckOutcome =
  /** Gmail is where the cursor is: no history call. */
  | { kind: 'clean' }
  /** Gmail is ahead of the cursor: a second look is queued after the grace. */
  | { kind: 'behind'; historyId: number }
  /** The second look: a push's sync has read the change meanwhile. */
  | { kind: 'caught_up' }
  /** The second look: Gmail is still ahead; the caller syncs now, then settles the check. */
  | { kind: 'unread'; historyId: number; cursor: number }
  | { kind: 'skipped'; reason: string }
  | { kind: 'revoked' | 'needs_admin' };

/** What the sync after a second look found. */
export type SettledCheck =
  /** Records no push announced: recorded as a missed push. */
  | { kind: 'missed_push' }
  /** Records a push announced, that its sync had not read. */
  | { kind: 'unread' }
  /** Nothing listable up to Gmail's id: its historyId moved without records. */
  | { kind: 'quiet' }
  | { kind: 'skipped'; reason: string };

/**
 * The first look (no `profileHistoryId`), or the second look at the historyId the first one was
 * answered. The caller holds the mailbox's sync lock, as a sync does.
 */
export async function checkMailbox(
  deps: SyncDeps,
  mailboxId: string,
  profileHistoryId?: number,
): Promise<CheckOutcome> {
  const mailbox = await deps.shared.readMailbox(mailboxId);
  if (!mailbox) return { kind: 'skipped', reason: 'unknown mailbox' };
  if (mailbox.status === 'revoked' || mailbox.status === 'disconnected') {
    return { kind: 'skipped', reason: mailbox.status };
  }
  const cursor = mailbox.historyId ?? 0;
  const known = Math.max(cursor, mailbox.quietHistoryId ?? 0);
  if (profileHistoryId !== undefined) {
    if (profileHistoryId <= known) {
      await recordCheck(deps.db, mailbox.id, { missedPush: false });
      return { kind: 'caught_up' };
    }
    return { kind: 'unread', historyId: profileHistoryId, cursor };
  }
  // Queued while healthy, found otherwise (an error, a full sync under way): the poll syncs it.
  if (mailbox.status !== 'active' || mailbox.historyId === null) {
    return { kind: 'skipped', reason: 'not active' };
  }
  if (mailbox.throttledUntil && mailbox.throttledUntil.getTime() > Date.now())
    throw new MailboxThrottled(mailbox.throttledUntil);
  let current: number;
  try {
    current = await profileHistoryIdOf(deps, mailbox);
  } catch (error) {
    const lost = await handleRevokedGrant(deps, mailbox, error);
    if (lost) return { kind: lost };
    if (error instanceof MailboxThrottled) throw error;
    // As a failed sync: the mailbox shows the error and is synced by the poll, with backoff.
    await markSyncFailed(deps.db, mailbox, failureReason(error));
    throw error;
  }
  if (current <= known) {
    await recordCheck(deps.db, mailbox.id, { missedPush: false });
    return { kind: 'clean' };
  }
  await enqueueSecondLook(
    deps.db,
    mailbox.id,
    current,
    new Date(Date.now() + deps.timings.pushGraceMs),
  );
  return { kind: 'behind', historyId: current };
}

/**
 * After the sync a second look asked for: what it listed past the cursor decides. Records past the
 * old cursor and every announced id: a missed push. The cursor still below Gmail's id: nothing was
 * listable up to it, though Gmail answered it at least `timings.pushGraceMs` before the listing, so
 * its historyId moved without records, and that id is quiet from now on.
 */
export async function settleCheck(
  deps: SyncDeps,
  mailboxId: string,
  look: { historyId: number; cursor: number },
): Promise<SettledCheck> {
  const mailbox = await deps.shared.readMailbox(mailboxId);
  const cursor = mailbox?.historyId ?? 0;
  const missed = cursor > Math.max(look.cursor, mailbox?.announcedHistoryId ?? 0);
  const quiet = cursor < look.historyId;
  await recordCheck(deps.db, mailboxId, {
    missedPush: missed,
    ...(quiet ? { quietId: look.historyId } : {}),
  });
  return { kind: missed ? 'missed_push' : quiet ? 'quiet' : 'unread' };
}

/** Gmail's current historyId of the mailbox (users.getProfile, 1 unit). */
async function profileHistoryIdOf(deps: SyncDeps, mailbox: Mailbox): Promise<number> {
  const { gmail } = await deps.mailboxAuth.accessFor(mailbox);
  return gmailHistoryId(gmail, deps.pacers.forMailbox(mailbox.id));
}
