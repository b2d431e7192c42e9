// Whether a mailbox's pushes can be trusted, the one rule the poll (what to queue), the status and
// the admin page share: a mailbox whose pushes are healthy is only checked by the poll, at most
// hourly, with one getProfile; any other is synced every poll.
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';

/**
 * A check found a change no push announced this recently: the mailbox is back on the poll's
 * history syncs for a day, then trusted again (a push lost now and then costs a day of 15-minute
 * syncs, not the hourly latency of every lost push after it).
 */
export const MISSED_PUSH_MEMORY = '24 hours';

/**
 * How old the last check must be for the poll to check again. A check stamps `checked_at` when it
 * runs, up to the poll's jitter (and any queue) after its tick: with exactly an hour, the tick an
 * hour later would find it a few seconds too young and a 15-minute poll would check every 75
 * minutes. Five minutes of slack make it every fourth tick (on a 5-minute poll, every twelfth).
 */
export const CHECK_EVERY = '55 minutes';

/**
 * The rule, as an SQL condition on the mailboxes row `m`: it is active, it has had a push (so its
 * watch and our Pub/Sub path have worked for it), its watch is current (none: no pushes at all),
 * and no check found a missed push within MISSED_PUSH_MEMORY. Text, for static statements.
 */
export function pushHealthySql(m: string): string {
  return `(${m}.status = 'active' and ${m}.last_push_at is not null
      and ${m}.watch_expires_at > now()
      and (${m}.missed_push_at is null or ${m}.missed_push_at < now() - interval '${MISSED_PUSH_MEMORY}'))`;
}

export interface PushHealthView {
  /** True while the poll trusts the pushes and only checks the mailbox (see pushHealthySql). */
  healthy: boolean;
  /** The poll's last check: Gmail's historyId (getProfile) compared with the cursor. */
  checked_at: string | null;
  /** The last time a check found a change no push announced. */
  missed_push_at: string | null;
}

export async function readPushHealth(db: Db, mailboxId: string): Promise<PushHealthView | null> {
  const { rows } = await db.execute<{
    healthy: boolean;
    checked_at: Date | string | null;
    missed_push_at: Date | string | null;
  }>(sql`
    select ${sql.raw(pushHealthySql('m'))} as healthy, m.checked_at, m.missed_push_at
      from mailboxes m where m.id = ${mailboxId}`);
  const row = rows[0];
  if (!row) return null;
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  return {
    healthy: row.healthy,
    checked_at: iso(row.checked_at),
    missed_push_at: iso(row.missed_push_at),
  };
}
