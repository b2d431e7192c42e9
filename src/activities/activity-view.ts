// An activity as the API answers it (snake_case): the list item, and the one activity with its
// bodies. Stored content is normalised here, once: rows written before attachments carried
// `content_type` (they had `mime_type`), and `cid:` image URLs that name the activity only now.

import { ATTACHMENT_URL_PLACEHOLDER } from '../activity-store/activity-content.ts';
import { sql } from '../db/orm.ts';
import type { ActivityContent, StoredAttachment } from '../db/schema.ts';
import { extractReplyText } from '../mail/reply-text.ts';

export type ActivityRow = {
  id: string;
  mailbox_id: string;
  type: string;
  entity_type: string;
  entity_id: string;
  thread_id: string;
  title: string;
  description: string;
  email_subject: string;
  email_direction: string;
  content: ActivityContent;
  created_at: Date | string;
  created_by: string;
  created_by_name: string;
  /** `bounced` once Gmail's delivery-status notification for mail we sent arrived. */
  status: 'logged' | 'bounced';
  links: { entity_type: string; entity_id: string }[];
};

/**
 * The columns a view needs, for `from activities a`: with every body (the one activity), with the
 * text bodies only (a list that asked for them), or with none (a list: its pages never carry bodies
 * unless asked, so 200 items cost 200 rows' metadata, not 200 bodies of up to 256 KiB each).
 */
export function activityColumns(bodies: 'all' | 'text' | 'none') {
  const content = {
    all: sql`a.content`,
    text: sql`a.content - 'body_html'`,
    none: sql`a.content - 'body' - 'body_new' - 'body_html'`,
  }[bodies];
  return sql`
  a.id, a.mailbox_id, a.type, a.entity_type, a.entity_id, a.thread_id, a.title, a.description,
  a.email_subject, a.email_direction, ${content} as content, a.created_at, a.created_by,
  a.created_by_name, a.status,
  (select coalesce(json_agg(json_build_object('entity_type', l2.entity_type, 'entity_id', l2.entity_id)), '[]')
     from activity_links l2 where l2.activity_id = a.id) as links`;
}

/** Every column of the one activity, its bodies included. */
export const ACTIVITY_COLUMNS = activityColumns('all');

export interface AttachmentView {
  filename: string;
  content_type: string;
  size: number;
  inline: boolean;
  content_id: string | null;
}

export function attachmentsView(content: ActivityContent): AttachmentView[] {
  return (content.attachments ?? []).map((a: StoredAttachment) => ({
    filename: a.filename,
    content_type: a.content_type ?? a.mime_type ?? 'application/octet-stream',
    size: a.size,
    inline: a.inline ?? false,
    content_id: a.content_id ?? null,
  }));
}

/** A list item: the activity's fields; its bodies only when the row was read with them. */
export function listItemView(r: ActivityRow) {
  const { body_html: _html, attachments: _stored, meeting, ...content } = r.content;
  return {
    id: r.id,
    type: r.type,
    entity_type: r.entity_type,
    entity_id: r.entity_id,
    thread_id: r.thread_id,
    title: r.title,
    description: r.description,
    email_subject: r.email_subject,
    email_direction: r.email_direction,
    content,
    created_at: new Date(r.created_at).toISOString(),
    created_by: r.created_by,
    created_by_name: r.created_by_name,
    links: r.links,
    attachments: attachmentsView(r.content),
    status: r.status,
    visibility: r.content.visibility ?? 'full',
    sensitive_rule: r.content.sensitive_rule ?? null,
    // A meeting's own fields (CONTRACT.md), on meetings only.
    ...(meeting ? { meeting } : {}),
  };
}

/** The one activity: the list item plus its bodies. */
export function activityView(r: ActivityRow) {
  const c = r.content;
  const hidden = c.visibility !== undefined && c.visibility !== 'full';
  const html = c.body_html
    ? c.body_html.replaceAll(
        `src="${ATTACHMENT_URL_PLACEHOLDER}`,
        `src="/activities/${r.id}/attachments/`,
      )
    : null;
  return {
    ...listItemView(r),
    body_text: c.body,
    body_html: html,
    // Rows logged before body_new existed get it now, from the same stored text.
    body_new: c.body_new ?? (hidden ? '' : extractReplyText(c.body)),
    body_truncated: c.body_truncated ?? false,
  };
}
