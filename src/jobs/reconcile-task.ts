// The reconciliation job (reconcile/): under the mailbox's sync lock, since a sync running beside it
// would have its mail counted as gaps; then the audit of what search let go (search-audit/), which
// checks search's verdicts without search, is queued to follow it.
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { requestEventDelivery } from '../events/deliver-events.ts';
import { enqueueAudit } from '../queue/enqueue.ts';
import { MAX_ATTEMPTS, reconcileJobKey, syncLockName, TASK } from '../queue/job-names.ts';
import { runReconciliation } from '../reconcile/reconcile-mailbox.ts';
import type { SyncDeps } from '../sync/sync-context.ts';

const reconcilePayload = z.object({
  mailbox_id: z.uuid(),
  window: z.enum(['backfill', 'since_last']).optional(),
});

export function reconcileTask(deps: Deps, syncDeps: SyncDeps, webhook: boolean): Task {
  return async (payload, helpers) => {
    const { mailbox_id, window } = reconcilePayload.parse(payload);
    const release = await deps.database.locks.tryLock(syncLockName(mailbox_id));
    if (!release) {
      // A sync of this mailbox is running: the reconciliation would count its mail as gaps.
      await helpers.addJob(TASK.reconcileMailbox, payload, {
        jobKey: reconcileJobKey(mailbox_id),
        jobKeyMode: 'preserve_run_at',
        runAt: new Date(Date.now() + deps.config.timings.mailboxBusyRetryMs),
        maxAttempts: MAX_ATTEMPTS.reconcileMailbox,
      });
      return;
    }
    try {
      const outcome = await runReconciliation(syncDeps, mailbox_id, window ?? 'since_last');
      if (outcome.kind !== 'reconciled') return;
      // Search's own view is proven; the audit checks search's verdicts without it, after.
      await enqueueAudit(deps.database.db, mailbox_id);
      const { result } = outcome;
      const found = result.repaired.length + result.missing.length;
      deps.metrics.reconciled(found, result.repaired.length, result.units);
      deps.metrics.activitiesLogged(result.repaired.length);
      if (result.repaired.length > 0 && webhook) await requestEventDelivery(deps.database.db);
    } finally {
      await release();
    }
  };
}
