// Queueing mailbox syncs. Job keys coalesce: many pushes while a sync waits make one job. Full and
// incremental syncs have separate keys so a push never replaces a pending full sync. One sync per
// mailbox runs at a time (the task takes the mailbox's session lock; see jobs/task-list.ts).
import { addJob, type Executor } from './enqueue.ts';

export const SYNC_TASK = 'sync_mailbox';

/** The session lock a sync of this mailbox holds. */
export const syncLockName = (mailboxId: string) => `mailbox-sync:${mailboxId}`;

/** Job key of a mailbox's pending sync: coalesces the pushes that arrive while it waits. */
export const syncJobKey = (mailboxId: string, full = false) =>
  `${full ? 'full-sync' : 'sync'}:${mailboxId}`;

export interface SyncJobPayload {
  mailbox_id: string;
  full?: boolean;
}

export function enqueueSync(
  db: Executor,
  mailboxId: string,
  opts: { full?: boolean; runAt?: Date } = {},
) {
  const full = opts.full === true;
  const payload: SyncJobPayload = { mailbox_id: mailboxId, ...(full ? { full } : {}) };
  return addJob(
    db,
    SYNC_TASK,
    { ...payload },
    {
      jobKey: syncJobKey(mailboxId, full),
      ...(opts.runAt ? { runAt: opts.runAt } : {}),
      maxAttempts: 10,
    },
  );
}
