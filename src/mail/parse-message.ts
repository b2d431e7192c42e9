// A Gmail message (format=full) to what the CRM logs: subject, participants, dates, text body and
// attachment metadata. Hostile mail never throws, hangs or grows without bound: every string is
// cleaned (no NUL, no lone surrogate) and capped, the walk is bounded (mime-limits.ts), and a
// body over BODY_LIMIT_BYTES is cut and flagged.
import type { gmail_v1 } from '@googleapis/gmail';
import { type MailAddress, parseAddressList } from './addresses.ts';
import { capUtf8, cleanLine, cleanText } from './clean-text.ts';
import { type DeliveryReportParts, readDeliveryReport } from './delivery-report.ts';
import { decodeWords } from './encoded-words.ts';
import { headerDateOf, internalDateOf } from './mail-dates.ts';
import { type AttachmentInfo, attachmentsOf, htmlOf, textOf } from './mime-body.ts';
import { MAX_DEPTH, newWalk } from './mime-limits.ts';
import { headerOf, type Part } from './mime-part.ts';

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
  /** RFC 3834's Auto-Submitted header (a sign a system sent the mail); null when absent. */
  autoSubmitted?: string | null;
  /** RFC 2919's List-Id and the Precedence header (bulk, list, junk): mailing-list mail. */
  listId?: string | null;
  /** RFC 2369's List-Post address (`<mailto:…>`): where a list's posts go; null when absent. */
  listPost?: string | null;
  /** X-Original-From, which Google Groups adds when it rewrites From (DMARC): the real sender. */
  originalFrom?: MailAddress | null;
  precedence?: string | null;
  /** The auto-reply headers present (X-Autoreply, X-Autorespond, X-Auto-Response-Suppress), as `name: value`. */
  autoReplyHeaders?: string[];
  /** Exim's and Gmail's X-Failed-Recipients: the addresses a bounce is about. */
  failedRecipients?: string[];
  /** A delivery report's machine-readable parts (delivery-report.ts); null for other mail. */
  report?: DeliveryReportParts | null;
  /**
   * The activity's time: Gmail's `internalDate` when there is one, else the validated header
   * date, else now. Kept for the pipeline; `internalDate` and `headerDate` say which is which.
   */
  date: Date;
  /** When Gmail received the mail (`internalDate`); null only when Gmail gave none. Optional for mail we build ourselves. */
  internalDate?: Date | null;
  /** The `Date:` header when it is a real date between 1970 and a day after `internalDate`, else null. */
  headerDate?: Date | null;
  bodyText: string;
  bodyTruncated: boolean;
  /** The raw (unsanitised) HTML body, at most the source limit of it; null when there is none. */
  bodyHtml?: string | null;
  attachments: AttachmentInfo[];
  snippet: string;
}

/** Bodies are capped (UTF-8 bytes); the activity records that it was cut. */
export const BODY_LIMIT_BYTES = 256 * 1024;
/** Limits for a reader that wants more than storage keeps (GET /activities/{id}?full=1). */
export interface ParseLimits {
  /** Cap on the text body, UTF-8 bytes (default BODY_LIMIT_BYTES). */
  bodyBytes?: number;
  /** Cap on the part data decoded in all (default SOURCE_LIMIT_BYTES). */
  sourceBytes?: number;
}

/** Headers auto-responders set besides RFC 3834's Auto-Submitted (Exchange's, and the common X- ones). */
const AUTO_REPLY_HEADERS = ['X-Autoreply', 'X-Autorespond', 'X-Auto-Response-Suppress'];

/** RFC 5322 §2.1.1's line limit: longer one-line values are cut to it. */
const LINE_CHARS = 998;
/** A reply needs its nearest ancestors, which References lists last. */
const MAX_REFERENCES = 100;

