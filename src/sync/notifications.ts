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
import type { Db } from '../db/database.ts';
import { deadLetters } from '../db/schema.ts';
import { mailboxJobSpecSql } from '../queue/enqueue.ts';
import { syncJobKey, trailingSyncJobKey } from '../queue/job-names.ts';

/**
 * Gmail sends a user at most one notification a second and drops the rest
 * (https://developers.google.com/gmail/api/guides/push, "Notification rate limits": "Each Gmail user
 * being watched has a maximum notification rate of 1 event/sec"), and a push may come before its
 * history record is listable. So every push, news or not, also queues a trailing sync this long
 * after it: one second covers the changes whose pushes were dropped, the rest is margin for the
 * history to catch up. Its key is its own and a later push moves it later (graphile-worker's
 * `replace` key mode), so a burst costs one trailing `history.list` (2 units) after its last push.
 */
export const TRAILING_SYNC_DELAY_MS = 2_000;

/** Gmail's push data; historyId is documented as a string, some senders use a number. */
export const gmailNotification = z.object({
  emailAddress: z.string().min(3).max(320),
  historyId: z.union([z.string().regex(/^\d{1,20}$/), z.number().int().nonnegative()]),
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

export function makeNotificationRecorder(pool: Pick<pg.Pool, 'query'>): NotificationRecorder {
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
        );
        for (const [i, w] of group.entries()) w.resolve(outcomes[i] ?? 'unknown_mailbox');
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    writing = false;
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

/**
 * One statement, so one round trip and one commit for the whole group: stamp each named mailbox's
 * last push, add a coalesced sync job for each mailbox the group brings news of, dead-letter the
 * addresses no live mailbox has, and answer one outcome per notification, in order. Static text
 * under a name, so PostgreSQL plans it once per connection.
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
      select m.id from mailboxes m join pushed p on p.email = m.email
       where m.status <> 'disconnected' order by m.id for update of m
    ),
    stamped as (
      update mailboxes m set last_push_at = now() from locked where m.id = locked.id
      returning m.id, m.email, m.status, m.history_id
    ),
    due as (
      select s.id from stamped s join pushed p on p.email = s.email
       where s.status <> 'revoked' and (s.history_id is null or s.history_id < p.history_id)
         -- A sync still waiting will read this change anyway: no write to its job row.
         and not exists (select 1 from graphile_worker.jobs j
                          where j.key = '${syncJobKey('')}' || s.id and j.locked_at is null and j.run_at <= now())
    ),
    added as (
      select graphile_worker.add_jobs(array(
        select ${mailboxJobSpecSql('syncMailbox')}
          from due order by id), false) as job
    ),
    followed as (
      select graphile_worker.add_jobs(array(
        select ${mailboxJobSpecSql('syncMailbox', `now() + interval '${TRAILING_SYNC_DELAY_MS} milliseconds'`, trailingSyncJobKey(''))}
          from stamped where status <> 'revoked' order by id), false) as job
    ),
    unknown as (
      insert into dead_letters (source, reason, payload)
      select 'pubsub', 'unknown_mailbox',
             json_build_object('emailAddress', i.email, 'historyId', i.history_id::text)
        from input i where not exists (select 1 from stamped s where s.email = i.email)
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
): Promise<NotificationOutcome[]> {
  if (notifications.length === 0) return [];
  const { rows } = await pool.query<{ status: string | null; news: boolean }>({
    ...RECORD_NOTIFICATIONS,
    values: [
      notifications.map((n) => n.emailAddress.toLowerCase()),
      notifications.map((n) => String(n.historyId)),
    ],
  });
  return rows.map((row) => {
    if (row.status === null) return 'unknown_mailbox';
    if (row.status === 'revoked') return 'inactive_mailbox';
    return row.news ? 'queued' : 'up_to_date';
  });
}

/** A push whose body we cannot read is kept for inspection and acknowledged, so it is not retried forever. */
export async function deadLetterPush(db: Db, reason: string, payload: unknown): Promise<void> {
  await db.insert(deadLetters).values({ source: 'pubsub', reason, payload: payload ?? null });
}
