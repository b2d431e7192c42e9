// The JSON shapes kept in jsonb columns of schema.ts: an activity's content (what of the mail is
// stored, by visibility) and its attachments' descriptions. Re-exported by schema.ts.
import type { MeetingContent } from './calendar-schema.ts';

/** How much of a mail a mailbox logs: everything, headers and subject, or participants and time. */
export type Visibility = 'full' | 'subject' | 'metadata';

export interface ActivityContent {
  gmail_message_id: string;
  thread_id: string;
  from: string | null;
  to: string[];
  cc: string[];
  body: string;
  body_truncated?: boolean;
  /** Sanitised (safe-html.ts); `cid:` images point at ATTACHMENT_URL_PLACEHOLDER until read. */
  body_html?: string | null;
  /** The reply without its quoted part (reply-text.ts). */
  body_new?: string;
  /** `mime_type` on rows written before content_type, part_id, inline and content_id existed. */
  attachments?: StoredAttachment[];
  message_id_header?: string | null;
  /** The mail's `Date:` header when plausible (ISO 8601), else null; the activity's time is Gmail's. */
  header_date?: string | null;
  /** What was kept: the mailbox's visibility, or `private` once the owner hid the content. */
  visibility?: Visibility | 'private';
  /** The sensitive-mail rule that kept the content out (the rule's name, never the content). */
  sensitive_rule?: string | null;
  /** A meeting's own fields (type `meeting`, src/calendar/). */
  meeting?: MeetingContent;
}

export interface StoredAttachment {
  filename: string;
  content_type?: string;
  mime_type?: string;
  size: number;
  inline?: boolean;
  content_id?: string | null;
  part_id?: string;
}
