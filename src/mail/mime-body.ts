// The readable text of a Gmail part tree: text/plain preferred within multipart/alternative,
// HTML converted to text otherwise, every charset decoded, forwarded messages included after the
// outer text, attachments listed by name, type and size only.
import type { gmail_v1 } from '@googleapis/gmail';
import { convert as htmlToText } from 'html-to-text';
import iconv from 'iconv-lite';
import { decodeWords } from './addresses.ts';

type Part = gmail_v1.Schema$MessagePart;

export interface AttachmentInfo {
  filename: string;
  mimeType: string;
  size: number;
}

export function headerOf(part: Part | undefined, name: string): string | null {
  const lower = name.toLowerCase();
  return part?.headers?.find((h) => h.name?.toLowerCase() === lower)?.value ?? null;
}

function mimeTypeOf(part: Part): string {
  return (part.mimeType ?? 'text/plain').toLowerCase();
}

export function isAttachment(part: Part): boolean {
  if (part.filename) return true;
  return /^\s*attachment/i.test(headerOf(part, 'Content-Disposition') ?? '');
}

/** Text of a part and everything under it ('' when it has none). */
export function textOf(part: Part | undefined): string {
  if (!part) return '';
  const type = mimeTypeOf(part);
  const children = part.parts ?? [];
  if (type === 'multipart/alternative') return alternativeText(children);
  if (type === 'message/rfc822') return forwardedText(part);
  if (type.startsWith('multipart/') || children.length > 0) {
    return children
      .filter((c) => !isAttachment(c) || mimeTypeOf(c) === 'message/rfc822')
      .map(textOf)
      .filter((t) => t.trim() !== '')
      .join('\n\n');
  }
  if (isAttachment(part)) return '';
  if (type === 'text/plain') return decodeBody(part);
  if (type === 'text/html') return htmlAsText(decodeBody(part));
  return '';
}

/** Plain text wins; HTML is the fallback; a nested multipart counts by what it yields. */
function alternativeText(children: Part[]): string {
  const plain = children.find((c) => mimeTypeOf(c) === 'text/plain' && !isAttachment(c));
  if (plain) {
    const text = decodeBody(plain);
    if (text.trim() !== '') return text;
  }
  for (const child of [...children].reverse()) {
    const text = textOf(child);
    if (text.trim() !== '') return text;
  }
  return '';
}

function forwardedText(part: Part): string {
  const inner = part.parts?.[0];
  const from = decodeWords(headerOf(inner, 'From') ?? headerOf(part, 'From') ?? '');
  const subject = decodeWords(headerOf(inner, 'Subject') ?? headerOf(part, 'Subject') ?? '');
  const body = inner ? textOf(inner) : decodeBody(part);
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

export function decodeBody(part: Part): string {
  const data = part.body?.data;
  if (!data) return '';
  const bytes = Buffer.from(data, 'base64url');
  return decodeCharset(bytes, charsetOf(part));
}

function charsetOf(part: Part): string {
  const contentType = headerOf(part, 'Content-Type') ?? '';
  return /charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1]?.toLowerCase() ?? 'utf-8';
}

/** Unknown charsets fall back to UTF-8 (and latin1 when that is not valid UTF-8); never throws. */
export function decodeCharset(bytes: Buffer, charset: string): string {
  const name = charset === 'us-ascii' ? 'utf-8' : charset;
  if (name !== 'utf-8' && name !== 'utf8' && iconv.encodingExists(name))
    return iconv.decode(bytes, name);
  const utf8 = bytes.toString('utf8');
  return utf8.includes('\uFFFD') && name !== 'utf-8' && name !== 'utf8'
    ? bytes.toString('latin1')
    : utf8;
}

function htmlAsText(html: string): string {
  return htmlToText(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
    ],
  });
}

export function attachmentsOf(
  part: Part | undefined,
  out: AttachmentInfo[] = [],
): AttachmentInfo[] {
  if (!part) return out;
  if (isAttachment(part) && mimeTypeOf(part) !== 'message/rfc822') {
    out.push({
      filename: decodeWords(part.filename ?? ''),
      mimeType: mimeTypeOf(part),
      size: part.body?.size ?? 0,
    });
  }
  for (const child of part.parts ?? []) attachmentsOf(child, out);
  return out;
}
