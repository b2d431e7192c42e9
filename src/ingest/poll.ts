// The safety net, every POLL_INTERVAL (once across all processes, by graphile-worker's cron):
// renew watches near expiry, and make sure no change Pub/Sub lost stays unsynced. A mailbox whose
// pushes are healthy (push-health.ts) is only checked, at most hourly: one getProfile (1 unit)
// against its cursor, a sync only when Gmail is ahead (ingest/check-mailbox.ts). Every other live
// mailbox gets an incremental sync from its cursor (history.list, 2 units) each poll. Both are
// spread over a jitter window so Gmail is not hit by every mailbox at once. Mailboxes in error
// are retried when their backoff has passed, mailboxes whose account is out of reach
// (`needs_admin`) when their hourly probe is due; a mailbox Gmail throttles waits for its time.

import type { Database } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sweepExpired } from '../db/retention.ts';
import type { Logger } from '../logger.ts';
import { addJobsSql } from '../queue/add-jobs.ts';
import { mailboxJobSpecSql } from '../queue/enqueue.ts';
import { CHECK_EVERY, pushHealthySql } from './push-health.ts';

export interface PollResult {
  watchesToRenew: number;
  syncsQueued: number;
  /** Checks of mailboxes whose pushes are healthy (a getProfile each, no history call). */
  checksQueued: number;
}

export async function pollCycle(
  deps: { database: Database; log: Logger },
  opts: { jitterSeconds?: number } = {},
): Promise<PollResult> {
  const { db } = deps.database;
  const jitter = Number(opts.jitterSeconds ?? 30);
  const spread = `now() + random() * make_interval(secs => ${jitter})`;

  // Watches last 7 days and are renewed within a day of expiry. Google recommends a daily renewal
  // (https://developers.google.com/gmail/api/guides/push#renewing_mailbox_watch) against a watch
  // lost silently; a mailbox whose pushes are healthy is checked hourly against that loss (a change
  // no push announced takes it off the healthy list, and then it is renewed at once), so only the
  // others are renewed daily. A watch costs 100 units: a healthy mailbox spends about 17 a day.
  const watches = await db.execute<{ id: string }>(sql`
    select ${addJobsSql(
      sql`
      select ${sql.raw(mailboxJobSpecSql('renewWatch', spread))}
        from mailboxes m
       where m.status in ('active', 'syncing', 'error')
         and (m.watch_expires_at is null
              or m.watch_expires_at < now() + interval '24 hours'
              or ((m.watch_renewed_at is null or m.watch_renewed_at < now() - interval '1 day')
                  and not ${sql.raw(pushHealthySql('m'))}))`,
      { keepRunAt: true },
    )} as id`);

  // One statement queues every sync and every check; a job already waiting keeps its earlier
  // run_at. A healthy mailbox checked within the hour gets nothing: its pushes are trusted.
  const queued = await db.execute<{ checks: number; syncs: number; jobs: number }>(sql`
    with due as materialized (
      select id, healthy
        from (select m.id, m.checked_at, ${sql.raw(pushHealthySql('m'))} as healthy
                from mailboxes m
               where (m.status in ('active', 'syncing')
                      or (m.status in ('error', 'needs_admin')
                          and (m.next_retry_at is null or m.next_retry_at <= now())))
                 and (m.throttled_until is null or m.throttled_until <= now())) live
       where not healthy or checked_at is null
          or checked_at < now() - interval '${sql.raw(CHECK_EVERY)}'
    ),
    added as (
      select ${addJobsSql(
        sql`
        select case when healthy then ${sql.raw(mailboxJobSpecSql('checkMailbox', spread))}
                    else ${sql.raw(mailboxJobSpecSql('syncMailbox', spread))} end
          from due order by id`,
        { keepRunAt: true },
      )}
    )
    select count(*) filter (where healthy)::int as checks,
           count(*) filter (where not healthy)::int as syncs,
           (select count(*) from added)::int as jobs
      from due`);
  const counts = queued.rows[0];

  // Bookkeeping tables are kept bounded here, where one process at a time runs.
  const swept = await sweepExpired(db);
  // The daily reconciliation, due a day after the last one: each mailbox keeps the time of day it
  // was connected (or last reconciled), so the fleet is spread over the day, not all at midnight.
  await db.execute(sql`
    select ${addJobsSql(
      sql`
      select ${sql.raw(mailboxJobSpecSql('reconcileMailbox', spread))}
        from mailboxes m left join mailbox_reconciliations r on r.mailbox_id = m.id
       where m.status in ('active', 'syncing')
         and coalesce(r.checked_at, m.connected_at) < now() - interval '1 day'`,
      { keepRunAt: true },
    )}`);

  // The daily audit of what search let go (search-audit/), for a mailbox with let-go mail no audit
  // has drawn or a widening owes: a reconciliation runs one too, so this one runs only when the
  // reconciliations have not for a day. Each mailbox keeps its own time of day.
  await db.execute(sql`
    select ${addJobsSql(
      sql`
      select ${sql.raw(mailboxJobSpecSql('auditMailbox', spread))}
        from mailboxes m
       where m.status in ('active', 'syncing')
         and exists (select 1 from pending_matches p
                      where p.mailbox_id = m.id and p.let_go_at is not null
                        and (p.audit_drawn_at is null
                             or (p.audit_widen_at is not null and p.audit_checked_at is null)))
         and coalesce((select max(a.checked_at) from search_audits a where a.mailbox_id = m.id),
                      m.connected_at) < now() - interval '1 day'`,
      { keepRunAt: true },
    )}`);

  // Mail waiting for search whose search job gave up (its attempts spent) would otherwise wait for
  // the mailbox's next new mail: its search is queued again. A search already waiting keeps its time.
  await db.execute(sql`
    select ${addJobsSql(
      sql`
      select ${sql.raw(mailboxJobSpecSql('matchPending', spread))}
        from (select distinct p.mailbox_id as id from pending_matches p
               where p.let_go_at is null and p.look_at < now() - interval '5 minutes') overdue`,
      { keepRunAt: true },
    )}`);

  const result = {
    watchesToRenew: watches.rows.length,
    syncsQueued: counts?.syncs ?? 0,
    checksQueued: counts?.checks ?? 0,
  };
  deps.log.info({ ...result, swept }, 'poll cycle queued');
  return result;
}
