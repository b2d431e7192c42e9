// The calendar's part of the poll (every POLL_INTERVAL, once across processes): an incremental
// sync of every calendar whose mailbox is live and granted it. One events.list request when nothing
// changed; it catches a notification Google or the network lost, renews the channel a day before it
// ends, moves the horizon, and starts calendars granted before SYNC_CALENDAR was on. Spread over
// the jitter window; a sync already waiting keeps its time.
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { CALENDAR_SCOPE } from '../mailbox/consent-checks.ts';
import { addJobsSql, jobSpecSql } from '../queue/add-jobs.ts';
import { MAX_ATTEMPTS, TASK } from '../queue/job-names.ts';

export async function pollCalendars(
  db: Db,
  opts: { jitterSeconds?: number } = {},
): Promise<number> {
  const jitter = Number(opts.jitterSeconds ?? 30);
  const { rows } = await db.execute<{ n: number }>(sql`
    with due as (
      select m.id from mailboxes m
       where m.status in ('active', 'syncing')
          or (m.status = 'error' and (m.next_retry_at is null or m.next_retry_at <= now()))
    ),
    granted as (
      select d.id from due d join mailboxes m on m.id = d.id
       where ${CALENDAR_SCOPE} = any(m.scopes)
    ),
    added as (
      select ${addJobsSql(
        sql`select ${jobSpecSql({
          task: TASK.calendarSync,
          payload: sql`json_build_object('mailbox_id', id, 'mode', 'incremental')`,
          runAt: sql`now() + random() * make_interval(secs => ${jitter})`,
          maxAttempts: MAX_ATTEMPTS.calendarSync,
          jobKey: sql`'calendar-incremental:' || id`,
        })}
          from granted order by id`,
        { keepRunAt: true },
      )}
    )
    -- Referenced, so the statement adds the jobs (a CTE nobody reads is not run).
    select (select count(*) from granted)::int as n, (select count(*) from added)::int as jobs`);
  return rows[0]?.n ?? 0;
}
