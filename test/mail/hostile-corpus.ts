// Hostile mail (issue 18 item 1): raw RFC 5322 messages anyone can send, each from a small
// generator so the parser's, the sync pipeline's and the chaos tests can all deliver them. Each
// must be logged or skipped alone, never throw, hang, blow memory or block the mailbox.

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'));
const NUL = String.fromCharCode(0);

const plainHead = (subject: string) => [
  'From: Eve <eve@stranger.test>',
  'To: rep@vendor.test',
  `Subject: ${subject}`,
  'Date: Tue, 24 Nov 2026 09:00:00 +0000',
  `Message-ID: <${subject.replace(/\W+/g, '-').slice(0, 40)}@stranger.test>`,
];

/** NUL bytes in the subject, a display name, the body and a file name. */
export function nulBytes(): Buffer {
  return crlf([
    `From: Ev${NUL}e <eve@stranger.test>`,
    'To: rep@vendor.test',
    `Subject: Hello${NUL}World =?utf-8?B?${Buffer.from(`x${NUL}y`).toString('base64')}?=`,
    'Content-Type: multipart/mixed; boundary=n',
    '',
    '--n',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `body${NUL}text`,
    '--n',
    `Content-Type: application/pdf; name="a${NUL}.pdf"`,
    'Content-Disposition: attachment',
    '',
    'x',
    '--n--',
  ]);
}

/** Bytes that are not UTF-8 (and encoded surrogates) in headers and in a body declared UTF-8. */
export function invalidUtf8(): Buffer {
  const bad = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80]);
  return Buffer.concat([
    Buffer.from('From: '),
    bad,
    Buffer.from(' <eve@stranger.test>\r\nTo: rep@vendor.test\r\nSubject: bad '),
    bad,
    // A lone surrogate in UTF-8 (CESU) and in UTF-16BE.
    Buffer.from(' =?utf-8?B?7aCA?= =?utf-16be?B?2D0=?=\r\n'),
    Buffer.from('Content-Type: text/plain; charset=utf-8\r\n\r\nbody '),
    bad,
    Buffer.from('\r\n'),
  ]);
}

/** `Date:` values JavaScript accepts and PostgreSQL refuses, impossible days, far futures. */
export const ABSURD_DATES = [
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  'Mon, 30 Feb 2026 10:00:00 +0000',
  'Fri, 1 Jan 99999 00:00:00 +0000',
  'Tue, 24 Nov 2026 25:61:00 +0000',
  'Sat, 1 Jan 2100 00:00:00 +0000',
  'Thu, 1 Jan 1960 00:00:00 +0000',
  'Tue, 24 Nov 2026 09:00:00 +9999',
  '99999999999999',
];

export function absurdDate(date: string): Buffer {
  return crlf([
    'From: eve@stranger.test',
    'To: rep@vendor.test',
    `Subject: dated ${date}`,
    `Date: ${date}`,
    '',
    'When was this sent?',
  ]);
}

/** A header (and a References list) of about `bytes` each. */
export function hugeHeader(bytes = 1024 * 1024): Buffer {
  const refs = Array.from({ length: Math.ceil(bytes / 24) }, (_, i) => `<r${i}@x.test>`).join(' ');
  return crlf([
    ...plainHead(`big ${'S'.repeat(bytes)}`),
    `X-Filler: ${'f'.repeat(bytes)}`,
    `References: ${refs}`,
    '',
    'Small body.',
  ]);
}

export function manyRecipients(count = 5000): Buffer {
  const list = Array.from({ length: count }, (_, i) => `"Person ${i}" <p${i}@many.test>`).join(
    ', ',
  );
  return crlf([
    'From: eve@stranger.test',
    `To: ${list}`,
    `Cc: ${list}`,
    'Subject: many',
    '',
    'Hi all.',
  ]);
}

/** multipart/mixed inside multipart/mixed, `depth` times, with text at the top and the bottom. */
export function deepMultipart(depth = 1000): Buffer {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = 0; i < depth; i++) {
    open.push(`Content-Type: multipart/mixed; boundary=d${i}`, '', `--d${i}`);
    if (i === 0) open.push('Content-Type: text/plain', '', 'Top text.', `--d${i}`);
    close.unshift(`--d${i}--`);
  }
  return crlf([
    ...plainHead('deep'),
    ...open,
    'Content-Type: text/plain',
    '',
    'Bottom text.',
    ...close,
  ]);
}

export function emptyBoundary(): Buffer {
  return crlf([
    ...plainHead('empty boundary'),
    'Content-Type: multipart/mixed; boundary=""',
    '',
    '--',
    'Content-Type: text/plain',
    '',
    'Inside.',
    '----',
  ]);
}

export function missingBoundary(): Buffer {
  return crlf([
    ...plainHead('no boundary'),
    'Content-Type: multipart/alternative',
    '',
    '--x',
    'Content-Type: text/plain',
    '',
    'Inside.',
    '--x--',
  ]);
}

/** A single text part of `bytes`. */
export function hugePart(bytes = 50 * 1024 * 1024): Buffer {
  const head = crlf([...plainHead('huge part'), 'Content-Type: text/plain; charset=utf-8', '', '']);
  const line = Buffer.from(`${'a'.repeat(76)}\r\n`);
  return Buffer.concat([head, Buffer.alloc(bytes, line)]);
}

