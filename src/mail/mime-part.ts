// What one Gmail message part is, read from its own headers where Gmail's summary fields fall
// short: the media type (RFC 2045 §5.2: missing subtype or unparsable means text/plain), the
// charset and file name with RFC 2231 and RFC 2047 decoded, whether a reader shows it as text or
// lists it as an attachment, and its bytes, never more than the caller's budget.
import type { gmail_v1 } from '@googleapis/gmail';
import { decodeWords } from './encoded-words.ts';
import { type HeaderValue, parseHeaderValue } from './header-params.ts';

export type Part = gmail_v1.Schema$MessagePart;

export function headerOf(part: Part | undefined, name: string): string | null {
  const lower = name.toLowerCase();
  return part?.headers?.find((h) => h.name?.toLowerCase() === lower)?.value ?? null;
}

const TOKEN = /^[a-z0-9!#$%&'*+.^_`|~-]+\/[a-z0-9!#$%&'*+.^_`|~-]+$/;

function contentTypeOf(part: Part): HeaderValue | null {
  const header = headerOf(part, 'Content-Type');
  return header === null ? null : parseHeaderValue(header.slice(0, 16_384));
}

/** The media type a reader acts on, lower case. */
export function mimeTypeOf(part: Part): string {
  const declared = contentTypeOf(part)?.value;
  if (declared !== undefined) {
    if (TOKEN.test(declared)) return declared;
    // RFC 2045 §5.2; but a part Gmail split into children stays what Gmail made of it.
    if (!part.parts?.length) return 'text/plain';
  }
  const gmail = (part.mimeType ?? '').toLowerCase();
  return TOKEN.test(gmail) ? gmail : 'text/plain';
}

export function charsetOf(part: Part): string | null {
  return contentTypeOf(part)?.params.charset ?? null;
}

function dispositionOf(part: Part): HeaderValue | null {
  const header = headerOf(part, 'Content-Disposition');
  return header === null ? null : parseHeaderValue(header.slice(0, 16_384));
}

/** RFC 2231/2047 decoded from the headers, else Gmail's own `filename`. */
export function filenameOf(part: Part): string {
  const fromHeaders = dispositionOf(part)?.params.filename ?? contentTypeOf(part)?.params.name;
  return fromHeaders || decodeWords(part.filename ?? '');
}

/**
 * As mail clients (and mailparser) show it: text/plain and text/html are body text unless marked
 * `Content-Disposition: attachment`, even when they carry a file name; any other type with a file
 * name or an attachment disposition is an attachment.
 */
export function isAttachment(part: Part): boolean {
  if (dispositionOf(part)?.value === 'attachment') return true;
  if (isBodyText(mimeTypeOf(part))) return false;
  return filenameOf(part) !== '';
}

export function isBodyText(type: string): boolean {
  return type === 'text/plain' || type === 'text/html';
}

/** The part's data, at most `maxBytes` of it: a 50 MB part is never decoded whole. */
export function partBytes(part: Part, maxBytes: number): { bytes: Buffer; cut: boolean } {
  const data = part.body?.data ?? '';
  const chars = Math.ceil(maxBytes / 3) * 4;
  const cut = data.length > chars;
  const bytes = Buffer.from(cut ? data.slice(0, chars) : data, 'base64url');
  return { bytes: bytes.subarray(0, maxBytes), cut: cut || bytes.length > maxBytes };
}
