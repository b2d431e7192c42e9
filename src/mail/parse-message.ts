// A Gmail message (format=full) to what the CRM logs: subject, participants, date, text body and
// attachment metadata. Malformed mail never throws: it yields the best reading it can.
import type { gmail_v1 } from '@googleapis/gmail';
import { decodeWords, type MailAddress, parseAddressList } from './addresses.ts';
import { type AttachmentInfo, attachmentsOf, headerOf, textOf } from './mime-body.ts';

export type { MailAddress } from './addresses.ts';

export interface ParsedMail {
  gmailId: string;
  threadId: string;
  labelIds: string[];
  historyId: string | null;
  messageIdHeader: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  replyTo: MailAddress[];
  date: Date;
  bodyText: string;
  bodyTruncated: boolean;
  attachments: AttachmentInfo[];
  snippet: string;
}

/** Bodies are capped (UTF-8 bytes); the activity records that it was cut. */
export const BODY_LIMIT_BYTES = 256 * 1024;

export function parseGmailMessage(message: gmail_v1.Schema$Message): ParsedMail {
  const payload = message.payload ?? undefined;
  const header = (name: string) => headerOf(payload, name);
  let text = '';
  try {
    text = clean(textOf(payload)).trim();
  } catch {
    text = clean(message.snippet ?? '');
  }
  // Gmail serves a text body too large to inline only through attachments.get; the snippet stands in.
  const external = text === '' && hasExternalText(payload);
  if (external) text = clean(message.snippet ?? '').trim();
  const [bodyText, cut] = capUtf8(text, BODY_LIMIT_BYTES);
  const bodyTruncated = cut || external;
  return {
    gmailId: message.id ?? '',
    threadId: message.threadId ?? message.id ?? '',
    labelIds: message.labelIds ?? [],
    historyId: message.historyId ?? null,
    messageIdHeader: header('Message-ID')?.trim() || null,
    inReplyTo: header('In-Reply-To')?.trim() || null,
    references: (header('References') ?? '').split(/\s+/).filter(Boolean),
    subject: clean(decodeWords(header('Subject') ?? '')).trim(),
    from: parseAddressList(header('From'))[0] ?? null,
    to: parseAddressList(header('To')),
    cc: parseAddressList(header('Cc')),
    bcc: parseAddressList(header('Bcc')),
    replyTo: parseAddressList(header('Reply-To')),
    date: mailDate(header('Date'), message.internalDate),
    bodyText,
    bodyTruncated,
    attachments: safeAttachments(payload),
    snippet: clean(message.snippet ?? ''),
  };
}

function hasExternalText(part: gmail_v1.Schema$MessagePart | undefined): boolean {
  if (!part) return false;
  if (part.mimeType?.startsWith('text/') && !part.filename && part.body?.attachmentId) return true;
  return (part.parts ?? []).some(hasExternalText);
}

function mailDate(dateHeader: string | null, internalDate: string | null | undefined): Date {
  const parsed = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  if (!Number.isNaN(parsed)) return new Date(parsed);
  const internal = Number(internalDate);
  if (Number.isFinite(internal) && internal > 0) return new Date(internal);
  return new Date();
}

function safeAttachments(payload: gmail_v1.Schema$MessagePart | undefined): AttachmentInfo[] {
  try {
    return attachmentsOf(payload);
  } catch {
    return [];
  }
}

/** PostgreSQL text cannot hold NUL; other control characters but tab and newlines go too. */
const CONTROL = new RegExp(
  `[${String.fromCharCode(0)}-${String.fromCharCode(8)}${String.fromCharCode(11, 12)}${String.fromCharCode(14)}-${String.fromCharCode(31)}]`,
  'g',
);

function clean(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

function capUtf8(text: string, limit: number): [string, boolean] {
  if (Buffer.byteLength(text, 'utf8') <= limit) return [text, false];
  const cut = Buffer.from(text, 'utf8').subarray(0, limit).toString('utf8');
  // A character cut in half decodes as U+FFFD at the end: drop it.
  return [cut.replace(/\uFFFD$/, ''), true];
}
