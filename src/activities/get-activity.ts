// One activity with its bodies (GET /activities/{id}); with `full`, a body cut at the storage cap
// is read whole from Gmail (messages.get, and attachments.get for text parts Gmail serves only
// that way), parsed by the same parser with a larger cap, and not stored.

import { readOrgSettings } from '../activity-store/org-settings.ts';
import { capShown } from '../activity-store/visibility-cap.ts';
import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import type { Part } from '../mail/mime-part.ts';
import { parseGmailMessage } from '../mail/parse-message.ts';
import { seenBy, type Viewer } from './activity-audience.ts';
import { ACTIVITY_COLUMNS, type ActivityRow, activityView } from './activity-view.ts';
import { type GmailSourceDeps, type MessageReader, readerFor } from './gmail-source.ts';

/** The most text `full=1` returns (UTF-8 bytes); the part data it decodes is capped at twice that. */
export const FULL_TEXT_LIMIT_BYTES = 16 * 1024 * 1024;
/** Text parts Gmail serves only through attachments.get that `full=1` fetches, at most. */
const MAX_EXTERNAL_TEXT_PARTS = 8;

/**
 * The activity as `viewer` may see it, at most at the org's `max_visibility`; one of a mailbox the
 * viewer may not see is not found, as one of another org.
 */
export async function findActivity(db: Db, viewer: Viewer, id: string): Promise<ActivityRow> {
  const { rows } = await db.execute<ActivityRow>(sql`
    select ${ACTIVITY_COLUMNS} from activities a
     where a.org_id = ${viewer.orgId} and a.id = ${id} and ${seenBy(viewer)}`);
  const row = rows[0];
  if (!row) throw new AppError('not_found', 'no activity with this id in your organisation');
  const { max_visibility } = await readOrgSettings(db, viewer.orgId);
  return capShown(row, max_visibility);
}

export async function getActivity(
  deps: GmailSourceDeps,
  viewer: Viewer,
  id: string,
  opts: { full: boolean },
) {
  const row = await findActivity(deps.db, viewer, id);
  const view = activityView(row);
  const hidden = (row.content.visibility ?? 'full') !== 'full';
  // Only a body the activity keeps, and only when storage cut it: nothing else is worth the quota.
  if (!opts.full || hidden || !view.body_truncated) return view;
  const reader = await readerFor(deps, row.mailbox_id);
  const text = await fullTextOf(reader, row.content.gmail_message_id);
  return { ...view, body_text: text.bodyText, body_truncated: text.bodyTruncated };
}

async function fullTextOf(reader: MessageReader, gmailId: string) {
  const message = await reader.message(gmailId);
  await inlineExternalText(reader, gmailId, message.payload ?? undefined);
  return parseGmailMessage(message, {
    bodyBytes: FULL_TEXT_LIMIT_BYTES,
    sourceBytes: 2 * FULL_TEXT_LIMIT_BYTES,
  });
}

/** Gmail serves a large text body only as an attachmentId: fetch it into the part's data. */
async function inlineExternalText(reader: MessageReader, gmailId: string, root: Part | undefined) {
  const external: Part[] = [];
  const walk = (part: Part | undefined, depth: number) => {
    if (!part || depth > 100 || external.length >= MAX_EXTERNAL_TEXT_PARTS) return;
    const isText = part.mimeType?.startsWith('text/') && !part.filename;
    if (isText && part.body?.attachmentId && !part.body.data) external.push(part);
    for (const child of part.parts ?? []) walk(child, depth + 1);
  };
  walk(root, 0);
  for (const part of external) {
    const bytes = await reader.attachment(gmailId, part.body?.attachmentId ?? '');
    part.body = { ...part.body, data: bytes.toString('base64url') };
  }
}
