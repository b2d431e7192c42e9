// A Gmail notification ({emailAddress, historyId}) from a push or a pull: routed to its mailbox and
// turned into a coalesced sync job. The sync always starts from the stored cursor, never from the
// notification, so a stale, duplicated or reordered one is harmless.
//
// Notifications are written in groups, as PostgreSQL groups commits: while one statement is in
// flight, the ones arriving meanwhile wait and go together in the next. Each caller still learns
// its own outcome only after the statement holding it has committed, so "ack after durable" holds
// per push; under load a burst of pushes costs a few statements instead of one each.
import type pg from 'pg';
import { z } from 'zod';
import type { Timings } from '../config-timings.ts';
import type { Db } from '../db/database.ts';
import { isDatabaseUnavailable } from '../db/database-errors.ts';
import { deadLetters } from '../db/schema.ts';
import { STAMP_PUSHES_SQL } from '../mailbox/mailbox-cursor.ts';
import { addJobsText } from '../queue/add-jobs.ts';
import { mailboxJobSpecSql } from '../queue/enqueue.ts';
import { syncJobKey, trailingSyncJobKey } from '../queue/job-names.ts';

/**
 * Gmail's historyId is an unsigned 64-bit counter, sent as a decimal string (some senders use a
 * number); the cursor is a PostgreSQL bigint, signed 64-bit. Real ids are far below 2^63 (they
 * count a mailbox's changes), so an id beyond bigint cannot be Gmail's: it is refused as malformed
 * and dead-lettered rather than failing the statement that holds the whole group.
 */
const MAX_BIGINT = 9_223_372_036_854_775_807n;
const historyId = z
  .union([
    z.string().regex(/^\d{1,20}$/),
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  ])
  .refine((v) => BigInt(v) <= MAX_BIGINT, 'beyond a signed 64-bit integer');

/** Gmail's push data (https://developers.google.com/workspace/gmail/api/guides/push#receiving_notifications). */
export const gmailNotification = z.object({
  // An address, so no spaces or control characters (PostgreSQL text refuses NUL).
  emailAddress: z
    .string()
    .min(3)
    .max(320)
    .regex(/^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+$/u),
  historyId,
});

export type GmailNotification = z.infer<typeof gmailNotification>;
export type NotificationOutcome = 'queued' | 'up_to_date' | 'unknown_mailbox' | 'inactive_mailbox';

export interface NotificationRecorder {
  /** Resolves once the notification is durably recorded (and its sync queued when it is news). */
  record(notification: GmailNotification): Promise<NotificationOutcome>;
}

interface Waiting {
  notification: GmailNotification;
  resolve(outcome: NotificationOutcome): void;
  reject(error: unknown): void;
}

/** A bound on one statement's size; a larger burst is written in several, one after another. */
const MAX_GROUP = 500;

export function makeNotificationRecorder(
  pool: Pick<pg.Pool, 'query'>,
  timings: Pick<Timings, 'trailingSyncDelayMs'>,
): NotificationRecorder {
  let waiting: Waiting[] = [];
  let writing = false;

  async function writeAll(): Promise<void> {
    while (waiting.length > 0) {
      const group = waiting.slice(0, MAX_GROUP);
      waiting = waiting.slice(group.length);
      try {
        const outcomes = await recordNotifications(
          pool,
          group.map((w) => w.notification),
          timings,
        );
        for (const [i, w] of group.entries()) w.resolve(outcomes[i] ?? 'unknown_mailbox');
      } catch (error) {
        // A group fails together; unless the database is down, each is tried alone so that
        // whatever failed it fails alone and the rest are still acknowledged.
        if (group.length === 1 || isDatabaseUnavailable(error)) {
          for (const w of group) w.reject(error);
        } else await Promise.all(group.map((w) => recordAlone(w)));
      }
    }
    writing = false;
  }

  async function recordAlone(w: Waiting): Promise<void> {
    try {
      w.resolve(
        (await recordNotifications(pool, [w.notification], timings))[0] ?? 'unknown_mailbox',
      );
    } catch (error) {
      w.reject(error);
    }
  }

  return {
    record(notification) {
      return new Promise((resolve, reject) => {
        waiting.push({ notification, resolve, reject });
        if (writing) return;
        writing = true;
        // Pushes parsed in the same turn of the event loop join this first statement.
        setImmediate(() => void writeAll());
      });
    },
  };
}

// Gmail sends a user at most one notification a second and drops the rest
// (https://developers.google.com/gmail/api/guides/push, "Notification rate limits": "Each Gmail
// user being watched has a maximum notification rate of 1 event/sec"), and a push may come before
// its history record is listable. So every push, news or not, also queues a trailing sync
// `timings.trailingSyncDelayMs` (2 s in production) after it: one second covers the changes whose
// pushes were dropped, the rest is margin for the history to catch up. Its key is its own and a
// later push moves it later (graphile-worker's `replace` key mode), so a burst costs one trailing
// sync after its last push. It probes first: getProfile (1 unit) says whether Gmail moved past the
// cursor, and only then is the history listed (2 units). The push's own sync drops it when its
// listing found the mailbox quiet since the push (queue/trailing-probe.ts).
/**
 * One statement, so one round trip and one commit for the whole group: stamp each named mailbox's
 * last push and the highest historyId announced to it, add a coalesced sync job for each mailbox
 * the group brings news of, dead-letter the addresses no live mailbox has, and answer one outcome
 * per notification, in order. Static text under a name, so PostgreSQL plans it once per connection.
 */
