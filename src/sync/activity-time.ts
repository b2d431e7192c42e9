// When an activity happened, decided by Gmail and not by the sender. The activity's time is the
// message resource's `internalDate` ("the internal message creation timestamp (epoch ms), which
// determines ordering in the inbox", https://developers.google.com/gmail/api/reference/rest/v1/users.messages);
// the `Date:` header is whatever the sender wrote (year 0, year 275760, 1800) and is kept only as
// information, when it is a plausible date. PostgreSQL's timestamptz refuses years JavaScript's
// Date accepts (0, ±YYYYYY), so nothing outside [1970, the mail's time + a day] reaches it.
import type { gmail_v1 } from '@googleapis/gmail';
import type { ParsedMail } from '../mail/parse-message.ts';

/** The two dates of a mail; the parser may provide them itself (same names), else fetching adds them. */
export interface MailDates {
  /** Gmail's `internalDate`; null when Gmail gave none (mail we build ourselves). */
  internalDate?: Date | null;
  /** The `Date:` header as written, parsed but not yet judged. */
  headerDate?: Date | null;
}

const EARLIEST = Date.UTC(1970, 0, 1);
/** Clocks disagree: a header a little ahead of Gmail's receipt is still a real date. */
const SKEW_MS = 24 * 60 * 60 * 1000;

/** The Gmail message's own dates, read from the resource (not from the parser's choice). */
export function gmailDates(message: gmail_v1.Schema$Message): Required<MailDates> {
  const internal = message.internalDate ? Number(message.internalDate) : Number.NaN;
  const header = message.payload?.headers?.find((h) => h.name?.toLowerCase() === 'date')?.value;
  return {
    internalDate: Number.isFinite(internal) ? new Date(internal) : null,
    headerDate: header ? new Date(Date.parse(header)) : null,
  };
}

/** A date between 1970 and `latest`, else null. */
function plausible(date: Date | null | undefined, latest: number): Date | null {
  const t = date?.getTime();
  return t !== undefined && Number.isFinite(t) && t >= EARLIEST && t <= latest ? new Date(t) : null;
}

/**
 * The activity's time: Gmail's internalDate; for a mail without one (built by us when sending),
 * its own date; now when neither is plausible. And the header date, null when implausible.
 */
export function activityTimes(
  mail: ParsedMail & MailDates,
  now = Date.now(),
): { createdAt: Date; headerDate: Date | null } {
  const createdAt =
    plausible(mail.internalDate, now + SKEW_MS) ??
    (mail.internalDate === undefined || mail.internalDate === null
      ? plausible(mail.date, now + SKEW_MS)
      : null) ??
    new Date(now);
  const written = mail.headerDate === undefined ? mail.date : mail.headerDate;
  return { createdAt, headerDate: plausible(written, createdAt.getTime() + SKEW_MS) };
}
