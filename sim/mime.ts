// Raw RFC 5322 bytes → Gmail's part tree (users.messages resource, format=full): partId, mimeType,
// filename, headers as written (unfolded, not decoded), body.size and base64url data of the
// transfer-DECODED bytes (text parts converted to UTF-8), attachmentId for attachments and large parts. Never throws: malformed mail
// becomes a single text/plain part, as Gmail stores what it is given.
import { createHash } from 'node:crypto';
import libqp from 'libqp';
import { decodeCharset } from './charset.ts';

export interface Header {
  name: string;
  value: string;
}

export interface GmailPart {
  partId: string;
  mimeType: string;
  filename: string;
  headers: Header[];
  body: { size: number; data?: string; attachmentId?: string };
  parts?: GmailPart[];
}

export interface ParsedRaw {
  payload: GmailPart;
  /** attachmentId → decoded bytes. */
  attachments: Map<string, Buffer>;
  text: string;
}

/** Parts above this size are served through attachments.get, as Gmail does for large bodies. */
const INLINE_LIMIT = 256 * 1024;

export function parseRaw(raw: Buffer): ParsedRaw {
  const attachments = new Map<string, Buffer>();
  try {
    const payload = parseEntity(raw, '', attachments, 0);
    return { payload, attachments, text: firstText(payload, attachments) };
  } catch {
    const payload: GmailPart = {
      partId: '',
      mimeType: 'text/plain',
      filename: '',
      headers: [],
      body: { size: raw.length, data: raw.toString('base64url') },
    };
    return { payload, attachments, text: raw.toString('utf8') };
  }
}

export function splitHeaderBlock(raw: Buffer): { headers: Header[]; body: Buffer } {
  let end = raw.indexOf('\r\n\r\n');
  let sep = 4;
  const lf = raw.indexOf('\n\n');
  if (end < 0 || (lf >= 0 && lf < end)) {
    end = lf;
    sep = 2;
  }
  const head = end < 0 ? raw.toString('latin1') : raw.subarray(0, end).toString('latin1');
  const body = end < 0 ? Buffer.alloc(0) : raw.subarray(end + sep);
  const headers: Header[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      const last = headers[headers.length - 1] as Header;
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  // Header bytes are kept as UTF-8 text where they are valid UTF-8 (RFC 6532), else latin1.
  for (const h of headers) {
    const bytes = Buffer.from(h.value, 'latin1');
    const utf8 = bytes.toString('utf8');
    if (!utf8.includes('\uFFFD')) h.value = utf8;
  }
  return { headers, body };
}

export function headerValue(headers: Header[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

function param(value: string | undefined, name: string): string | undefined {
  if (!value) return undefined;
  const match = new RegExp(`;\\s*${name}\\*?\\s*=\\s*("([^"]*)"|[^;\\s]+)`, 'i').exec(value);
  const raw = match?.[2] ?? match?.[1];
  if (!raw) return undefined;
  // RFC 2231: charset''percent-encoded
  const ext = /^([\w-]+)''(.*)$/.exec(raw);
  if (ext) {
    try {
      return decodeURIComponent(ext[2] ?? '');
    } catch {
      return ext[2];
    }
  }
  return raw;
}

function parseEntity(
  raw: Buffer,
  partId: string,
  attachments: Map<string, Buffer>,
  depth: number,
): GmailPart {
  const { headers, body } = splitHeaderBlock(raw);
  const contentType = headerValue(headers, 'Content-Type') ?? 'text/plain';
  const mimeType = (contentType.split(';')[0] ?? 'text/plain').trim().toLowerCase() || 'text/plain';
  const disposition = headerValue(headers, 'Content-Disposition');
  const filename = decodeFilename(
    param(disposition, 'filename') ?? param(contentType, 'name') ?? '',
  );
  const part: GmailPart = { partId, mimeType, filename, headers, body: { size: 0 } };

  if (mimeType.startsWith('multipart/') && depth < 20) {
    const boundary = param(contentType, 'boundary');
    if (boundary) {
      const children = splitMultipart(body, boundary);
      part.parts = children.map((child, i) =>
        parseEntity(child, partId === '' ? String(i) : `${partId}.${i}`, attachments, depth + 1),
      );
      return part;
    }
  }
  let decoded = decodeTransfer(body, headerValue(headers, 'Content-Transfer-Encoding'));
  if (mimeType === 'message/rfc822' && depth < 20) {
    part.body = { size: decoded.length };
    part.parts = [
      parseEntity(decoded, partId === '' ? '0' : `${partId}.0`, attachments, depth + 1),
    ];
    return part;
  }
  if (mimeType.startsWith('text/') && !filename)
    decoded = toUtf8(decoded, param(contentType, 'charset'));
  part.body = { size: decoded.length };
  if (filename || decoded.length > INLINE_LIMIT) {
    const id = `ANGjdJ${createHash('sha256').update(partId).update(decoded).digest('base64url').slice(0, 40)}`;
    attachments.set(id, decoded);
    part.body.attachmentId = id;
  } else if (decoded.length > 0) {
    part.body.data = decoded.toString('base64url');
  }
  return part;
}

function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const parts: Buffer[] = [];
  const lines = text.split(/\r?\n/);
  let current: string[] | null = null;
  for (const line of lines) {
    if (line.startsWith(delimiter)) {
      if (current) parts.push(Buffer.from(current.join('\r\n'), 'latin1'));
      if (line.startsWith(`${delimiter}--`)) {
        current = null;
        break;
      }
      current = [];
      continue;
    }
    current?.push(line);
  }
  if (current) parts.push(Buffer.from(current.join('\r\n'), 'latin1'));
  return parts;
}

function decodeTransfer(body: Buffer, encoding: string | undefined): Buffer {
  const e = (encoding ?? '7bit').trim().toLowerCase();
  if (e === 'base64')
    return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (e === 'quoted-printable') return libqp.decode(body.toString('latin1'));
  return body;
}

/**
 * Gmail serves the data of text parts in UTF-8 whatever charset the sender declared, leaving the
 * part's Content-Type header as written; a charset it does not know leaves the bytes as they are.
 */
function toUtf8(bytes: Buffer, charset: string | undefined): Buffer {
  const label = (charset ?? '').trim().toLowerCase();
  if (!label || label === 'utf-8' || label === 'utf8' || label === 'us-ascii') return bytes;
  const text = decodeCharset(bytes, label);
  return text === undefined ? bytes : Buffer.from(text, 'utf8');
}

function decodeFilename(name: string): string {
  return name;
}

function firstText(part: GmailPart, attachments: Map<string, Buffer>): string {
  if (part.mimeType === 'text/plain' && !part.filename) {
    const bytes = part.body.data
      ? Buffer.from(part.body.data, 'base64url')
      : attachments.get(part.body.attachmentId ?? '');
    return bytes ? bytes.toString('utf8') : '';
  }
  for (const child of part.parts ?? []) {
    const t = firstText(child, attachments);
    if (t) return t;
  }
  if (part.mimeType === 'text/html' && part.body.data) {
    return Buffer.from(part.body.data, 'base64url')
      .toString('utf8')
      .replace(/<[^>]*>/g, ' ');
  }
  return '';
}
