import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { ownerAddresses } from '../mailbox/send-as.ts';
import type { ActivityAuthor } from './activity-row.ts';

/** Who an activity is logged for: the mailbox's CRM user, named as the CRM shows it. */
export function activityAuthor(mailbox: Mailbox, createdByName: string): ActivityAuthor {
  return {
    orgId: mailbox.orgId,
    mailboxId: mailbox.id,
    ownerEmail: mailbox.email,
    ownerAddresses: ownerAddresses(mailbox),
    userId: mailbox.userId,
    createdByName,
  };
}
