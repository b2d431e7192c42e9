// Raw MIME to a Gmail-shaped part tree, for the one place Gmail hands us raw bytes inside
// `format=full`: a message/rfc822 part served as data instead of parts. Read as a mail reader
// would: a header block without its blank line ends at the first line that is not a header,
// RFC 2231 `boundary*=` honoured, transfer encodings undone, nesting and size bounded.
import { isUtf8 } from 'node:buffer';
import { decodeWords } from './encoded-words.ts';
import { parseHeaderValue } from './header-params.ts';
import { MAX_DEPTH, type Walk } from './mime-limits.ts';
import { type Part, partBytes } from './mime-part.ts';

interface Header {
  name: string;
  value: string;
}

const HEADER_LINE = /^[!-9;-~]+[ \t]*:/;

export function splitRawEntity(raw: Buffer): { headers: Header[]; body: Buffer } {
  const headers: Header[] = [];
  let offset = 0;
  while (offset < raw.length) {
    const nl = raw.indexOf(0x0a, offset);
    const end = nl < 0 ? raw.length : nl + 1;
    const line = raw
      .subarray(offset, end)
      .toString('latin1')
      .replace(/\r?\n$/, '');
    if (line === '') return { headers, body: raw.subarray(end) };
    const last = headers[headers.length - 1];
    if (/^[ \t]/.test(line) && last) last.value += ` ${line.trim()}`;
    else if (HEADER_LINE.test(line)) {
      const colon = line.indexOf(':');
      headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
    } else break; // no blank line: the body starts here
    offset = end;
  }
  for (const h of headers) h.value = headerText(h.value);
  return { headers, body: raw.subarray(offset) };
}

/** Header bytes are UTF-8 where valid (RFC 6532), else Latin-1 as they came. */
function headerText(latin1: string): string {
  const bytes = Buffer.from(latin1, 'latin1');
  return isUtf8(bytes) ? bytes.toString('utf8') : latin1;
}

/** `maxDepth` bounds the nesting read (MAX_DEPTH for the parser; tests emulating Gmail go deeper). */
export function rawToPart(raw: Buffer, partId = '', depth = 0, maxDepth = MAX_DEPTH): Part {
  const { headers, body } = splitRawEntity(raw);
  const find = (name: string) => headers.find((h) => h.name.toLowerCase() === name)?.value;
  const type = parseHeaderValue(find('content-type') ?? 'text/plain');
  const mimeType = type.value.includes('/') ? type.value : 'text/plain';
  const disposition = parseHeaderValue(find('content-disposition') ?? '');
  const filename = decodeWords(disposition.params.filename ?? type.params.name ?? '');
  const part: Part = { partId, mimeType, filename, headers, body: { size: 0 } };
  const childId = (i: number) => (partId === '' ? String(i) : `${partId}.${i}`);
  if (depth < maxDepth && mimeType.startsWith('multipart/') && type.params.boundary) {
    const children = splitMultipart(body, type.params.boundary);
    part.parts = children.map((c, i) => rawToPart(c, childId(i), depth + 1, maxDepth));
    return part;
  }
  const decoded = transferDecode(body, find('content-transfer-encoding'));
  if (depth < maxDepth && mimeType === 'message/rfc822') {
    part.parts = [rawToPart(decoded, childId(0), depth + 1, maxDepth)];
  }
  part.body = { size: decoded.length, data: decoded.toString('base64url') };
  return part;
}

/**
 * The parts between delimiter lines (RFC 2046 §5.1.1: `--boundary` at the start of a line followed
 * only by whitespace, or by `--` to close; so boundary `d1` does not split at `--d10`). A missing
 * close delimiter ends the last part at the end of the data.
 */
function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const parts: Buffer[] = [];
  let start = -1;
  let offset = 0;
  for (let at = body.indexOf(delimiter); at >= 0; at = body.indexOf(delimiter, offset)) {
    const lineEnd = body.indexOf(0x0a, at);
    const next = lineEnd < 0 ? body.length : lineEnd + 1;
    const rest = body
      .subarray(at + delimiter.length, lineEnd < 0 ? body.length : lineEnd)
      .toString('latin1');
    const closes = rest.startsWith('--');
    if ((at > 0 && body[at - 1] !== 0x0a) || !(closes || /^[ \t\r]*$/.test(rest))) {
      offset = at + delimiter.length;
      continue;
    }
    // The line break before a delimiter belongs to the delimiter.
    if (start >= 0) parts.push(body.subarray(start, Math.max(start, lineBreakStart(body, at))));
    if (closes) return parts;
    start = next;
    offset = next;
  }
  if (start >= 0 && start < body.length) parts.push(body.subarray(start));
  return parts;
}

function lineBreakStart(body: Buffer, at: number): number {
  if (at > 0 && body[at - 1] === 0x0a) return at > 1 && body[at - 2] === 0x0d ? at - 2 : at - 1;
  return at;
}

function transferDecode(body: Buffer, encoding: string | undefined): Buffer {
  const name = (encoding ?? '').trim().toLowerCase();
  if (name === 'base64')
    return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
  if (name === 'quoted-printable') return quotedPrintable(body.toString('latin1'));
  return body;
}

/** An embedded message Gmail served as data: read it within the walk's budget. */
export function readEmbeddedMessage(part: Part, walk: Walk): Part | undefined {
  if (!part.body?.data || walk.sourceLeft <= 0) return undefined;
  const { bytes, cut } = partBytes(part, walk.sourceLeft);
  if (cut) walk.truncated = true;
  return rawToPart(bytes, part.partId ?? '', 1);
}

/** RFC 2045 §6.7: soft line breaks removed, `=XX` to its byte, anything malformed kept as it is. */
function quotedPrintable(text: string): Buffer {
  const joined = text.replace(/=[ \t]*\r?\n/g, '');
  const bytes = Buffer.alloc(joined.length);
  let n = 0;
  for (let i = 0; i < joined.length; i++) {
    const hex = joined[i] === '=' ? joined.slice(i + 1, i + 3) : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes[n++] = Number.parseInt(hex, 16);
      i += 2;
    } else bytes[n++] = joined.charCodeAt(i) & 0xff;
  }
  return bytes.subarray(0, n);
}
