// The one runner of every job on a mailbox (sync, check, reconciliation, audit, search for pending
// mail, on its mail's sync lock; its calendar's sync, on a lock of its own): the payload parsed,
// the lock taken — or, when another job holds it, the same job queued again a moment later under
// its key — the use case run with a logger naming the job, and the lock released whatever happens.
// Jobs on a mailbox's mail are kept apart because each reads its history or logs its mail: two at
// once would count each other's mail as gaps, or read history before a change the other was
// queued for.
import type { Task } from 'graphile-worker';
import type { z } from 'zod';
import type { Deps } from '../deps.ts';
import type { Logger } from '../logger.ts';
import { type MailboxJobName, mailboxJobLock, requeueBusyMailboxJob } from '../queue/busy-retry.ts';

export interface MailboxJobRun<P> {
  payload: P;
  /** The worker's logger with the job's id (the use case adds the mailbox's). */
  log: Logger;
  jobId: string;
}

export function mailboxJob<S extends z.ZodType<{ mailbox_id: string }>>(
  deps: Deps,
  kind: MailboxJobName,
  schema: S,
  run: (job: MailboxJobRun<z.infer<S>>) => Promise<void>,
): Task {
  return async (raw, helpers) => {
    const payload = schema.parse(raw);
    const release = await deps.database.locks.tryLock(mailboxJobLock(kind, payload.mailbox_id));
    if (!release) {
      await requeueBusyMailboxJob(
        deps.database.db,
        kind,
        payload,
        deps.config.timings.mailboxBusyRetryMs,
      );
      return;
    }
    try {
      const jobId = helpers.job.id;
      const log = deps.log.child({ job_id: jobId });
      await run({ payload, log, jobId });
    } finally {
      await release();
    }
  };
}
