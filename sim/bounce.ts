// The delivery-status notification Gmail puts in the sender's mailbox when mail it accepted is not
// delivered (RFC 3464 multipart/report), here for mail sent past the daily sending limit
// (https://support.google.com/a/answer/166852: "550 5.4.5 Daily user sending limit exceeded").
import { randomBytes } from 'node:crypto';
import { type Header, headerValue } from './mime.ts';

export const MAILER_DAEMON = 'Mail Delivery Subsystem <mailer-daemon@googlemail.com>';

export function sendingLimitBounce(
  sender: string,
  original: Header[],
  recipients: string[],
): Buffer {
  const boundary = `000000000000${randomBytes(10).toString('hex')}`;
  const messageId = headerValue(original, 'Message-ID');
  const now = new Date();
  const perRecipient = recipients.map((r) =>
    [
      `Final-Recipient: rfc822; ${r}`,
      'Action: failed',
      'Status: 5.4.5',
      'Diagnostic-Code: smtp; 550 5.4.5 Daily user sending limit exceeded. For more information on Gmail sending limits go to https://support.google.com/a/answer/166852',
      `Last-Attempt-Date: ${now.toUTCString()}`,
    ].join('\r\n'),
  );
  const lines = [
    `From: ${MAILER_DAEMON}`,
    `To: ${sender}`,
    'Auto-Submitted: auto-replied',
    'Subject: Delivery Status Notification (Failure)',
    `Date: ${now.toUTCString()}`,
    `Message-ID: <${randomBytes(12).toString('hex')}@mx.google.com>`,
    ...(messageId ? [`In-Reply-To: ${messageId}`, `References: ${messageId}`] : []),
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset="UTF-8"',
    '',
    '** Message not delivered **',
    '',
    'You have reached a limit for sending mail. Your message was not sent.',
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; googlemail.com',
    `Arrival-Date: ${now.toUTCString()}`,
    '',
    perRecipient.join('\r\n\r\n'),
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    ...original.map((h) => `${h.name}: ${h.value}`),
    '',
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
