// The worker's crontab: the fallback poll. graphile-worker runs each cron item once across all
// worker processes (it records the last run in its known_crontabs table).
import { DELIVER_EVENTS_TASK } from '../events/deliver-events.ts';
import { POLL_TASK } from '../sync/poll.ts';

export function pollCrontab(schedule: string): string {
  // jobKey keeps at most one poll waiting; max=1 means a lapsed schedule is not back-filled.
  return [
    `${schedule} ${POLL_TASK} ?jobKey=poll&max=1`,
    // The CRM events outbox is swept every minute too, in case a delivery request was missed.
    `* * * * * ${DELIVER_EVENTS_TASK} ?jobKey=deliver-events&queue=crm-events&max=1`,
  ].join('\n');
}