const RECORD_NOTIFICATIONS = {
  name: 'record-notifications',
  text: `
    with input as (
      select email, history_id, ord
        from unnest($1::text[], $2::bigint[]) with ordinality as t(email, history_id, ord)
    ),
    pushed as (select email, max(history_id) as history_id from input group by email),
    -- Rows are locked in id order, so concurrent groups from several web processes cannot deadlock.
    locked as materialized (
      select m.id, p.history_id from mailboxes m join pushed p on p.email = m.email
       where m.status <> 'disconnected' order by m.id for update of m
    ),
    -- The last push and the highest id announced (mailbox/mailbox-cursor.ts says what reads it).
    stamped as (${STAMP_PUSHES_SQL}
    ),
    due as (
      select s.id from stamped s join pushed p on p.email = s.email
       where s.status <> 'revoked' and (s.history_id is null or s.history_id < p.history_id)
         -- A sync still waiting will read this change anyway: no write to its job row.
         and not exists (select 1 from graphile_worker.jobs j
                          where j.key = '${syncJobKey('')}' || s.id and j.locked_at is null and j.run_at <= now())
    ),
    added as (
      select ${addJobsText(`select ${mailboxJobSpecSql('syncMailbox')} from due order by id`, { keepRunAt: false })} as job
    ),
    followed as (
      select ${addJobsText(
        `select ${mailboxJobSpecSql('syncMailbox', `now() + $3::int * interval '1 millisecond'`, trailingSyncJobKey(''), true)}
           from stamped where status <> 'revoked' order by id`,
        { keepRunAt: false },
      )} as job
    ),
    -- An address no live mailbox has is one dead letter counting its pushes (attempts), holding
    -- the address's sha256 rather than the address: a forgotten watch or a flood cannot grow the
    -- table, and an operator can still check a suspected address.
    unknown_addresses as (
      select encode(sha256(convert_to(i.email, 'UTF8')), 'hex') as address_sha256,
             count(*)::int as pushes, max(i.history_id) as history_id
        from input i where not exists (select 1 from stamped s where s.email = i.email)
       group by 1
    ),
    counted as (
      update dead_letters d
         set attempts = d.attempts + u.pushes, updated_at = now(),
             payload = jsonb_build_object('address_sha256', u.address_sha256,
                                          'historyId', u.history_id::text)
        from unknown_addresses u
       where d.source = 'pubsub' and d.reason = 'unknown_mailbox'
         and d.payload->>'address_sha256' = u.address_sha256
         -- Evaluated once: a group with no unknown address does not scan dead_letters at all.
         and exists (select 1 from unknown_addresses)
      returning u.address_sha256
    ),
    unknown as (
      insert into dead_letters (source, reason, payload, attempts)
      select 'pubsub', 'unknown_mailbox',
             jsonb_build_object('address_sha256', u.address_sha256, 'historyId', u.history_id::text),
             u.pushes
        from unknown_addresses u
       where u.address_sha256 not in (select address_sha256 from counted)
    )
    select i.ord, s.status,
           (s.history_id is null or s.history_id < i.history_id) as news,
           (select count(*) from added) as jobs, (select count(*) from followed) as trailing_jobs
      from input i left join stamped s on s.email = i.email
     order by i.ord`,
};

export async function recordNotifications(
  pool: Pick<pg.Pool, 'query'>,
  notifications: GmailNotification[],
  timings: Pick<Timings, 'trailingSyncDelayMs'>,
): Promise<NotificationOutcome[]> {
  if (notifications.length === 0) return [];
  const { rows } = await pool.query<{ status: string | null; news: boolean }>({
    ...RECORD_NOTIFICATIONS,
    values: [
      notifications.map((n) => n.emailAddress.toLowerCase()),
      notifications.map((n) => String(n.historyId)),
      timings.trailingSyncDelayMs,
    ],
  });
  return rows.map((row) => {
    if (row.status === null) return 'unknown_mailbox';
    if (row.status === 'revoked') return 'inactive_mailbox';
    return row.news ? 'queued' : 'up_to_date';
  });
}

/**
 * A push whose body we cannot read is kept for inspection and acknowledged, so it is not retried
 * forever; the payload is what notification-input.ts keeps of it (size and a flat excerpt).
 */
export async function deadLetterPush(
  db: Db,
  reason: string,
  payload: Record<string, unknown>,
): Promise<void> {
  await db.insert(deadLetters).values({ source: 'pubsub', reason, payload });
}
