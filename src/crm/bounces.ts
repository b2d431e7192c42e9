// Mail Gmail accepted and then could not deliver comes back as a delivery-status notification
// (RFC 3464: multipart/report; report-type=delivery-status) from Gmail's mailer daemon, answering
// the original's Message-ID in In-Reply-To and References. Mail sent past the daily sending limit
// bounces this way (https://support.google.com/a/answer/166852). Reports of every shape are read
// and recorded by outcomes/ (bounce-report.ts); this test only keeps them out of thread following.
import type { ParsedMail } from '../mail/parse-message.ts';

/** The addresses Gmail's delivery-status notifications come from (consumer Gmail and Workspace). */
const MAILER_DAEMONS = new Set(['mailer-daemon@googlemail.com', 'mailer-daemon@google.com']);

/** The Message-IDs a mail reports as undelivered, or none when it is not Gmail's bounce. */
export function bouncedMessageIds(mail: ParsedMail): string[] {
  const from = mail.from?.email.toLowerCase();
  if (!from || !MAILER_DAEMONS.has(from)) return [];
  return [...new Set([mail.inReplyTo, ...mail.references].filter((id) => id !== null))];
}
