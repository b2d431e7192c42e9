// Delivery reports in the shapes real servers write them, for mail a simulated mailbox sent to an
// address the control API made bounce (remote-recipients.ts): Gmail's own RFC 3464 report, and the
// receiving side's when it accepted the mail and bounced it later — Exchange and Office 365
// (multipart/report, "Undeliverable:"), Postfix (multipart/report, "Undelivered Mail Returned to
// Sender"), and the plain-text forms of Exim, Yahoo and qmail. Shapes after the public sisimai
// corpus (set-of-emails); the wording of each server's reasons is its own.
import { randomBytes } from 'node:crypto';
import { type Header, headerValue } from './mime.ts';

export type ForeignMta =
  | 'gmail'
  | 'exchange'
  | 'office365'
  | 'postfix'
  | 'exim'
  | 'yahoo'
  | 'qmail';

interface Reason {
  status: string;
  smtp: string;
}

const REASONS: Record<'hard' | 'soft', Reason> = {
  hard: { status: '5.1.1', smtp: '550 5.1.1 <{r}>: Recipient address rejected: User unknown' },
  soft: { status: '5.2.2', smtp: '552 5.2.2 <{r}>: Mailbox full' },
};

export function foreignBounce(
  mta: ForeignMta,
  kind: 'hard' | 'soft',
  owner: string,
  recipient: string,
  sent: Header[],
): Buffer {
  const domain = recipient.split('@')[1] ?? 'example.test';
  const reason = REASONS[kind];
  const smtp = reason.smtp.replace('{r}', recipient);
  const copy = sent.map((h) => `${h.name}: ${h.value}`);
  const subject = headerValue(sent, 'Subject') ?? '';
  const id = `<${randomBytes(10).toString('hex')}@${mta === 'gmail' ? 'mx.google.com' : `mx.${domain}`}>`;
  const date = new Date().toUTCString();
  const common = [
    `To: ${owner}`,
    `Date: ${date}`,
    `Message-ID: ${id}`,
    'Auto-Submitted: auto-replied',
  ];
  const messageId = headerValue(sent, 'Message-ID');
  const threading = messageId ? [`In-Reply-To: ${messageId}`, `References: ${messageId}`] : [];
  const dsn = (reportingMta: string) => [
    `Reporting-MTA: dns; ${reportingMta}`,
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    `Status: ${reason.status}`,
    `Diagnostic-Code: smtp; ${smtp}`,
  ];
  switch (mta) {
    case 'gmail':
      return report(
        [
          'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
          'Subject: Delivery Status Notification (Failure)',
          ...threading,
          ...common,
        ],
        [
          kind === 'hard' ? '** Address not found **' : '** Message not delivered **',
          '',
          `Your message wasn't delivered to ${recipient}.`,
          '',
          'The response from the remote server was:',
          smtp,
        ],
        dsn('googlemail.com'),
        copy,
      );
    case 'exchange':
    case 'office365':
      return report(
        [
          `From: ${mta === 'office365' ? 'Microsoft Outlook ' : ''}<postmaster@${domain}>`,
          `Subject: Undeliverable: ${subject}`,
          'X-MS-Exchange-Message-Is-Ndr:',
          ...threading,
          ...common,
        ],
        [
          'Delivery has failed to these recipients or groups:',
          '',
          recipient,
          kind === 'hard'
            ? "The email address wasn't found at the destination domain."
            : 'The recipient’s mailbox is full.',
          '',
          'Diagnostic information for administrators:',
          '',
          recipient,
          `Remote Server returned '${smtp}'`,
        ],
        dsn(`EXCH01.${domain}`),
        copy,
      );
    case 'postfix':
      return report(
        [
          `From: MAILER-DAEMON@mx.${domain} (Mail Delivery System)`,
          'Subject: Undelivered Mail Returned to Sender',
          ...common,
        ],
        [
          `This is the mail system at host mx.${domain}.`,
          '',
          "I'm sorry to have to inform you that your message could not",
          "be delivered to one or more recipients. It's attached below.",
          '',
          `<${recipient}>: ${smtp}`,
        ],
        dsn(`mx.${domain}`),
        copy,
      );
    case 'exim':
      return plain(
        [
          `From: Mail Delivery System <Mailer-Daemon@mx.${domain}>`,
          'Subject: Mail delivery failed: returning message to sender',
          `X-Failed-Recipients: ${recipient}`,
          ...common,
        ],
        [
          'This message was created automatically by mail delivery software.',
          '',
          'A message that you sent could not be delivered to one or more of its',
          'recipients. This is a permanent error. The following address(es) failed:',
          '',
          `  ${recipient}`,
          `    ${smtp}`,
          '',
          '------ This is a copy of the message, including all the headers. ------',
          '',
          ...copy,
        ],
      );
    case 'yahoo':
      return plain(
        [`From: MAILER-DAEMON@${domain}`, 'Subject: Failure Notice', ...common],
        [
          'Sorry, we were unable to deliver your message to the following address.',
          '',
          `<${recipient}>:`,
          `Remote host said: ${smtp} [RCPT_TO]`,
          '',
          '--- Below this line is a copy of the message.',
          '',
          ...copy,
        ],
      );
    case 'qmail':
      return plain(
        [`From: MAILER-DAEMON@mail.${domain}`, 'Subject: failure notice', ...common],
        [
          `Hi. This is the qmail-send program at mail.${domain}.`,
          "I'm afraid I wasn't able to deliver your message to the following addresses.",
          "This is a permanent error; I've given up. Sorry it didn't work out.",
          '',
          `<${recipient}>:`,
          kind === 'hard' ? 'Sorry, no mailbox here by that name. (#5.1.1)' : 'user is over quota',
          '',
          '--- Below this line is a copy of the message.',
          '',
          ...copy,
        ],
      );
  }
}

function report(head: string[], text: string[], dsn: string[], copy: string[]): Buffer {
  const b = `000000000000${randomBytes(8).toString('hex')}`;
  const lines = [
    ...head,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset="UTF-8"',
    '',
    ...text,
    '',
    `--${b}`,
    'Content-Type: message/delivery-status',
    '',
    ...dsn,
    '',
    `--${b}`,
    'Content-Type: text/rfc822-headers',
    '',
    ...copy,
    '',
    `--${b}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

function plain(head: string[], body: string[]): Buffer {
  return Buffer.from(
    [...head, 'Content-Type: text/plain; charset=us-ascii', '', ...body, ''].join('\r\n'),
    'utf8',
  );
}
