// A parsed mail and its links, shaped as the CRM's activity (the seed's fields).

import type { EntityLink } from '../crm/link-entities.ts';
import { isSent } from '../crm/mail-filter.ts';
import type { ActivityContent } from '../db/schema.ts';
import type { EventType } from '../events/event-types.ts';
import type { MailAddress, ParsedMail } from '../mail/parse-message.ts';
import { type ContentPolicy, withContent } from './activity-content.ts';
import { activityTimes } from './activity-time.ts';

export interface ActivityDraft {
  orgId: string;
  mailboxId: string;
  /** `email` unless said (a meeting is `meeting`, keyed `calendar:<event or instance id>`). */
  type?: 'email' | 'meeting';
  gmailMessageId: string;
  threadId: string;
  entityType: string;
  entityId: string;
  title: string;
  description: string;
  emailSubject: string;
  emailDirection: 'sent' | 'received';
  content: ActivityContent;
  createdAt: Date;
  createdBy: string;
  createdByName: string;
  links: EntityLink[];
  /** Events stored with the activity, in its statement (the activity's id added as `activity_id`). */
  events?: { type: EventType; payload: Record<string, unknown> }[];
}

export interface ActivityAuthor {
  orgId: string;
  mailboxId: string;
  ownerEmail: string;
  /** The primary and its send-as aliases: mail from any of them is sent. */
  ownerAddresses?: readonly string[];
  userId: string;
  /** 'Gmail Sync' for synced mail, the user's name for mail sent from the CRM. */
  createdByName: string;
  /** What of the mail to keep (visibility, sensitive guard); the defaults when absent. */
  policy?: ContentPolicy;
}

const NO_SUBJECT = '(No Subject)';
const formatAddress = (a: MailAddress) => (a.name ? `${a.name} <${a.email}>` : a.email);

export function toActivityDraft(
  mail: ParsedMail,
  author: ActivityAuthor,
  links: EntityLink[],
): ActivityDraft {
  const primary = links[0];
  if (!primary) throw new Error('an activity needs at least one link');
  const subject = mail.subject.trim() || NO_SUBJECT;
  const direction = isSent(mail, author.ownerAddresses ?? author.ownerEmail) ? 'sent' : 'received';
  const { createdAt, headerDate } = activityTimes(mail);
  return withContent(mail, author.policy, {
    orgId: author.orgId,
    mailboxId: author.mailboxId,
    gmailMessageId: mail.gmailId,
    threadId: mail.threadId,
    entityType: primary.entityType,
    entityId: primary.entityId,
    title: `${direction === 'sent' ? 'Email sent' : 'Email'}: ${subject}`,
    description: [...mail.bodyText].slice(0, 500).join(''),
    emailSubject: subject,
    emailDirection: direction,
    content: {
      gmail_message_id: mail.gmailId,
      thread_id: mail.threadId,
      from: mail.from ? formatAddress(mail.from) : null,
      to: mail.to.map(formatAddress),
      cc: mail.cc.map(formatAddress),
      body: mail.bodyText,
      body_truncated: mail.bodyTruncated,
      attachments: mail.attachments.map((a) => ({
        filename: a.filename,
        mime_type: a.mimeType,
        size: a.size,
      })),
      message_id_header: mail.messageIdHeader,
      header_date: headerDate?.toISOString() ?? null,
    },
    createdAt,
    createdBy: author.userId,
    createdByName: author.createdByName,
    links,
  });
}
