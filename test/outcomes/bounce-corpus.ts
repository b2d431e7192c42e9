// Delivery reports as real servers write them, for the classification tests. Written for this
// project after the shapes of public samples (the sisimai project's set-of-emails corpus: Gmail,
// Google Workspace, Exchange 2007, Office 365, Outlook.com, Postfix, Exim, Yahoo, qmail,
// Sendmail), with our own addresses, ids and wording where the servers' own does not matter.
// The returned mail is always rita@vendor.test's to bruno@client.test, Message-ID ORIGINAL_ID.

export const ORIGINAL_ID = '<0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0@vendor.test>';
const OWNER = 'rita@vendor.test';

export interface CorpusCase {
  name: string;
  raw: string;
  /** Each recipient the report is about, with its kind; [] for a report that bounces no one. */
  expect: { recipient: string; kind: 'hard' | 'soft' }[];
  /** Whether the report names the original's Message-ID somewhere we read. */
  namesOriginal: boolean;
}

const originalHeaders = [
  `From: Rita Vendas <${OWNER}>`,
  'To: Bruno <bruno@client.test>',
  'Subject: Proposta comercial',
  'Date: Tue, 24 Nov 2026 10:00:00 +0000',
  `Message-ID: ${ORIGINAL_ID}`,
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=UTF-8',
];
const originalMail = [...originalHeaders, '', 'Segue a proposta, com os valores combinados.'];

function report(opts: {
  head: string[];
  text: string[];
  dsn?: string[];
  returned?: 'headers' | 'message' | 'none';
  textType?: string;
}): string {
  const b = 'b1_report_7f3a';
  const parts = [
    `--${b}`,
    `Content-Type: ${opts.textType ?? 'text/plain; charset=us-ascii'}`,
    '',
    ...opts.text,
  ];
  if (opts.dsn) parts.push('', `--${b}`, 'Content-Type: message/delivery-status', '', ...opts.dsn);
  if (opts.returned === 'headers')
    parts.push('', `--${b}`, 'Content-Type: text/rfc822-headers', '', ...originalHeaders);
  if (opts.returned === 'message' || opts.returned === undefined)
    parts.push('', `--${b}`, 'Content-Type: message/rfc822', '', ...originalMail);
  parts.push('', `--${b}--`, '');
  return [
    ...opts.head,
    `To: ${OWNER}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${b}"`,
    '',
    ...parts,
  ].join('\r\n');
}

function plain(head: string[], body: string[]): string {
  return [...head, `To: ${OWNER}`, 'Content-Type: text/plain; charset=us-ascii', '', ...body].join(
    '\r\n',
  );
}

const gmailHead = (subject: string) => [
  'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
  `Subject: ${subject}`,
  'Auto-Submitted: auto-replied',
  `In-Reply-To: ${ORIGINAL_ID}`,
  `References: ${ORIGINAL_ID}`,
  'Message-ID: <5e6f7a8b9c0d@mx.google.com>',
];

