// What of a mail an activity keeps, decided once when the mail becomes an activity:
//   full      text, sanitised HTML, the new part of a reply, the attachment list;
//   subject   headers and subject only (no bodies, no attachments);
//   metadata  participants and time only, titled "Email";
// and mail the sensitive-mail rules match is kept as metadata while the org's `sensitive_guard`
// is on (the default), with the rule's name recorded so the CRM can say why it is empty.
// Attachment bytes are never stored: GET /activities/{id}/attachments/{n} reads them from Gmail.
import type { ActivityContent, StoredAttachment, Visibility } from '../db/schema.ts';
import type { ParsedMail } from '../mail/parse-message.ts';
import { extractReplyText } from '../mail/reply-text.ts';
import { sanitizeEmailHtml } from '../mail/safe-html.ts';
import { classifySensitiveMail } from '../mail/sensitive-mail.ts';

export interface ContentPolicy {
  visibility: Visibility;
  sensitiveGuard: 'on' | 'off';
}

export const DEFAULT_POLICY: ContentPolicy = { visibility: 'full', sensitiveGuard: 'on' };

/**
 * The activity id is not known when the HTML is sanitised, so `cid:` images point here and the
 * read side puts the id in (activities/activity-view.ts). A sender cannot forge it: the sanitiser
 * drops every relative URL a mail carries.
 */
export const ATTACHMENT_URL_PLACEHOLDER = '/activities/_/attachments/';

/** Sanitised HTML kept for an activity, at most this much of the mail's HTML (UTF-8 bytes). */
export const HTML_LIMIT_BYTES = 512 * 1024;

interface DraftShape {
  title: string;
  description: string;
  emailSubject: string;
  content: ActivityContent;
}

/** The draft with the content its policy allows: bodies, HTML, reply text, attachments. */
export function withContent<T extends DraftShape>(
  mail: ParsedMail,
  policy: ContentPolicy | undefined,
  draft: T,
): T {
  const { visibility, sensitiveRule } = keptLevel(mail, policy ?? DEFAULT_POLICY);
  const base = { ...draft.content, visibility, sensitive_rule: sensitiveRule };
  if (visibility === 'full') return { ...draft, content: { ...base, ...fullContent(mail) } };
  const empty = { body: '', body_html: null, body_new: '', attachments: [] };
  const content = { ...base, ...empty, body_truncated: false };
  if (visibility === 'subject') return { ...draft, description: '', content };
  return { ...draft, title: 'Email', description: '', emailSubject: '', content };
}

function keptLevel(
  mail: ParsedMail,
  policy: ContentPolicy,
): { visibility: Visibility; sensitiveRule: string | null } {
  if (policy.sensitiveGuard === 'on') {
    const verdict = classifySensitiveMail({
      subject: mail.subject,
      from: mail.from?.email ?? '',
      text: mail.bodyText,
      html: mail.bodyHtml,
      attachmentNames: mail.attachments.map((a) => a.filename),
      headers: { 'auto-submitted': mail.autoSubmitted ?? undefined },
    });
    if (verdict.sensitive) return { visibility: 'metadata', sensitiveRule: verdict.rule ?? null };
  }
  return { visibility: policy.visibility, sensitiveRule: null };
}

function fullContent(mail: ParsedMail): Partial<ActivityContent> {
  const attachments = mail.attachments.map(
    (a): StoredAttachment => ({
      filename: a.filename,
      content_type: a.mimeType,
      size: a.size,
      inline: a.inline ?? false,
      content_id: a.contentId ?? null,
      part_id: a.partId ?? '',
    }),
  );
  const byCid = new Map<string, number>();
  attachments.forEach((a, n) => {
    if (a.content_id && !byCid.has(a.content_id)) byCid.set(a.content_id, n);
  });
  const html = mail.bodyHtml
    ? sanitizeEmailHtml(mail.bodyHtml, {
        maxInputBytes: HTML_LIMIT_BYTES,
        resolveCid: (cid) => {
          const n = byCid.get(cid);
          return n === undefined ? undefined : `${ATTACHMENT_URL_PLACEHOLDER}${n}`;
        },
      })
    : null;
  return {
    body_html: html?.html ?? null,
    body_new: extractReplyText(mail.bodyText),
    body_truncated: mail.bodyTruncated || (html?.truncated ?? false),
    attachments,
  };
}
