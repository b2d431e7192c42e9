// When an activity happened, decided by Gmail and not by the sender. The activity's time is the
// message resource's `internalDate` ("the internal message creation timestamp (epoch ms), which
// determines ordering in the inbox", https://developers.google.com/gmail/api/reference/rest/v1/users.messages);
// the `Date:` header is whatever the sender wrote (year 0, year 275760, 1800) and is kept only as
// information. The parser judges both (mail/mail-dates.ts); this checks again at the edge of the
// database, because PostgreSQL's timestamptz refuses years JavaScript's Date accepts (0, ±YYYYYY)
// and one such date once failed a whole batch.
import type { ParsedMail } from '../mail/parse-message.ts';

const EARLIEST = Date.UTC(1970, 0, 1);
/** Clocks disagree: a date a little ahead of now is still a real date. */
const SKEW_MS = 24 * 60 * 60 * 1000;

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
  mail: ParsedMail,
  now = Date.now(),
): { createdAt: Date; headerDate: Date | null } {
  const fromGmail = mail.internalDate !== undefined && mail.internalDate !== null;
  const createdAt =
    plausible(fromGmail ? mail.internalDate : mail.date, now + SKEW_MS) ?? new Date(now);
  const written = mail.headerDate === undefined ? mail.date : mail.headerDate;
  return { createdAt, headerDate: plausible(written, createdAt.getTime() + SKEW_MS) };
}
