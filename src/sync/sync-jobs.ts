// Queueing mailbox syncs. One queue per mailbox serialises its syncs; job keys coalesce: many pushes
// while a sync waits make one job. Full and incremental syncs have separate keys so a push never
// replaces a pending full sync.
import { addJob, type Executor } from '../jobs/enqueue.ts';

export const SYNC_TASK = 'sync_mailbox';

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
      jobKey: `${full ? 'full-sync' : 'sync'}:${mailboxId}`,
      queueName: `mailbox:${mailboxId}`,
      ...(opts.runAt ? { runAt: opts.runAt } : {}),
      maxAttempts: 10,
    },
  );
}
