// The worker's `calendar_sync` task: one calendar sync of a mailbox at a time (its own session
// lock, apart from its mail's), a sync that finds it busy run again two seconds later.
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { requestEventDelivery } from '../events/deliver-events.ts';
import { calendarJobKey, calendarLockName, MAX_ATTEMPTS, TASK } from '../queue/job-names.ts';
import { syncCalendar } from './calendar-sync.ts';

const payloadSchema = z.object({
  mailbox_id: z.uuid(),
  mode: z.enum(['incremental', 'full', 'window']).default('incremental'),
});
export function makeCalendarTask(deps: Deps): Task {
  const calendarDeps = {
    db: deps.database.db,
    log: deps.log,
    mailboxAuth: deps.mailboxAuth,
    calendarPacers: deps.calendarPacers,
    google: deps.config.google,
    publicUrl: deps.config.publicUrl,
    retroDays: deps.config.sync.retroDays,
    orgRules: deps.orgRules,
  };
  return async (payload, helpers) => {
    const { mailbox_id, mode } = payloadSchema.parse(payload);
    const release = await deps.database.locks.tryLock(calendarLockName(mailbox_id));
    if (!release) {
      await helpers.addJob(TASK.calendarSync, payload, {
        jobKey: calendarJobKey(mailbox_id, mode),
        jobKeyMode: 'preserve_run_at',
        runAt: new Date(Date.now() + deps.config.timings.mailboxBusyRetryMs),
        maxAttempts: MAX_ATTEMPTS.calendarSync,
      });
      return;
    }
    try {
      const log = deps.log.child({ job_id: helpers.job.id, mailbox_id });
      const outcome = await syncCalendar({ ...calendarDeps, log }, mailbox_id, mode);
      log.info(outcome, 'calendar synced');
      const changed =
        outcome.kind === 'synced' && outcome.logged + outcome.updated + outcome.cancelled > 0;
      if (changed && deps.config.crm.webhookUrl) await requestEventDelivery(deps.database.db);
    } finally {
      await release();
    }
  };
}