export function parseGmailMessage(
  message: gmail_v1.Schema$Message,
  limits: ParseLimits = {},
): ParsedMail {
  const payload = message.payload ?? undefined;
  const header = (name: string) => headerOf(payload, name);
  const internalDate = internalDateOf(message.internalDate);
  const headerDate = headerDateOf(header('Date'), internalDate);
  const { bodyText, bodyTruncated } = bodyOf(message, payload, limits);
  return {
    gmailId: cleanLine(message.id ?? '', LINE_CHARS),
    threadId: cleanLine(message.threadId ?? message.id ?? '', LINE_CHARS),
    labelIds: (message.labelIds ?? []).map((l) => cleanLine(l, LINE_CHARS)),
    historyId: message.historyId ? cleanLine(message.historyId, LINE_CHARS) : null,
    messageIdHeader: messageId(header('Message-ID')),
    inReplyTo: messageId(header('In-Reply-To')),
    references: references(header('References')),
    subject: cleanLine(decodeWords(header('Subject') ?? ''), LINE_CHARS),
    from: parseAddressList(header('From'))[0] ?? null,
    to: parseAddressList(header('To')),
    cc: parseAddressList(header('Cc')),
    bcc: parseAddressList(header('Bcc')),
    replyTo: parseAddressList(header('Reply-To')),
    autoSubmitted: header('Auto-Submitted') && cleanLine(header('Auto-Submitted') ?? '', 100),
    listId: header('List-Id') && cleanLine(header('List-Id') ?? '', LINE_CHARS),
    listPost: listPostOf(header('List-Post')),
    originalFrom: parseAddressList(header('X-Original-From'))[0] ?? null,
    precedence: header('Precedence') && cleanLine(header('Precedence') ?? '', 100),
    autoReplyHeaders: AUTO_REPLY_HEADERS.flatMap((name) => {
      const value = header(name);
      return value === null ? [] : [`${name}: ${cleanLine(value, 100)}`];
    }),
    failedRecipients: parseAddressList(header('X-Failed-Recipients'))
      .slice(0, 100)
      .map((a) => a.email),
    report: safely(() => readDeliveryReport(payload), null),
    date: internalDate ?? headerDate ?? new Date(),
    internalDate,
    headerDate,
    bodyText,
    bodyTruncated,
    bodyHtml: safely(() => htmlOf(payload, newWalk(limits.sourceBytes)), null),
    attachments: safely(() => attachmentsOf(payload), []),
    snippet: cleanLine(message.snippet ?? '', LINE_CHARS),
  };
}

function bodyOf(message: gmail_v1.Schema$Message, payload: Part | undefined, limits: ParseLimits) {
  const walk = newWalk(limits.sourceBytes);
  const read = safely<string | null>(() => cleanText(textOf(payload, walk)).trim(), null);
  // Gmail serves a text body too large to inline only through attachments.get; the snippet
  // stands in for it, and for a body that could not be read at all.
  const external = read === '' && safely(() => hasExternalText(payload, 0), false);
  const text = read === null || external ? cleanLine(message.snippet ?? '', LINE_CHARS) : read;
  const [bodyText, cut] = capUtf8(text, limits.bodyBytes ?? BODY_LIMIT_BYTES);
  return { bodyText, bodyTruncated: cut || external || read === null || walk.truncated };
}

function hasExternalText(part: Part | undefined, depth: number): boolean {
  if (!part || depth > MAX_DEPTH) return false;
  if (part.mimeType?.startsWith('text/') && !part.filename && part.body?.attachmentId) return true;
  return (part.parts ?? []).some((p) => hasExternalText(p, depth + 1));
}

function messageId(value: string | null): string | null {
  const id = cleanLine(value ?? '', LINE_CHARS + 1);
  return id && id.length <= LINE_CHARS ? id : null;
}

function references(value: string | null): string[] {
  const ids = cleanLine((value ?? '').slice(-256 * 1024), 256 * 1024).split(' ');
  return ids.filter((id) => id !== '' && id.length <= LINE_CHARS).slice(-MAX_REFERENCES);
}

function safely<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** The address of a List-Post header's first `<mailto:…>`; `NO` (posting not allowed) is null. */
function listPostOf(value: string | null): string | null {
  const mailto = /<mailto:([^>?\s]{3,254})(?:\?[^>]*)?>/i.exec(value ?? '')?.[1];
  return mailto ? (parseAddressList(safeDecode(mailto))[0]?.email ?? null) : null;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
