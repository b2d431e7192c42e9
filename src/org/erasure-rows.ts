// The rows an erasure removes or rewrites, each statement scoped to the org. An address is matched
// as a participant the way the mail filter reads stored activities (db/participants-sql.ts), and as
// text (ILIKE, then a case-insensitive replace) wherever it may be written out: bodies, subjects,
// event payloads, dead letters, stored send answers. A table's statement is its owner's where org/
// may import the owner (docs/architecture.md, "Data": the activities', links', tombstones' and
// events' are fragments of theirs); here are those of the tables whose owner is above org/
// (pending mail, sent and scheduled mail, idempotency records).
import {
  insertTombstonesSql,
  redactActivitiesSql,
  removeActivitiesSql,
} from '../activity-store/activity-writes.ts';
import { removeErasedDeadLetters } from '../activity-store/dead-letter-messages.ts';
import { skipErasedMessages } from '../activity-store/skipped-messages.ts';
import { forgetCorrespondent } from '../crm/correspondents.ts';
import { forgetListSender } from '../crm/list-senders.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { ACTIVITY_PARTICIPANTS } from '../db/participants-sql.ts';
import type { ErasureCounts } from '../db/schema.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { removeErasedEventsSql } from '../events/record-events.ts';
import { dropBlockedAddress } from '../mailbox/mailbox-store.ts';
import { removeErasedReports } from '../outcomes/record-bounces.ts';
import { canonicalAddress } from '../suppressions/canonical-address.ts';
import { removeErasedSuppressions } from '../suppressions/suppression-store.ts';
import { dropNeverLogAddress } from './org-settings-update.ts';

type Tx = Pick<Db, 'execute'>;

/** The address as an ILIKE pattern (its `%`, `_` and `\` taken literally). */
const likePattern = (email: string) => `%${email.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
/** The address as a case-insensitive regular expression, every metacharacter escaped. */
const regexOf = (email: string) => email.replace(/[.*+?^${}()|[\]\\/-]/g, (c) => `\\${c}`);

export async function removeErasedRows(
  tx: Tx,
  orgId: string,
  email: string,
): Promise<ErasureCounts> {
  const like = likePattern(email);
  const count = async (statement: ReturnType<typeof sql>) =>
    (await tx.execute<{ n: number }>(statement)).rows[0]?.n ?? 0;

  // The activities where the person is a participant, in every mailbox of the org; their mails are
  // tombstoned (never stored again for that mailbox, whatever path tries) and marked skipped (the
  // reconciliation does not count them as gaps to fetch).
  await tx.execute(sql`
    create temporary table erased_activities on commit drop as
    select a.id, a.mailbox_id, a.gmail_message_id, a.thread_id from activities a
     where a.org_id = ${orgId}
       and exists (select 1 from ${ACTIVITY_PARTICIPANTS} where x.addr = ${email})`);
  const links = await count(sql`
    select count(*)::int as n from activity_links l join erased_activities e on e.id = l.activity_id`);
  await tx.execute(
    insertTombstonesSql(
      sql`select mailbox_id, gmail_message_id, ${orgId}, 'erasure' from erased_activities`,
    ),
  );
  await skipErasedMessages(tx);
  const events = await count(sql`
    with gone as (
      ${removeErasedEventsSql(orgId, sql`select id::text from erased_activities`, like)})
    select count(*)::int as n from gone`);
  const activities = await count(sql`
    with gone as (${removeActivitiesSql(sql`id in (select id from erased_activities)`)})
    select count(*)::int as n from gone`);
  const pending = await count(sql`
    with gone as (
      delete from pending_matches p using erased_activities e
       where p.mailbox_id = e.mailbox_id and p.thread_id = e.thread_id
      returning 1)
    select count(*)::int as n from gone`);
  const deadLetters = await removeErasedDeadLetters(tx, orgId, like);
  const idempotency = await count(sql`
    with gone as (
      delete from idempotency_keys
       where org_id = ${orgId} and response_body::text ilike ${like}
      returning 1)
    select count(*)::int as n from gone`);
  const mentions = await redactMentions(tx, orgId, email);
  await dropFromBlocklists(tx, orgId, email);
  return {
    activities,
    links,
    events,
    pending,
    dead_letters: deadLetters,
    idempotency_records: idempotency,
    mentions_redacted: mentions,
    ...(await removeSentMail(tx, orgId, email)),
  };
}

/**
 * What sending to the person left (sequences): the sent-mail ledger's lines, delivery reports,
 * mail scheduled to them (it will not go: the row is the mail), and the suppression of the address
 * (the CRM, which deletes the person, writes to them no more; docs/content-and-privacy.md).
 */
async function removeSentMail(tx: Tx, orgId: string, email: string): Promise<ErasureCounts> {
  const like = likePattern(email);
  const forms = sqlArray([...new Set([email, canonicalAddress(email)])], 'text');
  const count = async (statement: ReturnType<typeof sql>) =>
    (await tx.execute<{ n: number }>(statement)).rows[0]?.n ?? 0;
  const sent = await count(sql`
    with gone as (
      delete from sent_mail where org_id = ${orgId} and recipients && ${forms} returning 1)
    select count(*)::int as n from gone`);
  await removeErasedReports(tx, orgId, like, forms);
  const scheduled = await count(sql`
    with gone as (
      delete from scheduled_sends
       where org_id = ${orgId}
         and (to_addresses || cc_addresses || bcc_addresses)::text ilike ${like}
      returning 1)
    select count(*)::int as n from gone`);
  const suppressions = await removeErasedSuppressions(tx, orgId, forms);
  return { sent_mail: sent, scheduled_sends: scheduled, suppressions };
}

/** Other activities that name the person (a quoted address, a signature): the address redacted. */
async function redactMentions(tx: Tx, orgId: string, email: string): Promise<number> {
  const like = likePattern(email);
  const re = regexOf(email);
  const { rows } = await tx.execute<{ n: number }>(sql`
    with changed as (${redactActivitiesSql(orgId, re, like)})
    select count(*)::int as n from changed`);
  return rows[0]?.n ?? 0;
}

/**
 * The address taken off every blocklist of the org (a mailbox's `blocked_addresses`, the org's
 * `never_log`), off its learned lists and its mailboxes' correspondents: the erasure blocks it more
 * surely, and no search may keep naming it.
 */
async function dropFromBlocklists(tx: Tx, orgId: string, email: string): Promise<void> {
  await dropBlockedAddress(tx, orgId, email);
  await dropNeverLogAddress(tx, orgId, email);
  // A list learned under the address (crm/list-senders.ts) is no longer asked for by it.
  await forgetListSender(tx, orgId, email);
  // Nor is it remembered as any mailbox's correspondent (crm/correspondents.ts).
  await forgetCorrespondent(tx, orgId, email);
}
