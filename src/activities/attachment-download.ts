// GET /activities/{id}/attachments/{n}: the n-th (from 0) attachment of the activity's list, read
// from Gmail when asked and never kept. The part is found again in a fresh messages.get by its
// position in the same list the sync made, checked against the stored file name: Gmail does not
// document attachmentId as stable across messages.get answers (in practice it changes), so it is
// no key to store (https://developers.google.com/gmail/api/reference/rest/v1/users.messages.attachments/get).
// Costs one messages.get and one attachments.get of the mailbox's quota.
import { AppError } from '../app-error.ts';
import { attachmentsOf } from '../mail/mime-body.ts';
import type { Viewer } from './activity-audience.ts';
import { attachmentsView } from './activity-view.ts';
import { findActivity } from './get-activity.ts';
import { findPart, type GmailSourceDeps, partBytesOf, readerFor } from './gmail-source.ts';

/** Gmail accepts mail up to 50 MB (attachments base64-encoded inside it): nothing larger exists. */
export const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;

export interface AttachmentDownload {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export async function downloadAttachment(
  deps: GmailSourceDeps,
  viewer: Viewer,
  activityId: string,
  n: number,
): Promise<AttachmentDownload> {
  const row = await findActivity(deps.db, viewer, activityId);
  const listed = attachmentsView(row.content)[n];
  if (!listed) throw new AppError('not_found', 'this activity has no such attachment');
  if (listed.size > MAX_ATTACHMENT_BYTES) {
    throw new AppError('payload_too_large', 'the attachment is larger than this service serves');
  }
  const reader = await readerFor(deps, row.mailbox_id);
  const gmailId = row.content.gmail_message_id;
  const message = await reader.message(gmailId);
  const fresh = attachmentsOf(message.payload ?? undefined)[n];
  const part = fresh?.partId ? findPart(message.payload ?? undefined, fresh.partId) : undefined;
  if (!part || fresh?.filename !== listed.filename) {
    throw new AppError('not_found', 'the attachment is no longer in the mail in Gmail');
  }
  const bytes = await partBytesOf(reader, gmailId, part);
  return { filename: listed.filename, contentType: listed.content_type, bytes };
}
