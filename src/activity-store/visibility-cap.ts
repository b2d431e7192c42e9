// The org's `max_visibility`: no mailbox keeps or shows more of a mail than this. New mail is logged
// at most at the cap (activity-author.ts); mail logged before the cap was lowered is shown at the
// cap, the rest of what it kept withheld, as if the mailbox had logged it so.
import type { ActivityContent, Visibility } from '../db/schema.ts';

const RANK: Record<Visibility, number> = { metadata: 0, subject: 1, full: 2 };

/** The lesser of two levels. */
export function lowestVisibility(a: Visibility, b: Visibility): Visibility {
  return RANK[a] <= RANK[b] ? a : b;
}

interface Shown {
  title: string;
  description: string;
  email_subject: string;
  content: ActivityContent;
}

/** The row as the cap lets it be shown: unchanged when it kept no more than the cap. */
export function capShown<R extends Shown>(row: R, cap: Visibility): R {
  const kept = row.content.visibility ?? 'full';
  if (kept === 'private' || RANK[kept] <= RANK[cap]) return row;
  const content: ActivityContent = {
    ...row.content,
    body: '',
    body_html: null,
    body_new: '',
    body_truncated: false,
    attachments: [],
    visibility: cap,
  };
  if (cap === 'subject') return { ...row, description: '', content };
  return { ...row, title: 'Email', description: '', email_subject: '', content };
}
