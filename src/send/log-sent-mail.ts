// The activity of mail the user sent from the CRM, logged once: keyed by the Gmail id, as the sync
// keys the same mail when it later sees it in SENT (whichever comes first, the other finds it).
import { readOrgSettings } from '../activities/org-settings.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import type { ParsedMail } from '../mail/parse-message.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { activityAuthor } from '../sync/activity-author.ts';
import { toActivityDraft } from '../sync/activity-row.ts';
import { type EntityLink, linksFor, matchAddresses } from '../sync/link-entities.ts';
import { insertActivities } from '../sync/store-activities.ts';

/** The activity's id; null when no one in the CRM is on the mail and no entity was named. */
export async function logSentMail(
  db: Db,
  mailbox: Mailbox,
  mail: ParsedMail,
  entity: EntityLink | undefined,
  createdByName: string,
): Promise<string | null> {
  const people = [...mail.to, ...mail.cc, ...mail.bcc].map((a) => a.email);
  const matched = linksFor(people, await matchAddresses(db, mailbox.orgId, people));
  const links = entity
    ? [
        entity,
        ...matched.filter(
          (l) => l.entityType !== entity.entityType || l.entityId !== entity.entityId,
        ),
      ]
    : matched;
  if (links.length === 0) return null;
  const org = await readOrgSettings(db, mailbox.orgId);
  const draft = toActivityDraft(mail, activityAuthor(mailbox, createdByName, org), links);
  const stored = await insertActivities(db, [draft]);
  if (stored[0]) return stored[0].id;
  // The sync got there first (it saw the mail in SENT): the activity exists under the same key.
  const { rows } = await db.execute<{ id: string }>(sql`
    select id from activities where mailbox_id = ${mailbox.id} and gmail_message_id = ${mail.gmailId}`);
  return rows[0]?.id ?? null;
}
