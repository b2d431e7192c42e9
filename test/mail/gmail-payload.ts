// Raw MIME to the users.messages resource Gmail returns with format=full, in the two forms a
// parser meets: `original` (text parts carry the sender's bytes, as our simulator served them
// before issue 13) and `gmail` (text/* data converted to UTF-8 while the Content-Type header keeps
// the sender's charset, as Gmail does). `decodedHeaders` also returns header values RFC 2047
// decoded, the other form header values arrive in. Conversion and header decoding use the
// platform's decoders and libmime, not the parser under test.
import type { gmail_v1 } from '@googleapis/gmail';
import iconv from 'iconv-lite';
import libmime from 'libmime';
import { rawToPart } from '../../src/mail/raw-entity.ts';

type Part = gmail_v1.Schema$MessagePart;

export type GmailForm = 'original' | 'gmail';

export interface PayloadOptions {
  form: GmailForm;
  decodedHeaders?: boolean;
  id?: string;
  internalDate?: number;
}

export function gmailMessageFromRaw(raw: Buffer, options: PayloadOptions): gmail_v1.Schema$Message {
  // Deeper than the parser reads, so the parser's own bound is what the hostile tests exercise.
  const payload = rawToPart(raw, '', 0, 2000);
  visit(payload, (part) => {
    if (options.form === 'gmail') toUtf8(part);
    if (options.decodedHeaders) {
      for (const h of part.headers ?? []) h.value = libmime.decodeWords(h.value ?? '');
    }
  });
  const id = options.id ?? 'm1';
  return {
    id,
    threadId: id,
    labelIds: ['INBOX'],
    internalDate: String(options.internalDate ?? Date.UTC(2026, 10, 25, 12)),
    snippet: '',
    payload,
  };
}

function visit(part: Part, fn: (part: Part) => void, depth = 0): void {
  fn(part);
  // Hostile mail nests deeper than recursion should go; the parser caps its own walk.
  if (depth < 2000) for (const child of part.parts ?? []) visit(child, fn, depth + 1);
}

function toUtf8(part: Part): void {
  if (!part.mimeType?.startsWith('text/') || !part.body?.data) return;
  const contentType = part.headers?.find((h) => h.name?.toLowerCase() === 'content-type')?.value;
  const charset = libmime.parseHeaderValue(contentType ?? '').params.charset ?? 'utf-8';
  const bytes = Buffer.from(part.body.data, 'base64url');
  const text = decodeAs(bytes, charset);
  const utf8 = Buffer.from(text, 'utf8');
  part.body = { ...part.body, data: utf8.toString('base64url'), size: utf8.length };
}

function decodeAs(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return iconv.encodingExists(charset) ? iconv.decode(bytes, charset) : bytes.toString('utf8');
  }
}
