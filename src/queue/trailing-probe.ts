// The trailing probe a push queues (ingest/notifications.ts) is dropped once a listing after that
// push has settled it. Gmail sends a user at most one push a second and drops the rest
// (https://developers.google.com/gmail/api/guides/push#notification_rate_limits); the probe, two
// seconds on, asks getProfile (1 unit) whether anything changed that no push will announce. A
// listing that ended exactly at the id the last push announced, with Gmail reporting nothing past
// it, saw the mailbox quiet from the push's publication to the listing: no burst under way, no
// record still unlistable. Then the probe would only look at the rest of that second, and a day's
// ~200 isolated pushes paid a ninth of the mailbox-day's units for it. A burst keeps the probe:
// records past the announced id, or the push before this one less than the probe's delay earlier
// (Gmail pushing at its cap, a change every second or so: the tail of such a burst often lands in
// the second after a listing that found it quiet). So does a record not listable yet (Gmail's id
// past the cursor).
import { sql } from '../db/orm.ts';
import type { Executor } from './enqueue.ts';
import { trailingSyncJobKey } from './job-names.ts';

/**
 * One statement. The mailbox row is locked as a push's recording locks it (notifications.ts), so a
 * push recorded meanwhile either comes first (it raises `announced_history_id` and the probe stays)
 * or after (it queues its own probe again, replacing nothing we removed).
 */
export async function dropSettledTrailingProbe(
  db: Executor,
  mailboxId: string,
  listing: { gmailHistoryId: number; probeDelayMs: number },
): Promise<boolean> {
  const { rows } = await db.execute<{ dropped: boolean }>(sql`
    with settled as (
      select id from mailboxes
       where id = ${mailboxId} and history_id = announced_history_id
         and history_id >= ${listing.gmailHistoryId}::bigint
         and (previous_push_at is null
              or last_push_at - previous_push_at >= ${listing.probeDelayMs}::int * interval '1 millisecond')
       for update
    )
    select (graphile_worker.remove_job(${trailingSyncJobKey(mailboxId)})).id is not null as dropped
      from settled`);
  return rows[0]?.dropped === true;
}
