// The readable text of a Gmail part tree: text/plain preferred within multipart/alternative,
// HTML converted to text otherwise, forwarded messages included after the outer text,
// attachments listed by name, type and size only. Bounded for hostile mail: parts nested deeper
// than MAX_DEPTH are not walked, and no more than SOURCE_LIMIT_BYTES of part data is decoded in
// all; either cut sets `truncated`.
import { decodeTextData } from './charset.ts';
import { cleanLine } from './clean-text.ts';
import { decodeWords } from './encoded-words.ts';
import { htmlToText } from './html-text.ts';
import { MAX_DEPTH, type Walk } from './mime-limits.ts';
import {
  charsetOf,
  filenameOf,
  headerOf,
  isAttachment,
  isBodyText,
  mimeTypeOf,
  type Part,
  partBytes,
} from './mime-part.ts';
import { readEmbeddedMessage } from './raw-entity.ts';

export interface AttachmentInfo {
  filename: string;
  mimeType: string;
  size: number;
  /** Gmail's partId: stable for the message, unlike attachmentId; how the bytes are found later. */
  partId?: string;
  /** The Content-ID without `<>`, which `cid:` URLs in the HTML name; null when none. */
  contentId?: string | null;
  /** Shown inside the body (`Content-Disposition: inline` or a Content-ID) rather than listed. */
  inline?: boolean;
}

/** A longer list tells a reader nothing more; it bounds the activity's size. */
const MAX_ATTACHMENTS = 2000;

/** Text of a part and everything under it ('' when it has none). */
export function textOf(part: Part | undefined, walk: Walk, depth = 0): string {
  if (!part) return '';
  if (depth > MAX_DEPTH) {
    walk.truncated = true;
    return '';
  }
  const type = mimeTypeOf(part);
  const children = part.parts ?? [];
  if (type.startsWith('multipart/') && children.length === 0) {
    // A multipart Gmail could not split (no usable boundary, or nested past its own limit) holds
    // text we do not show: say the body is incomplete rather than pretend it is whole.
    if (part.body?.data || part.body?.attachmentId) walk.truncated = true;
    return '';
  }
  if (type === 'multipart/alternative') return alternativeText(children, walk, depth + 1);
  if (type === 'message/rfc822' || type === 'message/global')
    return forwardedText(part, walk, depth);
  // Only a pointer to content stored elsewhere (RFC 2046 §5.2.3): nothing to show, siblings still are.
  if (type === 'message/external-body') return '';
  if (type.startsWith('multipart/') || children.length > 0) {
    // A multipart Gmail could not split (no usable boundary, or nested past its own limit) holds
    // text we do not show: say the body is incomplete rather than pretend it is whole.
    if (children.length === 0 && (part.body?.data || part.body?.attachmentId))
      walk.truncated = true;
    return children
      .filter((c) => !isAttachment(c) || mimeTypeOf(c).startsWith('message/'))
      .map((c) => textOf(c, walk, depth + 1))
      .filter((t) => t.trim() !== '')
      .join('\n\n');
  }
  if (isAttachment(part) || !isBodyText(type)) return '';
  const text = decodeText(part, walk);
  if (type !== 'text/html') return text;
  // The walk's source budget bounds the bytes; the tag bound is html-text's.
  const html = htmlToText(text, Number.POSITIVE_INFINITY);
  if (html.truncated) walk.truncated = true;
  return html.text;
}

/** Plain text wins; HTML is the fallback; a nested multipart counts by what it yields. */
function alternativeText(children: Part[], walk: Walk, depth: number): string {
  const plain = children.find((c) => mimeTypeOf(c) === 'text/plain' && !isAttachment(c));
  if (plain) {
    const text = textOf(plain, walk, depth);
    if (text.trim() !== '') return text;
  }
  for (const child of [...children].reverse()) {
    const text = textOf(child, walk, depth);
    if (text.trim() !== '') return text;
  }
  return '';
}

/** Gmail lists a forwarded message's own part tree under the message/rfc822 part. */
function forwardedText(part: Part, walk: Walk, depth: number): string {
  const inner = part.parts?.[0] ?? readEmbeddedMessage(part, walk);
  const body = inner ? textOf(inner, walk, depth + 1) : '';
  const from = decodeWords(headerOf(inner, 'From') ?? headerOf(part, 'From') ?? '');
  const subject = decodeWords(headerOf(inner, 'Subject') ?? headerOf(part, 'Subject') ?? '');
  return [
    '---------- Forwarded message ----------',
    from && `From: ${from}`,
    subject && `Subject: ${subject}`,
    '',
    body,
  ]
    .filter((l) => l !== '')
    .join('\n');
}

/** A text part's data as text, by Gmail's UTF-8 rule (`decodeTextData`), within the budget. */
export function decodeText(part: Part, walk: Walk): string {
  if (!part.body?.data || walk.sourceLeft <= 0) {
    if (part.body?.data) walk.truncated = true;
    return '';
  }
  const { bytes, cut } = partBytes(part, walk.sourceLeft);
  walk.sourceLeft -= bytes.length;
  if (cut) walk.truncated = true;
  return decodeTextData(bytes, charsetOf(part));
}

/** The first HTML body (not an attached .html file), raw; null when the mail has none. */
export function htmlOf(part: Part | undefined, walk: Walk, depth = 0): string | null {
  if (!part || depth > MAX_DEPTH) return null;
  const type = mimeTypeOf(part);
  if (type === 'text/html' && !isAttachment(part)) return decodeText(part, walk);
  if (!type.startsWith('multipart/')) return null;
  for (const child of part.parts ?? []) {
    const html = htmlOf(child, walk, depth + 1);
    if (html !== null) return html;
  }
  return null;
}

export function attachmentsOf(
  part: Part | undefined,
  out: AttachmentInfo[] = [],
  depth = 0,
): AttachmentInfo[] {
  if (!part || depth > MAX_DEPTH || out.length >= MAX_ATTACHMENTS) return out;
  const type = mimeTypeOf(part);
  const contentId = cleanLine(headerOf(part, 'Content-ID') ?? '', 255).replace(/^<|>$/g, '');
  // An inline image often has a Content-ID and no file name: still a part the HTML points at.
  const embedded = contentId !== '' && !type.startsWith('multipart/') && !isBodyText(type);
  if ((isAttachment(part) || embedded) && !type.startsWith('message/')) {
    const disposition = (headerOf(part, 'Content-Disposition') ?? '').trim().toLowerCase();
    out.push({
      filename: cleanLine(filenameOf(part), 255),
      mimeType: cleanLine(type, 255),
      size: Math.max(0, Number(part.body?.size) || 0),
      partId: cleanLine(part.partId ?? '', 255),
      contentId: contentId || null,
      inline: disposition.startsWith('inline') || (embedded && !disposition),
    });
  }
  for (const child of part.parts ?? []) attachmentsOf(child, out, depth + 1);
  return out;
}
