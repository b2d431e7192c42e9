// How long what the service stores for its own bookkeeping is kept, and the sweeps that enforce
// it. The poll runs them (once across processes, by graphile-worker's cron) in bounded batches, so
// a large backlog is cleared over several cycles without one long transaction.
//
//   dead_letters, pubsub:   30 days after the last push counted in them; at most 1,000 per reason
//                           (unknown addresses are already one row per address hash)
//   dead_letters, message:  400 days: they are the list of poison mails a sync skips, and must
//                           outlive any window a full or retro sync may look back over (365 days)
//   idempotency_keys:       24 hours: a repeat within a day replays the first answer; after that
//                           the same key sends again
//   oauth_states:           1 hour after expiry (10 minutes after issue); at most 10 live ones
//                           per user, trimmed when a new one is issued (http/connect-limits.ts)
//   pending_matches, let go: 7 days once an audit has drawn them (and read them, if a widening
//                           owes them a look); 30 days at most. The audit (search-audit/) samples
//                           each day's let-go mail, and a miss widens the look to every let-go mail
//                           kept: a week lets a miss found today reach the mail of its shape let go
//                           since a week ago (with a 5% sample of 100 let-go mails a day, a shape
//                           that is a tenth of them is seen within the week 97.5% of the time:
//                           docs/how-it-works.md). It also outlasts the daily reconciliation's
//                           window (a day back before the last one), which logs threads they follow.
//                           Ids and thread ids only: 7 days of a busy mailbox is a few thousand rows.
//   search_audits:          30 days: status sums the last 7; the rest is for an operator's look back
//   messages_in_flight:     30 days untouched: a crashed attempt's mark whose mail no sync came back
//                           to (the cursor passed it by another way); a live mark is seconds old
import type { Db } from './database.ts';
import { sql } from './orm.ts';

const BATCH = 1_000;
/** Per table per cycle: 20,000 rows, then the next poll goes on. */
const MAX_BATCHES = 20;
const PUSH_LETTERS_PER_REASON = 1_000;

export interface Swept {
  deadLetters: number;
  idempotencyKeys: number;
  oauthStates: number;
  letGoMail: number;
  auditRuns: number;
  inFlightMarks: number;
}

export async function sweepExpired(db: Db): Promise<Swept> {
  const deadLetters =
    (await inBatches(
      db,
      (limit) => sql`
      delete from dead_letters where id in (
        select id from dead_letters
         where (source = 'pubsub' and updated_at < now() - interval '30 days')
            or (source = 'message' and updated_at < now() - interval '400 days')
         limit ${limit})`,
    )) + (await capPushLetters(db));
  const idempotencyKeys = await inBatches(
    db,
    (limit) => sql`
      delete from idempotency_keys where (org_id, user_id, key) in (
        select org_id, user_id, key from idempotency_keys
         where created_at < now() - interval '24 hours' limit ${limit})`,
  );
  const oauthStates = await inBatches(
    db,
    (limit) => sql`
      delete from oauth_states where state_hash in (
        select state_hash from oauth_states
         where expires_at < now() - interval '1 hour' limit ${limit})`,
  );
  const letGoMail = await inBatches(
    db,
    (limit) => sql`
      delete from pending_matches where (mailbox_id, gmail_message_id) in (
        select mailbox_id, gmail_message_id from pending_matches
         where let_go_at < now() - interval '30 days'
            or (let_go_at < now() - interval '7 days' and audit_drawn_at is not null
                and (audit_widen_at is null or audit_checked_at is not null))
         limit ${limit})`,
  );
  const auditRuns = await inBatches(
    db,
    (limit) => sql`
      delete from search_audits where id in (
        select id from search_audits where checked_at < now() - interval '30 days' limit ${limit})`,
  );
  const inFlightMarks = await inBatches(
    db,
    (limit) => sql`
      delete from messages_in_flight where (mailbox_id, gmail_message_id) in (
        select mailbox_id, gmail_message_id from messages_in_flight
         where updated_at < now() - interval '30 days' limit ${limit})`,
  );
  return { deadLetters, idempotencyKeys, oauthStates, letGoMail, auditRuns, inFlightMarks };
}

/** Beyond the newest PUSH_LETTERS_PER_REASON of a reason, the older push dead letters go. */
async function capPushLetters(db: Db): Promise<number> {
  return inBatches(
    db,
    (limit) => sql`
      delete from dead_letters where id in (
        select id from (
          select id, row_number() over (partition by reason order by updated_at desc, id desc) as n
            from dead_letters where source = 'pubsub'
        ) ranked where n > ${PUSH_LETTERS_PER_REASON} limit ${limit})`,
  );
}

async function inBatches(
  db: Db,
  statement: (limit: number) => ReturnType<typeof sql>,
): Promise<number> {
  let total = 0;
  for (let i = 0; i < MAX_BATCHES; i += 1) {
    const { rowCount } = await db.execute(statement(BATCH));
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH) break;
  }
  return total;
}
