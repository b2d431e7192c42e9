// The audit job (search-audit/): under the mailbox's sync lock, as every job that logs mail; when
// a widening still owes let-go mail a look, the job comes back for it a minute later.
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { requestEventDelivery } from '../events/deliver-events.ts';
import { enqueueAudit } from '../queue/enqueue.ts';
import { auditJobKey, MAX_ATTEMPTS, syncLockName, TASK } from '../queue/job-names.ts';
import { runAudit } from '../search-audit/audit-mailbox.ts';
import type { SyncDeps } from '../sync/sync-context.ts';

const payloadSchema = z.object({ mailbox_id: z.uuid() });

export function auditTask(deps: Deps, syncDeps: SyncDeps, webhook: boolean): Task {
  return async (payload, helpers) => {
    const { mailbox_id } = payloadSchema.parse(payload);
    const release = await deps.database.locks.tryLock(syncLockName(mailbox_id));
    if (!release) {
      // A sync of this mailbox is running: its mail is not let go yet, and it holds the quota.
      await helpers.addJob(TASK.auditMailbox, payload, {
        jobKey: auditJobKey(mailbox_id),
        jobKeyMode: 'preserve_run_at',
        runAt: new Date(Date.now() + deps.config.timings.mailboxBusyRetryMs),
        maxAttempts: MAX_ATTEMPTS.auditMailbox,
      });
      return;
    }
    try {
      const log = deps.log.child({ job_id: helpers.job.id });
      const result = await runAudit({ ...syncDeps, log }, mailbox_id, deps.config.sync.audit);
      if (!result) return;
      deps.metrics.audited(
        {
          clean: result.sampled - result.missed,
          missed: result.missed,
          widened_clean: result.widened - result.widenedMissed,
          widened_missed: result.widenedMissed,
        },
        result.units,
      );
      deps.metrics.activitiesLogged(result.logged.length + result.followed);
      if (result.owed > 0) {
        await enqueueAudit(
          deps.database.db,
          mailbox_id,
          new Date(Date.now() + deps.config.timings.auditOwedAgainMs),
        );
      }
      if (result.logged.length > 0 && webhook) await requestEventDelivery(deps.database.db);
    } finally {
      await release();
    }
  };
}
