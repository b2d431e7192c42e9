// Delivery reports attributed to the mail they return, and what follows: `message.bounced` per
// recipient, a hard bounce added to the org's suppressions, the sent activity marked `bounced`
// when delivery failed for good (with the older `activity.bounced` event). A report names its
// mail by Message-ID (the returned headers, the quoted copy, In-Reply-To/References), else by its
// Gmail thread (Gmail threads its own reports with the mail); failing both (Gmail may replace the
// Message-ID of API-sent mail), by the latest mail the CRM sent this recipient from this mailbox
// in the last 7 days. A recipient the attributed mail was not sent to is ignored: a forged report
// cannot suppress an address this mailbox never wrote to. One row per (report, recipient) makes a
// report fetched again change nothing.

import type { SQL } from 'drizzle-orm';
import { markBouncedSql } from '../activity-store/activity-writes.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { EVENT } from '../events/event-types.ts';
import { askEventDelivery, insertEventsSql } from '../events/record-events.ts';
import { canonicalAddress } from '../suppressions/canonical-address.ts';
import { suppressBouncedSql } from '../suppressions/suppression-store.ts';
import type { BouncedRecipient, BounceReport } from './bounce-report.ts';

interface Attribution {
  activityId: string | null;
}

export async function recordBounces(
  db: Pick<Db, 'execute'>,
  mailbox: { id: string; orgId: string },
  reports: BounceReport[],
): Promise<number> {
  let recorded = 0;
  for (const report of reports) {
    for (const bounced of report.recipients) {
      const to = await attribute(db, mailbox.id, report, canonicalAddress(bounced.recipient));
      if (!to) continue;
      recorded += await recordOne(db, mailbox, report, bounced, to);
    }
  }
  return recorded;
}

async function attribute(
  db: Pick<Db, 'execute'>,
  mailboxId: string,
  report: BounceReport,
  recipient: string,
): Promise<Attribution | null> {
  const ids = sqlArray(report.messageIds, 'text');
  const { rows } = await db.execute<{ activity_id: string | null }>(sql`
    (select activity_id, 1 as rank, sent_at from sent_mail
      where mailbox_id = ${mailboxId} and recipients @> array[${recipient}]::text[]
        and (message_id_header = any(${ids}) or thread_id = ${report.threadId}))
    union all
    (select id, 2, created_at from activities
      where mailbox_id = ${mailboxId} and email_direction = 'sent'
        and (content->>'message_id_header' = any(${ids}) or thread_id = ${report.threadId})
        and exists (select 1 from jsonb_array_elements_text(coalesce(content->'to', '[]') || coalesce(content->'cc', '[]')) t(a)
                     where lower(a) = ${recipient} or lower(a) like ${`%<${recipient}>`}))
    union all
    (select activity_id, 3, sent_at from sent_mail
      where mailbox_id = ${mailboxId} and recipients @> array[${recipient}]::text[]
        and sent_at > now() - interval '7 days')
    order by rank, sent_at desc
    limit 1`);
  const row = rows[0];
  return row ? { activityId: row.activity_id } : null;
}

async function recordOne(
  db: Pick<Db, 'execute'>,
  mailbox: { id: string; orgId: string },
  report: BounceReport,
  bounced: BouncedRecipient,
  to: Attribution,
): Promise<number> {
  const hard = bounced.kind === 'hard';
  const { rows } = await db.execute(sql`
    with noted as (
      insert into delivery_reports (mailbox_id, gmail_message_id, recipient, org_id, activity_id,
                                    kind, status)
      values (${mailbox.id}, ${report.gmailId}, ${bounced.recipient}, ${mailbox.orgId},
              ${to.activityId}, ${bounced.kind}, ${bounced.status})
      on conflict do nothing
      returning recipient
    ),
    announced as (
      ${insertEventsSql(sql`
      select ${mailbox.orgId}, ${mailbox.id}, ${EVENT.messageBounced}::text,
             jsonb_build_object('activity_id', ${to.activityId}::uuid, 'recipient', recipient,
                                'kind', ${bounced.kind}::text, 'diagnostic', ${bounced.diagnostic}::text)
        from noted`)}
    ),
    suppressed as (
      ${suppressBouncedSql(mailbox.orgId, canonicalAddress(bounced.recipient), hard)}
    ),
    marked as (
      ${markBouncedSql(
        sql`id = ${to.activityId}::uuid and ${bounced.failed} and exists (select 1 from noted)`,
      )}
    ),
    legacy as (
      ${insertEventsSql(sql`
      select org_id, mailbox_id, ${EVENT.activityBounced}::text,
             jsonb_build_object('activity_id', id, 'mailbox_id', mailbox_id,
                                'gmail_message_id', gmail_message_id, 'thread_id', thread_id,
                                'entity_type', entity_type, 'entity_id', entity_id)
        from marked`)}
    )
    select recipient from noted`);
  if (rows.length > 0) await askEventDelivery(db);
  return rows.length;
}

/**
 * An erasure's delivery reports (org/erasure-rows.ts): those to the address, by `like` (an ILIKE
 * pattern) or one of its `forms` (a text array parameter).
 */
export async function removeErasedReports(
  tx: Pick<Db, 'execute'>,
  orgId: string,
  like: string,
  forms: SQL,
): Promise<void> {
  await tx.execute(sql`
    delete from delivery_reports
     where org_id = ${orgId} and (recipient ilike ${like} or recipient = any(${forms}))`);
}
