// The safety net, every POLL_INTERVAL (once across all processes, by graphile-worker's cron):
// renew watches near expiry, and queue an incremental sync of every
// live mailbox from its cursor — which recovers any notification Pub/Sub lost — spread over a
// jitter window so Gmail is not hit by every mailbox at once. Mailboxes in error are retried
// when their backoff has passed.

import type { Database } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sweepExpired } from '../db/retention.ts';
import type { Logger } from '../logger.ts';
import { mailboxJobSpecSql } from '../queue/enqueue.ts';

export interface PollResult {
  watchesToRenew: number;
  syncsQueued: number;
}

export async function pollCycle(
  deps: { database: Database; log: Logger },
  opts: { jitterSeconds?: number } = {},
): Promise<PollResult> {
  const { db } = deps.database;
  const jitter = Number(opts.jitterSeconds ?? 30);
  const spread = `now() + random() * make_interval(secs => ${jitter})`;

  // Watches last 7 days; renew when within a day of expiry or renewed over a day ago (Google asks
  // for a daily renewal: https://developers.google.com/gmail/api/guides/push#renewing_mailbox_watch).
  const watches = await db.execute<{ id: string }>(sql`
    select graphile_worker.add_jobs(array(
      select ${sql.raw(mailboxJobSpecSql('renewWatch', spread))}
        from mailboxes
       where status in ('active', 'syncing', 'error')
         and (watch_expires_at is null
              or watch_expires_at < now() + interval '24 hours'
              or watch_renewed_at is null
              or watch_renewed_at < now() - interval '1 day')
    ), true) as id`);

  // One statement queues every sync; a sync already waiting keeps its earlier run_at.
  const syncs = await db.execute<{ id: string }>(sql`
    select graphile_worker.add_jobs(array(
      select ${sql.raw(mailboxJobSpecSql('syncMailbox', spread))}
        from mailboxes
       where status in ('active', 'syncing')
          or (status = 'error' and (next_retry_at is null or next_retry_at <= now()))
    ), true) as id`);

  // Bookkeeping tables are kept bounded here, where one process at a time runs.
  const swept = await sweepExpired(db);
  // The daily reconciliation, due a day after the last one: each mailbox keeps the time of day it
  // was connected (or last reconciled), so the fleet is spread over the day, not all at midnight.
  await db.execute(sql`
    select graphile_worker.add_jobs(array(
      select ${sql.raw(mailboxJobSpecSql('reconcileMailbox', spread))}
        from mailboxes m left join mailbox_reconciliations r on r.mailbox_id = m.id
       where m.status in ('active', 'syncing')
         and coalesce(r.checked_at, m.connected_at) < now() - interval '1 day'
    ), true)`);

  const result = {
    watchesToRenew: watches.rows.length,
    syncsQueued: syncs.rows.length,
  };
  deps.log.info({ ...result, swept }, 'poll cycle queued');
  return result;
}
