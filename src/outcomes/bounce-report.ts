// Whether a mail is a delivery report (a bounce) and what it says: which recipients failed, hard
// or soft, the server's reason, and the Message-IDs that name the mail it returns. Standard
// reports (RFC 3464 multipart/report, Gmail's, Postfix's, Outlook.com's, Exchange's) carry a
// delivery-status part; the others are read from their notice text (bounce-text.ts).
import { cleanLine } from '../mail/clean-text.ts';
import { quotedMessageIds } from '../mail/delivery-report.ts';
import type { ParsedMail } from '../mail/parse-message.ts';
import { type BounceKind, bounceKind } from './bounce-kind.ts';
import { noticeOf, readNoticeText } from './bounce-text.ts';
import { parseDeliveryStatus } from './delivery-status.ts';

export interface BouncedRecipient {
  recipient: string;
  kind: BounceKind;
  /** RFC 3463 status when given. */
  status: string | null;
  /** The server's reason, one line, at most 300 characters; never the mail's own text. */
  diagnostic: string;
  /** True when delivery failed for good (not a delay warning). */
  failed: boolean;
}

export interface BounceReport {
  gmailId: string;
  threadId: string;
  /** Message-IDs that may name the returned mail: returned headers, quoted copy, threading. */
  messageIds: string[];
  recipients: BouncedRecipient[];
}

const DAEMON_SENDER = /^(mailer-daemon|postmaster|mail-?daemon|mailerdaemon)@/i;
const DAEMON_NAME = /mail delivery (subsystem|system)|mail administrator|postmaster|mailer-daemon/i;
const BOUNCE_SUBJECT =
  /undeliver|undelivered|delivery (status notification|failure|has failed|notification|problem)|returned mail|failure notice|mail delivery failed|could not be delivered|non[- ]?delivery|returning message to sender|delivery incomplete|warning: could not send|mail system error/i;
const DELAY_WORDS =
  /delay|will (continue to )?(retry|try)|still trying|not yet been delivered|delivery incomplete/i;

export function isDeliveryReport(mail: ParsedMail): boolean {
  if (mail.report?.deliveryStatus) return true;
  const from = mail.from?.email ?? '';
  const byDaemon = DAEMON_SENDER.test(from) || DAEMON_NAME.test(mail.from?.name ?? '');
  if (!byDaemon) return false;
  return (
    BOUNCE_SUBJECT.test(mail.subject) ||
    (mail.failedRecipients?.length ?? 0) > 0 ||
    (mail.report?.returnedMessageIds.length ?? 0) > 0
  );
}

/** The report this mail is, or null when it is not one. */
export function readBounce(mail: ParsedMail): BounceReport | null {
  if (!isDeliveryReport(mail)) return null;
  const exclude = new Set(
    [mail.from, ...mail.to, ...mail.cc].flatMap((a) => (a ? [a.email.toLowerCase()] : [])),
  );
  const fromText = readNoticeText(mail.bodyText, exclude);
  const reasonOf = (r: string) => fromText.find((f) => f.recipient === r);
  const delayed = DELAY_WORDS.test(`${mail.subject}\n${noticeOf(mail.bodyText)}`);
  const statuses = mail.report?.deliveryStatus
    ? parseDeliveryStatus(mail.report.deliveryStatus)
    : [];
  const recipients: BouncedRecipient[] = [];
  if (statuses.length > 0) {
    for (const s of statuses) {
      if (s.action !== 'failed' && s.action !== 'delayed') continue; // delivered, relayed, expanded
      const diagnostic = s.diagnostic ?? reasonOf(s.recipient)?.diagnostic ?? null;
      recipients.push(entry(s.recipient, s.action, s.status, diagnostic));
    }
  } else {
    const failed = mail.failedRecipients ?? [];
    const named = failed.length > 0 ? failed : fromText.map((f) => f.recipient);
    for (const r of named) {
      const found = reasonOf(r);
      recipients.push(
        entry(r, delayed ? 'delayed' : 'failed', found?.status ?? null, found?.diagnostic ?? null),
      );
    }
  }
  const ids = [
    ...(mail.report?.returnedMessageIds ?? []),
    ...quotedMessageIds(mail.bodyText.slice(0, 256 * 1024)),
    ...(mail.inReplyTo ? [mail.inReplyTo] : []),
    ...mail.references,
  ];
  return {
    gmailId: mail.gmailId,
    threadId: mail.threadId,
    messageIds: [...new Set(ids)].slice(0, 50),
    recipients,
  };
}

function entry(
  recipient: string,
  action: string,
  status: string | null,
  diagnostic: string | null,
): BouncedRecipient {
  const words = cleanLine(diagnostic ?? '', 300).trim();
  return {
    recipient: recipient.toLowerCase(),
    kind: bounceKind({ action, status, diagnostic: words }),
    status,
    diagnostic: words || (status ? `status ${status}` : action),
    failed: action === 'failed',
  };
}
