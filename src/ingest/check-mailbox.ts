// The poll's cheap check of a mailbox whose pushes are healthy (push-health.ts): one getProfile
// (1 quota unit) tells whether Gmail's mailbox has moved past the cursor. The incremental sync lists
// every history record kind, so after it the cursor is the mailbox's own historyId: a quiet mailbox
// costs no history.list.
//
// Gmail ahead of the cursor is looked at again after PUSH_GRACE_MS, so that a push still on its way
// (Gmail publishes, Pub/Sub delivers, our endpoint records it, typically within a second) and the
// sync it queues have landed. Then:
// - the cursor has caught up: a push's sync read the change; nothing more.
// - it has not: the caller syncs now (the lock is held, so no other sync is between). Whether a push
//   was missed is decided here, before that sync, from `announced_history_id`, which only pushes
//   raise: below the profile's historyId, no push announced the change in time, `missed_push_at` is
//   set and the poll syncs the mailbox every 15 minutes for a day. At or above it, a push came but
//   its sync did not read the change (a record not listable yet, a sync that failed): synced now,
//   and the pushes are not blamed.
// The sync is decided by the cursor, never by what was announced: an announced change is only
// queued for a sync, not yet read, and a check that trusted the announcement could pass it over.
import { sql } from '../db/orm.ts';
import { gmailHistoryId } from '../google/gmail-history-id.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { markSyncFailed } from '../mailbox/mailbox-store.ts';
import { handleRevokedGrant } from '../mailbox/revocation.ts';
import { enqueueSecondLook } from '../queue/enqueue.ts';
import type { SyncDeps } from '../sync/sync-context.ts';
import { failureReason } from './sync-mailbox.ts';

/** How long a change may wait for its push before a check calls that push missed. */
export const PUSH_GRACE_MS = 5_000;

export type CheckOutcome =
  /** Gmail is where the cursor is: no history call. */
  | { kind: 'clean' }
  /** Gmail is ahead of the cursor: a second look is queued after the grace. */
  | { kind: 'behind'; historyId: number }
  /** The second look: a push's sync has read the change meanwhile. */
  | { kind: 'caught_up' }
  /** The second look: a push announced the change, no sync has read it; the caller syncs now. */
  | { kind: 'unread' }
  /** The second look: no push announced it; recorded as a missed push, the caller syncs now. */
  | { kind: 'missed_push' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'revoked' };

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
  if (profileHistoryId !== undefined) {
    if (profileHistoryId <= cursor) {
      await markChecked(deps, mailbox.id, false);
      return { kind: 'caught_up' };
    }
    const missed = profileHistoryId > (mailbox.announcedHistoryId ?? 0);
    await markChecked(deps, mailbox.id, missed);
    return { kind: missed ? 'missed_push' : 'unread' };
  }
  // Queued while healthy, found otherwise (an error, a full sync under way): the poll syncs it.
  if (mailbox.status !== 'active' || mailbox.historyId === null) {
    return { kind: 'skipped', reason: 'not active' };
  }
  let current: number;
  try {
    current = await profileHistoryIdOf(deps, mailbox);
  } catch (error) {
    if (await handleRevokedGrant(deps, mailbox, error)) return { kind: 'revoked' };
    // As a failed sync: the mailbox shows the error and is synced by the poll, with backoff.
    await markSyncFailed(deps.db, mailbox, failureReason(error));
    throw error;
  }
  if (current <= cursor) {
    await markChecked(deps, mailbox.id, false);
    return { kind: 'clean' };
  }
  await enqueueSecondLook(deps.db, mailbox.id, current, new Date(Date.now() + PUSH_GRACE_MS));
  return { kind: 'behind', historyId: current };
}

/** Gmail's current historyId of the mailbox (users.getProfile, 1 unit). */
async function profileHistoryIdOf(deps: SyncDeps, mailbox: Mailbox): Promise<number> {
  const { gmail } = await deps.mailboxAuth.accessFor(mailbox);
  return gmailHistoryId(gmail, deps.pacers.forMailbox(mailbox.id));
}

async function markChecked(deps: SyncDeps, mailboxId: string, missed: boolean): Promise<void> {
  await deps.db.execute(sql`
    update mailboxes
       set checked_at = now(),
           missed_push_at = case when ${missed}::boolean then now() else missed_push_at end
     where id = ${mailboxId}`);
}