export const BOUNCE_CORPUS: CorpusCase[] = [
  {
    name: 'Gmail: address not found (5.1.1)',
    raw: report({
      head: gmailHead('Delivery Status Notification (Failure)'),
      text: [
        '** Address not found **',
        '',
        "Your message wasn't delivered to bruno@client.test because the address couldn't be found, or is unable to receive mail.",
        '',
        'The response from the remote server was:',
        '550 5.1.1 <bruno@client.test>: Recipient address rejected: User unknown',
      ],
      dsn: [
        'Reporting-MTA: dns; googlemail.com',
        'Received-From-MTA: dns; rita@vendor.test',
        'Arrival-Date: Tue, 24 Nov 2026 02:00:01 -0800 (PST)',
        '',
        'Final-Recipient: rfc822; bruno@client.test',
        'Action: failed',
        'Status: 5.1.1',
        'Remote-MTA: dns; mx.client.test. (192.0.2.10, the server for the domain client.test.)',
        'Diagnostic-Code: smtp; 550 5.1.1 <bruno@client.test>: Recipient address rejected: User',
        ' unknown',
        'Last-Attempt-Date: Tue, 24 Nov 2026 02:00:02 -0800 (PST)',
      ],
      returned: 'headers',
    }),
    expect: [{ recipient: 'bruno@client.test', kind: 'hard' }],
    namesOriginal: true,
  },
  {
    name: 'Gmail: over quota (5.2.2)',
    raw: report({
      head: gmailHead('Delivery Status Notification (Failure)'),
      text: [
        '** Message not delivered **',
        '',
        'The recipient’s inbox is full and can’t accept messages now.',
      ],
      dsn: [
        'Reporting-MTA: dns; googlemail.com',
        '',
        'Final-Recipient: rfc822; bruno@client.test',
        'Action: failed',
        'Status: 5.2.2',
        'Diagnostic-Code: smtp; 552-5.2.2 The email account that you tried to reach is over quota.',
      ],
      returned: 'headers',
    }),
    expect: [{ recipient: 'bruno@client.test', kind: 'soft' }],
    namesOriginal: true,
  },
  {
    name: 'Gmail: delivery delayed (4.4.1)',
    raw: report({
      head: gmailHead('Delivery Status Notification (Delay)'),
      text: [
        '** Delivery incomplete **',
        '',
        'There was a temporary problem delivering your message to bruno@client.test. Gmail will retry for 46 more hours.',
      ],
      dsn: [
        'Reporting-MTA: dns; googlemail.com',
        '',
        'Final-Recipient: rfc822; bruno@client.test',
        'Action: delayed',
        'Status: 4.4.1',
        'Diagnostic-Code: smtp; The recipient server did not accept our requests to connect.',
        'Will-Retry-Until: Thu, 26 Nov 2026 02:00:00 -0800 (PST)',
      ],
      returned: 'headers',
    }),
    expect: [{ recipient: 'bruno@client.test', kind: 'soft' }],
    namesOriginal: true,
  },
  {
    name: 'Gmail: daily sending limit (5.4.5)',
    raw: report({
      head: gmailHead('Delivery Status Notification (Failure)'),
      text: [
        '** Message not delivered **',
        '',
        'You have reached a limit for sending mail. Your message was not sent.',
      ],
      dsn: [
        'Reporting-MTA: dns; googlemail.com',
        '',
        'Final-Recipient: rfc822; bruno@client.test',
        'Action: failed',
        'Status: 5.4.5',
        'Diagnostic-Code: smtp; 550 5.4.5 Daily user sending limit exceeded. For more information on Gmail sending limits go to https://support.google.com/a/answer/166852',
      ],
      returned: 'headers',
    }),
    expect: [{ recipient: 'bruno@client.test', kind: 'soft' }],
    namesOriginal: true,
  },
  {
    name: 'Gmail (plain text, older form): failed permanently',
    raw: plain(
      [
        'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
        'Subject: Delivery Status Notification (Failure)',
        'X-Failed-Recipients: bruno@client.test',
      ],
      [
        'Delivery to the following recipient failed permanently:',
        '',
        '     bruno@client.test',
        '',
        'Technical details of permanent failure:',
        'Google tried to deliver your message, but it was rejected by the server for the recipient domain client.test by mx.client.test. [192.0.2.10].',
        '',
        'The error that the other server returned was:',
        '550 5.1.1 <bruno@client.test>... User Unknown',
        '',
        '----- Original message -----',
        '',
        ...originalMail,
      ],
    ),
    expect: [{ recipient: 'bruno@client.test', kind: 'hard' }],
    namesOriginal: true,
  },
  {
    name: 'Exchange 2007: recipient not found (5.1.1)',
    raw: report({
      head: [
        'From: postmaster@client.test',
        'Subject: Undeliverable: Proposta comercial',
        'Thread-Topic: Proposta comercial',
        'Auto-Submitted: auto-replied',
        'X-MS-Exchange-Message-Is-Ndr:',
        'Message-ID: <1a2b3c4d5e6f@EXCH01.client.test>',
      ],
      text: [
        'Delivery has failed to these recipients or groups:',
        '',
        'bruno@client.test',
        "The e-mail address you entered couldn't be found. Please check the recipient's e-mail address and try to resend the message.",
        '',
        'Diagnostic information for administrators:',
        '',
        'Generating server: EXCH01.client.test',
        '',
        'bruno@client.test',
        '#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##',
      ],
      dsn: [
        'Reporting-MTA: dns;EXCH01.client.test',
        'Received-From-MTA: dns;mx.client.test',
        '',
        'Final-Recipient: rfc822;bruno@client.test',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp;550 5.1.1 RESOLVER.ADR.RecipNotFound; not found',
      ],
    }),
    expect: [{ recipient: 'bruno@client.test', kind: 'hard' }],
    namesOriginal: true,
  },
  {
    name: 'Office 365: recipient not found by SMTP address lookup (5.1.10)',
    raw: report({
      head: [
        'From: Microsoft Outlook <postmaster@client.onmicrosoft.test>',
        'Subject: Undeliverable: Proposta comercial',
        'Auto-Submitted: auto-replied',
        'X-MS-Exchange-Message-Is-Ndr:',
        `In-Reply-To: ${ORIGINAL_ID}`,
        `References: ${ORIGINAL_ID}`,
      ],
      text: [
        'Your message to bruno@client.test couldn’t be delivered.',
        'bruno wasn’t found at client.test.',
        '',
        'Diagnostic information for administrators:',
        '',
        'Generating server: AB1PR01MB0001.prod.outlook.test',
        '',
        'bruno@client.test',
        "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'",
      ],
      dsn: [
        'Reporting-MTA: dns;AB1PR01MB0001.prod.outlook.test',
        '',
        'Final-Recipient: rfc822;bruno@client.test',
        'Action: failed',
        'Status: 5.1.10',
        'Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
      ],
      returned: 'headers',
    }),
    expect: [{ recipient: 'bruno@client.test', kind: 'hard' }],
    namesOriginal: true,
  },
  {
    name: 'Office 365: mailbox full (5.2.2)',
    raw: report({
      head: [
        'From: Microsoft Outlook <postmaster@client.onmicrosoft.test>',
        'Subject: Undeliverable: Proposta comercial',
        'X-MS-Exchange-Message-Is-Ndr:',
      ],
      text: [
        'Your message to bruno@client.test couldn’t be delivered.',
        'bruno’s mailbox is full.',
      ],
      dsn: [
        'Reporting-MTA: dns;AB1PR01MB0002.prod.outlook.test',
        '',
        'Final-Recipient: rfc822;bruno@client.test',
        'Action: failed',
        'Status: 5.2.2',
        'Diagnostic-Code: smtp;554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded',
      ],
    }),
    expect: [{ recipient: 'bruno@client.test', kind: 'soft' }],
    namesOriginal: true,
  },
  {
    name: 'Office 365: sender blocked as spam (5.7.1)',
    raw: report({
      head: [
        'From: Microsoft Outlook <postmaster@client.onmicrosoft.test>',
        'Subject: Undeliverable: Proposta comercial',
        'X-MS-Exchange-Message-Is-Ndr:',
      ],
      text: [
        'Your message to bruno@client.test couldn’t be delivered.',
        'Your message was blocked by the recipient’s email provider.',
      ],
      dsn: [
        'Reporting-MTA: dns;AB1PR01MB0003.prod.outlook.test',
        '',
        'Final-Recipient: rfc822;bruno@client.test',
        'Action: failed',
        'Status: 5.7.1',
        'Diagnostic-Code: smtp;550 5.7.1 Service unavailable, Client host [192.0.2.44] blocked using Spamhaus',
      ],
      returned: 'headers',
    }),
    expect: [{ recipient: 'bruno@client.test', kind: 'soft' }],
    namesOriginal: true,
  },
  {
    name: 'Outlook.com: mailbox unavailable (5.5.0)',
    raw: report({
      head: [
        'From: postmaster@outlook.test',
        'Subject: Delivery Status Notification (Failure)',
        'X-DSNContext: 7ce717b1 - 1196 - 00000002 - 00000000',
        'Message-ID: <a0xtAEHLB0000d09e@BLU004-OMC3S13.outlook.test>',
      ],
      text: [
        'This is an automatically generated Delivery Status Notification.',
        '',
        'Delivery to the following recipients failed.',
        '',
        '       bruno@client.test',
      ],
      dsn: [
        'Reporting-MTA: dns;BLU004-OMC3S13.outlook.test',
        'Received-From-MTA: dns;BLU436-SMTP66',
        '',
        'Final-Recipient: rfc822;bruno@client.test',
        'Action: failed',
        'Status: 5.5.0',
        'Diagnostic-Code: smtp;550 Requested action not taken: mailbox unavailable (4010)',
      ],
    }),
    expect: [{ recipient: 'bruno@client.test', kind: 'hard' }],
    namesOriginal: true,
  },
  {
    name: 'Outlook.com: mailbox full (5.2.2)',
    raw: report({
      head: ['From: postmaster@outlook.test', 'Subject: Delivery Status Notification (Failure)'],
      text: ['Delivery to the following recipients failed.', '', '       bruno@client.test'],
      dsn: [
        'Reporting-MTA: dns;BLU004-OMC3S13.outlook.test',
        '',
        'Final-Recipient: rfc822;bruno@client.test',
        'Action: failed',
        'Status: 5.2.2',
        'Diagnostic-Code: smtp;550 5.2.2 <bruno@client.test>... Mailbox Full',
      ],
    }),
    expect: [{ recipient: 'bruno@client.test', kind: 'soft' }],
    namesOriginal: true,
  },
  {
    name: 'Postfix: user unknown in virtual mailbox table (5.1.1)',
    raw: report({
      head: [
        'From: MAILER-DAEMON@mx.vendor.test (Mail Delivery System)',
        'Subject: Undelivered Mail Returned to Sender',
        'Auto-Submitted: auto-replied',
      ],
      text: [
        'This is the mail system at host mx.vendor.test.',
        '',
        "I'm sorry to have to inform you that your message could not",
        "be delivered to one or more recipients. It's attached below.",
        '',
        '                   The mail system',
        '',
        '<bruno@client.test>: host mx.client.test[192.0.2.10] said: 550 5.1.1',
        '    <bruno@client.test>: Recipient address rejected: User unknown in virtual',
        '    mailbox table (in reply to RCPT TO command)',
      ],
      dsn: [
        'Reporting-MTA: dns; mx.vendor.test',
        'X-Postfix-Queue-ID: 4Zk2Lm0Q3Xz9',
        'X-Postfix-Sender: rfc822; rita@vendor.test',
        'Arrival-Date: Tue, 24 Nov 2026 10:00:01 +0000 (UTC)',
        '',
        'Final-Recipient: rfc822; bruno@client.test',
        'Original-Recipient: rfc822;bruno@client.test',
        'Action: failed',
        'Status: 5.1.1',
        'Remote-MTA: dns; mx.client.test',
        'Diagnostic-Code: smtp; 550 5.1.1 <bruno@client.test>: Recipient address rejected:',
        '    User unknown in virtual mailbox table',
      ],
    }),
    expect: [{ recipient: 'bruno@client.test', kind: 'hard' }],
    namesOriginal: true,
  },
  {
    name: 'Postfix: host or domain name not found (5.4.4)',
    raw: report({
      head: [
        'From: MAILER-DAEMON@mx.vendor.test (Mail Delivery System)',
        'Subject: Undelivered Mail Returned to Sender',
      ],
      text: [
        'This is the mail system at host mx.vendor.test.',
        '',
        '<bruno@client.test>: Host or domain name not found. Name service error for',
        '    name=client.test type=MX: Host not found, try again',
      ],
      dsn: [
        'Reporting-MTA: dns; mx.vendor.test',
        '',
        'Final-Recipient: rfc822; bruno@client.test',
        'Action: failed',
        'Status: 5.4.4',
        'Diagnostic-Code: X-Postfix; Host or domain name not found. Name service error',
        '    for name=client.test type=MX: Host not found',
      ],
      returned: 'headers',
    }),
    expect: [{ recipient: 'bruno@client.test', kind: 'hard' }],
    namesOriginal: true,
  },
  {
    name: 'Postfix: delayed mail warning (4.4.1)',
    raw: report({
      head: [
        'From: MAILER-DAEMON@mx.vendor.test (Mail Delivery System)',
        'Subject: Delayed Mail (still being retried)',
      ],
      text: [
        'This is the mail system at host mx.vendor.test.',
        '',
        '####################################################################',
        '# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #',
        '####################################################################',
        '',
        '<bruno@client.test>: connect to mx.client.test[192.0.2.10]:25: Connection timed out',
      ],
      dsn: [
        'Reporting-MTA: dns; mx.vendor.test',
        '',
        'Final-Recipient: rfc822; bruno@client.test',
        'Action: delayed',
        'Status: 4.4.1',
        'Diagnostic-Code: X-Postfix; connect to mx.client.test[192.0.2.10]:25: Connection timed out',
        'Will-Retry-Until: Tue, 1 Dec 2026 10:00:01 +0000 (UTC)',
      ],
      returned: 'headers',
    }),
    expect: [{ recipient: 'bruno@client.test', kind: 'soft' }],
    namesOriginal: true,
  },
  {
    name: 'Postfix: mailbox full (5.2.2)',
    raw: report({
      head: [
        'From: MAILER-DAEMON@mx.vendor.test (Mail Delivery System)',
        'Subject: Undelivered Mail Returned to Sender',
      ],
      text: [
        '<bruno@client.test>: host mx.client.test[192.0.2.10] said: 552 5.2.2 Mailbox full (in reply to RCPT TO command)',
      ],
      dsn: [
        'Reporting-MTA: dns; mx.vendor.test',
        '',
        'Final-Recipient: rfc822; bruno@client.test',
        'Action: failed',
        'Status: 5.2.2',
        'Diagnostic-Code: smtp; 552 5.2.2 Mailbox full',
      ],
    }),
    expect: [{ recipient: 'bruno@client.test', kind: 'soft' }],
    namesOriginal: true,
  },
  {
    name: 'Exim: no such user here (permanent)',
    raw: plain(
      [
        'From: Mail Delivery System <Mailer-Daemon@mx.vendor.test>',
        'Subject: Mail delivery failed: returning message to sender',
        'Auto-Submitted: auto-replied',
        'X-Failed-Recipients: bruno@client.test',
      ],
      [
        'This message was created automatically by mail delivery software.',
        '',
        'A message that you sent could not be delivered to one or more of its',
        'recipients. This is a permanent error. The following address(es) failed:',
        '',
        '  bruno@client.test',
        '    host mx.client.test [192.0.2.10]',
        '    SMTP error from remote mail server after RCPT TO:<bruno@client.test>:',
        '    550 5.1.1 <bruno@client.test>: No such user here',
        '',
        '------ This is a copy of the message, including all the headers. ------',
        '',
        ...originalMail,
      ],
    ),
    expect: [{ recipient: 'bruno@client.test', kind: 'hard' }],
    namesOriginal: true,
  },
  {
    name: 'Exim: mailbox full, retry timeout exceeded',
    raw: plain(
      [
        'From: Mail Delivery System <Mailer-Daemon@mx.vendor.test>',
        'Subject: Mail delivery failed: returning message to sender',
        'X-Failed-Recipients: bruno@client.test',
      ],
      [
        'This message was created automatically by mail delivery software.',
        '',
        'A message that you sent could not be delivered to one or more of its',
        'recipients. This is a permanent error. The following address(es) failed:',
        '',
        '  bruno@client.test',
        '    mailbox is full: retry timeout exceeded',
        '',
        '------ This is a copy of the message, including all the headers. ------',
        '',
        ...originalMail,
      ],
    ),
    expect: [{ recipient: 'bruno@client.test', kind: 'soft' }],
    namesOriginal: true,
  },
  {
    name: 'Exim: unrouteable address',
    raw: plain(
      [
        'From: Mail Delivery System <Mailer-Daemon@mx.vendor.test>',
        'Subject: Mail delivery failed: returning message to sender',
        'X-Failed-Recipients: bruno@client.test',
      ],
      [
        'This message was created automatically by mail delivery software.',
        '',
        'A message that you sent could not be delivered to one or more of its',
        'recipients. This is a permanent error. The following address(es) failed:',
        '',
        '  bruno@client.test',
        '    Unrouteable address',
        '',
        '------ This is a copy of the message, including all the headers. ------',
        '',
        ...originalHeaders,
      ],
    ),
    expect: [{ recipient: 'bruno@client.test', kind: 'hard' }],
    namesOriginal: true,
  },
  {
    name: 'Exim: host unreachable, retry time not reached for any host after a long failure',
    raw: plain(
      [
        'From: Mail Delivery System <Mailer-Daemon@mx.vendor.test>',
        'Subject: Mail delivery failed: returning message to sender',
        'X-Failed-Recipients: bruno@client.test',
      ],
      [
        'This message was created automatically by mail delivery software.',
        '',
        'A message that you sent could not be delivered to one or more of its',
        'recipients. This is a permanent error. The following address(es) failed:',
        '',
        '  bruno@client.test',
        '    retry timeout exceeded',
        '',
        '------ This is a copy of the message, including all the headers. ------',
        '',
        ...originalHeaders,
      ],
    ),
    expect: [{ recipient: 'bruno@client.test', kind: 'soft' }],
    namesOriginal: true,
  },
  {
    name: "Yahoo: this user doesn't have an account (554)",
    raw: plain(
      ['From: MAILER-DAEMON@yahoo.test', 'Subject: Failure Notice'],
      [
        'Sorry, we were unable to deliver your message to the following address.',
        '',
        '<bruno@client.test>:',
        "554: delivery error: dd This user doesn't have a yahoo.test account (bruno@client.test) [0] - mta1234.mail.gq1.yahoo.test",
        '',
        '--- Below this line is a copy of the message.',
        '',
        ...originalMail,
      ],
    ),
    expect: [{ recipient: 'bruno@client.test', kind: 'hard' }],
    namesOriginal: true,
  },
  {
    name: 'Yahoo: over quota (552)',
    raw: plain(
      ['From: MAILER-DAEMON@yahoo.test', 'Subject: Failure Notice'],
      [
        'Sorry, we were unable to deliver your message to the following address.',
        '',
        '<bruno@client.test>:',
        'Remote host said: 552 5.2.2 <bruno@client.test>... Over quota [RCPT_TO]',
        '',
        '--- Below this line is a copy of the message.',
        '',
        ...originalMail,
      ],
    ),
    expect: [{ recipient: 'bruno@client.test', kind: 'soft' }],
    namesOriginal: true,
  },
  {
    name: 'qmail: no mailbox here by that name (#5.1.1)',
    raw: plain(
      ['From: MAILER-DAEMON@mail.client.test', 'Subject: failure notice'],
      [
        'Hi. This is the qmail-send program at mail.client.test.',
        "I'm afraid I wasn't able to deliver your message to the following addresses.",
        "This is a permanent error; I've given up. Sorry it didn't work out.",
        '',
        '<bruno@client.test>:',
        'Sorry, no mailbox here by that name. (#5.1.1)',
        '',
        '--- Below this line is a copy of the message.',
        '',
        ...originalMail,
      ],
    ),
    expect: [{ recipient: 'bruno@client.test', kind: 'hard' }],
    namesOriginal: true,
  },
  {
    name: 'qmail: user is over quota',
    raw: plain(
      ['From: MAILER-DAEMON@mail.client.test', 'Subject: failure notice'],
      [
        'Hi. This is the qmail-send program at mail.client.test.',
        "I'm afraid I wasn't able to deliver your message to the following addresses.",
        "This is a permanent error; I've given up. Sorry it didn't work out.",
        '',
        '<bruno@client.test>:',
        'user is over quota',
        '',
        '--- Below this line is a copy of the message.',
        '',
        ...originalMail,
      ],
    ),
    expect: [{ recipient: 'bruno@client.test', kind: 'soft' }],
    namesOriginal: true,
  },
  {
    name: 'Sendmail: permanent fatal errors, user unknown',
    raw: report({
      head: [
        'From: Mail Delivery Subsystem <MAILER-DAEMON@mx.client.test>',
        'Subject: Returned mail: see transcript for details',
        'Auto-Submitted: auto-generated (failure)',
      ],
      text: [
        'The original message was received at Tue, 24 Nov 2026 10:00:01 GMT',
        'from mx.vendor.test [192.0.2.20]',
        '',
        '   ----- The following addresses had permanent fatal errors -----',
        '<bruno@client.test>',
        '    (reason: 550 5.1.1 <bruno@client.test>... User unknown)',
      ],
      dsn: [
        'Reporting-MTA: dns; mx.client.test',
        '',
        'Final-Recipient: RFC822; bruno@client.test',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: SMTP; 550 5.1.1 <bruno@client.test>... User unknown',
      ],
    }),
    expect: [{ recipient: 'bruno@client.test', kind: 'hard' }],
    namesOriginal: true,
  },
  {
    name: 'Google Workspace: two recipients, one unknown and one delayed',
    raw: report({
      head: gmailHead('Delivery Status Notification (Failure)'),
      text: [
        '** Address not found **',
        '',
        "Your message wasn't delivered to bruno@client.test because the address couldn't be found.",
      ],
      dsn: [
        'Reporting-MTA: dns; googlemail.com',
        '',
        'Final-Recipient: rfc822; bruno@client.test',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 The email account that you tried to reach does not exist.',
        '',
        'Final-Recipient: rfc822; carla@client.test',
        'Action: delayed',
        'Status: 4.2.1',
        'Diagnostic-Code: smtp; 450 4.2.1 The user you are trying to contact is receiving mail too quickly.',
        '',
        'Final-Recipient: rfc822; dora@client.test',
        'Action: delivered',
        'Status: 2.0.0',
      ],
      returned: 'headers',
    }),
    expect: [
      { recipient: 'bruno@client.test', kind: 'hard' },
      { recipient: 'carla@client.test', kind: 'soft' },
    ],
    namesOriginal: true,
  },
];

/** Mail that is not a delivery report, however close it comes. */
export const NOT_BOUNCES: { name: string; raw: string }[] = [
  {
    name: 'a person replying',
    raw: plain(
      [
        'From: Bruno <bruno@client.test>',
        'Subject: Re: Proposta comercial',
        `In-Reply-To: ${ORIGINAL_ID}`,
      ],
      ['Obrigado, vou analisar e retorno amanhã.'],
    ),
  },
  {
    name: 'an out-of-office answer',
    raw: plain(
      [
        'From: Bruno <bruno@client.test>',
        'Subject: Resposta automática: Proposta comercial',
        'Auto-Submitted: auto-replied',
      ],
      ['Estou ausente até dia 30, sem acesso ao email.'],
    ),
  },
  {
    name: 'a person forwarding a question about an undeliverable invoice',
    raw: plain(
      ['From: Carla <carla@client.test>', 'Subject: Undeliverable invoice address?'],
      ['Hi, the invoice address on the proposal seems wrong; can you check?'],
    ),
  },
];
