// The worker's crontab: the fallback poll. graphile-worker runs each cron item once across all
// worker processes (it records the last run in its known_crontabs table).
import { DELIVER_EVENTS_JOB, TASK } from '../queue/job-names.ts';

export function pollCrontab(schedule: string): string {
  // jobKey keeps at most one poll waiting; max=1 means a lapsed schedule is not back-filled.
  return [
    `${schedule} ${TASK.poll} ?jobKey=poll&max=1`,
    // The CRM events outbox is swept every minute too, in case a delivery request was missed.
    `* * * * * ${TASK.deliverEvents} ?jobKey=${DELIVER_EVENTS_JOB.key}&queue=${DELIVER_EVENTS_JOB.queue}&max=1`,
    // Workspaces last checked a day ago are checked again (new users, suspended ones).
    `7 * * * * ${TASK.queueWorkspaceChecks} ?jobKey=${TASK.queueWorkspaceChecks}&max=1`,
  ].join('\n');
}
