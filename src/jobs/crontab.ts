// The worker's crontab: the fallback poll. graphile-worker runs each cron item once across all
// worker processes (it records the last run in its known_crontabs table).
import { POLL_TASK } from '../sync/poll.ts';

export function pollCrontab(schedule: string): string {
  // jobKey keeps at most one poll waiting; max=1 means a lapsed schedule is not back-filled.
  return `${schedule} ${POLL_TASK} ?jobKey=poll&max=1`;
}