/** Addresses of `length` characters beside one ordinary address. */
export function longAddresses(length = 1000): Buffer {
  const long = `${'l'.repeat(length - '@long.test'.length)}@long.test`;
  return crlf([
    `From: ${long}`,
    `To: ${long}, ok@client.test`,
    `Reply-To: "${'N'.repeat(length)}" <ok@client.test>`,
    'Subject: long',
    '',
    'Hi.',
  ]);
}

/** Every header `times` times over, each copy different. */
export function everyHeaderRepeated(times = 100): Buffer {
  const lines: string[] = [];
  for (const make of [
    (i: number) => `From: Sender ${i} <s${i}@stranger.test>`,
    (i: number) => `To: r${i}@vendor.test`,
    (i: number) => `Cc: c${i}@vendor.test`,
    (i: number) => `Subject: copy ${i}`,
    (i: number) => `Date: Tue, ${(i % 28) + 1} Nov 2026 09:00:00 +0000`,
    (i: number) => `Message-ID: <m${i}@stranger.test>`,
    (i: number) => `In-Reply-To: <p${i}@stranger.test>`,
    (i: number) => `Content-Type: text/plain; charset=${i === 0 ? 'utf-8' : 'koi8-r'}`,
    (i: number) => `Content-Transfer-Encoding: ${i === 0 ? '8bit' : 'base64'}`,
  ]) {
    for (let i = 0; i < times; i++) lines.push(make(i));
  }
  return crlf([...lines, '', 'Olá from the first copy.']);
}

/** `count` attachments in one mail. */
export function manyParts(count = 5000): Buffer {
  const parts = Array.from({ length: count }, (_, i) => [
    '--p',
    `Content-Type: application/octet-stream; name="f${i}.bin"`,
    '',
    'x',
  ]).flat();
  return crlf([
    ...plainHead('many parts'),
    'Content-Type: multipart/mixed; boundary=p',
    '',
    '--p',
    'Content-Type: text/plain',
    '',
    'Body.',
    ...parts,
    '--p--',
  ]);
}

// Issue 27: mail that froze a process or slipped past a guard in the second red-team pass.

/** A text of `blank` empty lines between two words: the reply parser was quadratic in them. */
export function blankLines(blank = 65_000): Buffer {
  return crlf([
    ...plainHead('blank lines'),
    'Content-Type: text/plain',
    '',
    `Hi${'\r\n'.repeat(blank)}Bye`,
  ]);
}

/** An HTML-only mail of `bytes` of nested <div>s (htmlparser2 is quadratic in depth). */
export function nestedDivs(bytes = 3_300_000): Buffer {
  return crlf([
    ...plainHead('nested divs'),
    'Content-Type: text/html; charset=utf-8',
    '',
    `<p>Top of the mail</p>${'<div>'.repeat(bytes / 5)}deep`,
  ]);
}

/** 64 KiB of lines that start like a quote header another reply parser pattern scans from. */
export function quoteHeaderFlood(): Buffer {
  return crlf([
    ...plainHead('quote header flood'),
    'Content-Type: text/plain; charset=utf-8',
    '',
    '在x\r\n'.repeat(21_000),
  ]);
}

/** A code and a reset link only in the HTML part; the text part says nothing. */
export function htmlOnlyCode(): Buffer {
  return crlf([
    ...plainHead('html only code'),
    'Content-Type: multipart/alternative; boundary=h',
    '',
    '--h',
    'Content-Type: text/plain',
    '',
    'Open this mail in HTML.',
    '--h',
    'Content-Type: text/html',
    '',
    '<p>Your verification code is <b>482913</b></p><a href="https://acme.test/reset?token=Zk3q9ZkV2wLx7RbN1cYp8HsD">Reset your password</a>',
    '--h--',
  ]);
}

/** A one-time code whose words are split by zero-width characters. */
export function zeroWidthCode(): Buffer {
  return crlf([
    ...plainHead('zero width code'),
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Your veri\u200Bfication co\u2060de is 482913.',
  ]);
}

/** A sender whose RFC-valid address starts with `-`: Gmail's search reads it as a negation. */
export function dashSender(): Buffer {
  return crlf(['From: -everyone@evil.test', 'To: rep@vendor.test', 'Subject: dash', '', 'Hello.']);
}

export interface HostileMail {
  name: string;
  raw: () => Buffer;
}

export const hostileMail: HostileMail[] = [
  { name: 'NUL bytes', raw: nulBytes },
  { name: 'invalid UTF-8', raw: invalidUtf8 },
  ...ABSURD_DATES.map((date) => ({ name: `date ${date}`, raw: () => absurdDate(date) })),
  { name: '1 MB header', raw: () => hugeHeader() },
  { name: '5,000 recipients', raw: () => manyRecipients() },
  { name: 'multiparts 1,000 deep', raw: () => deepMultipart() },
  { name: 'empty boundary', raw: emptyBoundary },
  { name: 'missing boundary', raw: missingBoundary },
  { name: '50 MB part', raw: () => hugePart() },
  { name: '1,000-character addresses', raw: () => longAddresses() },
  { name: 'every header repeated', raw: () => everyHeaderRepeated() },
  { name: '5,000 parts', raw: () => manyParts() },
  { name: '65,000 blank lines', raw: () => blankLines() },
  { name: '3.3 MB of nested <div>s, HTML only', raw: () => nestedDivs() },
  { name: 'a flood of quote-header-like lines', raw: quoteHeaderFlood },
  { name: 'a code only in the HTML part', raw: htmlOnlyCode },
  { name: 'a code split by zero-width characters', raw: zeroWidthCode },
  { name: 'a sender address that starts with -', raw: dashSender },
];
