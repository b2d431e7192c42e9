// A mailbox's job that Gmail throttled past what a call may wait (`MailboxThrottled`: a refusal
// naming a time minutes or hours ahead) is put off until that time, not failed: graphile-worker
// would retry it on its own backoff (seconds, then minutes) against a Gmail that refuses until
// then, and count each try toward the job's attempts until it gave up, and each message fetch
// refused toward its dead-letter limit (integrations that did so dead-lettered mail or marked the
// channel failed: twentyhq/twenty#17850, garrytan/gbrain#4959). So the job is added again at
// Gmail's time under its own key, the mailbox's other waiting jobs are moved there too, status
// shows `throttled_until`, and the running job completes.
import type { JobHelpers, Task } from 'graphile-worker';
import type { Db } from '../db/database.ts';
import { MailboxThrottled } from '../google/gmail-errors.ts';
import type { Logger } from '../logger.ts';
import { markThrottled } from '../mailbox/mailbox-store.ts';
import { rescheduleMailboxJobs } from '../queue/enqueue.ts';

/** Wraps each task whose payload names a mailbox so a throttle puts its work off (see above). */
export function putOffWhenThrottled(
  deps: { db: Db; log: Logger },
  tasks: Record<string, Task>,
): Record<string, Task> {
  const wrap =
    (task: Task): Task =>
    async (payload, helpers) => {
      try {
        return await task(payload, helpers);
      } catch (error) {
        const mailboxId = (payload as { mailbox_id?: unknown } | null)?.mailbox_id;
        if (!(error instanceof MailboxThrottled) || typeof mailboxId !== 'string') throw error;
        await putOff(deps, mailboxId, error.until, helpers);
      }
    };
  return Object.fromEntries(Object.entries(tasks).map(([name, task]) => [name, wrap(task)]));
}

async function putOff(
  deps: { db: Db; log: Logger },
  mailboxId: string,
  until: Date,
  helpers: JobHelpers,
): Promise<void> {
  const { job } = helpers;
  await markThrottled(deps.db, mailboxId, until);
  const moved = await rescheduleMailboxJobs(deps.db, mailboxId, until);
  // Under its own key: a job of that key waiting meanwhile (a push's sync) takes this time too.
  await helpers.addJob(job.task_identifier, job.payload, {
    ...(job.key ? { jobKey: job.key } : {}),
    runAt: until,
    maxAttempts: job.max_attempts,
  });
  deps.log.warn(
    { mailbox_id: mailboxId, job_id: job.id, until: until.toISOString(), moved },
    "Gmail is throttling the mailbox: its work is put off until Gmail's time",
  );
}
