// The worker's `calendar_sync` task (src/calendar/): one calendar sync of a mailbox at a time, by
// the mailbox runner on the calendar's own lock, apart from its mail's.
import { z } from 'zod';
import { syncCalendar } from '../calendar/calendar-sync.ts';
import type { Deps } from '../deps.ts';
import { mailboxJob } from './mailbox-job.ts';

const payloadSchema = z.object({
  mailbox_id: z.uuid(),
  mode: z.enum(['incremental', 'full', 'window']).default('incremental'),
});

export function makeCalendarTask(deps: Deps) {
  const calendarDeps = {
    db: deps.database.db,
    mailboxAuth: deps.mailboxAuth,
    calendarPacers: deps.calendarPacers,
    google: deps.config.google,
    publicUrl: deps.config.publicUrl,
    retroDays: deps.config.sync.retroDays,
    orgRules: deps.orgRules,
  };
  return mailboxJob(deps, 'calendarSync', payloadSchema, async ({ payload, log }) => {
    const { mailbox_id, mode } = payload;
    const calendarLog = log.child({ mailbox_id });
    const outcome = await syncCalendar({ ...calendarDeps, log: calendarLog }, mailbox_id, mode);
    calendarLog.info(outcome, 'calendar synced');
  });
}
