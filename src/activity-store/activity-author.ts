import type { OrgSettings } from '../db/schema.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { ownerAddresses } from '../mailbox/send-as.ts';
import type { ActivityAuthor } from './activity-row.ts';
import { lowestVisibility } from './visibility-cap.ts';

/**
 * Who an activity is logged for: the mailbox's CRM user, named as the CRM shows it, and what of
 * the mail to keep (the mailbox's visibility within the org's `max_visibility`, the org's
 * sensitive guard; `on` unless told).
 */
export function activityAuthor(
  mailbox: Mailbox,
  createdByName: string,
  org?: OrgSettings,
): ActivityAuthor {
  return {
    orgId: mailbox.orgId,
    mailboxId: mailbox.id,
    ownerEmail: mailbox.email,
    ownerAddresses: ownerAddresses(mailbox),
    userId: mailbox.userId,
    createdByName,
    policy: {
      visibility: lowestVisibility(
        mailbox.settings.visibility ?? 'full',
        org?.max_visibility ?? 'full',
      ),
      sensitiveGuard: org?.sensitive_guard ?? 'on',
    },
  };
}
