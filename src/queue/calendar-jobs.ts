// Queuing a mailbox's calendar work (src/calendar/ runs it): a coalesced job per mailbox and mode,
// added in the caller's transaction. Here, not in src/calendar/, so that connect, the push endpoint
// and the CRM-change path can queue it without depending on the calendar's code.
import { sql } from '../db/orm.ts';
import { addJobsSql, jobSpecSql } from './add-jobs.ts';
import { addJob, type Executor } from './enqueue.ts';
import { type CalendarSyncMode, calendarJobKey, MAX_ATTEMPTS, TASK } from './job-names.ts';

export function enqueueCalendarSync(
  db: Executor,
  mailboxId: string,
  mode: CalendarSyncMode,
  runAt?: Date,
): Promise<string> {
  return addJob(
    db,
    TASK.calendarSync,
    { mailbox_id: mailboxId, mode },
    {
      jobKey: calendarJobKey(mailboxId, mode),
      maxAttempts: MAX_ATTEMPTS.calendarSync,
      ...(runAt ? { runAt } : {}),
    },
  );
}

/**
 * A CRM record of the org was added or changed: each of its mailboxes with a calendar lists its
 * meeting window again (one request a page), so the record gets its meetings. One statement.
 */
export async function enqueueCalendarWindows(db: Executor, orgId: string): Promise<void> {
  await db.execute(sql`
    select ${addJobsSql(
      sql`select ${jobSpecSql({
        task: TASK.calendarSync,
        payload: sql`json_build_object('mailbox_id', c.mailbox_id, 'mode', 'window')`,
        maxAttempts: MAX_ATTEMPTS.calendarSync,
        jobKey: sql`'calendar-window:' || c.mailbox_id`,
      })}
        from calendar_syncs c join mailboxes m on m.id = c.mailbox_id
       where c.org_id = ${orgId} and m.status in ('active', 'syncing', 'error')
       order by c.mailbox_id`,
      { keepRunAt: true },
    )}`);
}
