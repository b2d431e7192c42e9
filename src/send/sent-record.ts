// What is recorded once Gmail took a mail the CRM sent: its activity (when a recipient or the
// given entity is a CRM record), keyed by the Gmail id the sync will see again in SENT, and its
// line in the `sent_mail` ledger (recipients, thread, Message-ID) that replies and delivery
// reports are matched against (outcomes/). Each write is idempotent (a conflict adds nothing), so
// a retry after a crash between them completes the record.

import { activityAuthor } from '../activity-store/activity-author.ts';
import { toActivityDraft } from '../activity-store/activity-row.ts';
import { readOrgSettings } from '../activity-store/org-settings.ts';
import { insertActivities } from '../activity-store/store-activities.ts';
import { linksFor, matchAddresses } from '../crm/link-entities.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import type { ParsedMail } from '../mail/parse-message.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { forbidsAny, type OrgRulesSource } from '../org/org-rules.ts';
import { canonicalAddress } from '../suppressions/canonical-address.ts';
import type { SentIds } from './gmail-send.ts';
import type { OutgoingRecord } from './outgoing-mail.ts';

/** Returns the activity's id, or null when the mail concerns no CRM record. */
export async function recordSentMail(
  deps: { db: Db; orgRules: OrgRulesSource },
  mailbox: Mailbox,
  record: OutgoingRecord,
  sent: SentIds,
  opts: { scheduledId?: string; sentAt?: Date } = {},
): Promise<string | null> {
  const { db } = deps;
  const activityId = await logSentMail(deps, mailbox, record, sent, opts.sentAt ?? new Date());
  const { to, cc, bcc } = record.recipients;
  const recipients = [...new Set([...to, ...cc, ...bcc].map((r) => canonicalAddress(r.email)))];
  await db.execute(sql`
    insert into sent_mail (mailbox_id, gmail_message_id, org_id, thread_id, message_id_header,
                           recipients, activity_id, scheduled_id)
    values (${mailbox.id}, ${sent.id}, ${mailbox.orgId}, ${sent.threadId}, ${record.messageIdHeader},
            ${sqlArray(recipients, 'text')}, ${activityId}, ${opts.scheduledId ?? null})
    on conflict (mailbox_id, gmail_message_id) do nothing`);
  return activityId;
}

async function logSentMail(
  { db, orgRules }: { db: Db; orgRules: OrgRulesSource },
  mailbox: Mailbox,
  record: OutgoingRecord,
  sent: SentIds,
  date: Date,
): Promise<string | null> {
  const { to, cc, bcc } = record.recipients;
  const people = [...to, ...cc, ...bcc].map((a) => a.email);
  // Sent, but never logged: a recipient the org erased or never logs (every mailbox, as synced).
  if (forbidsAny(await orgRules.forOrg(mailbox.orgId), people)) return null;
  const matched = linksFor(people, await matchAddresses(db, mailbox.orgId, people));
  const entity = record.entity;
  const links = entity
    ? [
        entity,
        ...matched.filter(
          (l) => l.entityType !== entity.entityType || l.entityId !== entity.entityId,
        ),
      ]
    : matched;
  if (links.length === 0) return null;
  const mail: ParsedMail = {
    gmailId: sent.id,
    threadId: sent.threadId,
    labelIds: ['SENT'],
    historyId: null,
    messageIdHeader: record.messageIdHeader,
    inReplyTo: record.inReplyTo,
    references: record.references,
    subject: record.subject,
    from: record.from,
    to,
    cc,
    bcc,
    replyTo: [],
    date,
    bodyText: record.bodyText,
    bodyTruncated: record.bodyTruncated ?? false,
    bodyHtml: record.bodyHtml,
    attachments: record.attachments,
    snippet: '',
  };
  const org = await readOrgSettings(db, mailbox.orgId);
  // Sent from a shared mailbox, the activity is the sender's: the member who sent it.
  const author = {
    ...activityAuthor(mailbox, record.createdByName, org),
    userId: record.createdBy ?? mailbox.userId,
  };
  const draft = toActivityDraft(mail, author, links);
  const stored = await insertActivities(db, [draft]);
  if (stored[0]) return stored[0].id;
  // The sync got there first (it saw the mail in SENT): the activity exists under the same key.
  const { rows } = await db.execute<{ id: string }>(sql`
    select id from activities where mailbox_id = ${mailbox.id} and gmail_message_id = ${sent.id}`);
  return rows[0]?.id ?? null;
}
