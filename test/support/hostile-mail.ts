// Hostile mail as raw bytes, each from a small function, each concerning the CRM (the contact is
// in From or Reply-To, as a stranger who knows a contact's address would write it), so that it goes
// all the way to the store. What a sync must survive: NUL bytes and invalid UTF-8 in headers and
// bodies, dates PostgreSQL refuses or no one believes, a 1 MB header, 5,000 recipients, addresses
// of 1,000 characters, every header repeated, multiparts nested 1,000 deep, empty and missing
// boundaries, a 50 MB part; and (issue 27) 65,000 blank lines, 3.3 MB of nested <div>s, a flood of
// quote-header-like lines, a code only in the HTML part, a sender address starting with `-`.

export interface HostileMail {
  name: string;
  raw: Buffer;
}

export interface HostileOptions {
  /** A CRM contact's address, put where the sync will match it. */
  contact: string;
  /** The mailbox the mail is delivered to. */
  owner: string;
  /** Leave the 50 MB part out (a heavy one to carry for every run). */
  withoutHugePart?: boolean;
}

const NUL = '\0';
const STRANGER = 'stranger@elsewhere.test';
let counter = 0;

/**
 * A mail from a stranger with the contact in Cc (where Gmail's search finds it, so the sync fetches
 * it) and in Reply-To; `head` replaces or adds header lines.
 */
function mail(o: HostileOptions, name: string, head: string[], body: string | Buffer): Buffer {
  counter += 1;
  const names = new Set(head.map((h) => h.slice(0, h.indexOf(':')).toLowerCase()));
  const defaults = [
    `From: Stranger <${STRANGER}>`,
    `To: ${o.owner}`,
    `Cc: ${o.contact}`,
    `Reply-To: ${o.contact}`,
    `Subject: hostile ${name}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <hostile-${counter}-${Date.now()}@elsewhere.test>`,
    'Content-Type: text/plain; charset=utf-8',
  ].filter((h) => !names.has(h.slice(0, h.indexOf(':')).toLowerCase()));
  const header = Buffer.from(`${[...defaults, ...head].join('\r\n')}\r\n\r\n`, 'latin1');
  return Buffer.concat([header, Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);
}

export const absurdDates = (o: HostileOptions): HostileMail[] =>
  [
    '0000-01-01T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '-271821-04-20T00:00:00Z',
    'Wed, 01 Jan 1800 00:00:00 +0000',
    'Fri, 01 Jan 9999 00:00:00 +0000',
  ].map((date, i) => ({
    name: `date ${date}`,
    raw: mail(o, `date-${i}`, [`Date: ${date}`], 'A mail from another time.'),
  }));

export const nulBytes = (o: HostileOptions): HostileMail => ({
  name: 'NUL bytes in headers and body',
  raw: mail(
    o,
    'nul',
    [
      `From: "Eve${NUL}il" <${STRANGER}>`,
      `Subject: nul${NUL}subject`,
      `Message-ID: <nul${NUL}${counter}@elsewhere.test>`,
      `Reply-To: "Con${NUL}tact" <${o.contact}>`,
    ],
    `body${NUL}with${NUL}NUL`,
  ),
});

export const invalidUtf8 = (o: HostileOptions): HostileMail => ({
  name: 'invalid UTF-8 in headers and body',
  raw: mail(
    o,
    'utf8',
    [`Subject: bad \xff\xfe\xc3 bytes`, `From: "\xc3\x28\xa0\xa1" <${STRANGER}>`],
    Buffer.from([0x62, 0x6f, 0x64, 0x79, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x0a]),
  ),
});

/** RFC 2047 words in UTF-16 that decode to a lone surrogate (0xDC00), which JSON cannot carry to jsonb. */
export const loneSurrogates = (o: HostileOptions): HostileMail => ({
  name: 'lone surrogates in encoded words',
  raw: mail(
    o,
    'surrogate',
    [
      'Subject: =?UTF-16LE?B?ANw=?= surrogate',
      `From: =?UTF-16LE?B?ANxoAGkA?= <${STRANGER}>`,
      `Reply-To: =?UTF-16LE?B?ANw=?= <${o.contact}>`,
    ],
    'Lone surrogates in the headers.',
  ),
});

export const hugeHeader = (o: HostileOptions): HostileMail => ({
  name: 'a 1 MB header',
  raw: mail(o, 'huge-header', [`Subject: ${'S'.repeat(1024 * 1024)}`], 'A long subject.'),
});

export const manyRecipients = (o: HostileOptions): HostileMail => {
  const to = Array.from({ length: 5000 }, (_, i) => `r${i}@many.test`);
  return {
    name: '5,000 recipients',
    raw: mail(o, 'recipients', [`To: ${o.owner}, ${to.join(', ')}`], 'To everyone.'),
  };
};

export const longAddresses = (o: HostileOptions): HostileMail => {
  const long = (c: string) => `${c.repeat(990)}@long.test`;
  return {
    name: 'addresses of 1,000 characters',
    raw: mail(
      o,
      'long',
      [`To: ${o.owner}, ${long('a')}`, `Cc: "${'N'.repeat(1000)}" <${long('b')}>`],
      'Long.',
    ),
  };
};

export const repeatedHeaders = (o: HostileOptions): HostileMail => {
  const repeated = [
    'From',
    'To',
    'Subject',
    'Date',
    'Message-ID',
    'Reply-To',
    'Content-Type',
  ].flatMap((h) =>
    Array.from({ length: 50 }, (_, i) =>
      h === 'Reply-To'
        ? `Reply-To: ${o.contact}`
        : `${h}: ${h.toLowerCase()}-${i}${h === 'From' || h === 'To' ? '@r.test' : ''}`,
    ),
  );
  return { name: 'every header repeated', raw: mail(o, 'repeated', repeated, 'Repeated.') };
};

export const deepNesting = (o: HostileOptions, depth = 1000): HostileMail => {
  const open = Array.from(
    { length: depth },
    (_, i) => `--b${i}\r\nContent-Type: multipart/mixed; boundary="b${i + 1}"\r\n`,
  );
  const close = Array.from({ length: depth }, (_, i) => `--b${depth - 1 - i}--\r\n`);
  const body = `${open.join('\r\n')}\r\n--b${depth}\r\nContent-Type: text/plain\r\n\r\nDeep.\r\n--b${depth}--\r\n${close.join('')}`;
  return {
    name: `multiparts nested ${depth} deep`,
    raw: mail(o, 'deep', ['Content-Type: multipart/mixed; boundary="b0"'], body),
  };
};

export const badBoundaries = (o: HostileOptions): HostileMail[] => [
  {
    name: 'a missing boundary',
    raw: mail(
      o,
      'no-boundary',
      ['Content-Type: multipart/mixed'],
      '--x\r\n\r\nNo boundary.\r\n--x--\r\n',
    ),
  },
  {
    name: 'an empty boundary',
    raw: mail(
      o,
      'empty-boundary',
      ['Content-Type: multipart/alternative; boundary=""'],
      '--\r\n\r\nEmpty.\r\n----\r\n',
    ),
  },
  {
    name: 'a boundary never closed',
    raw: mail(
      o,
      'unclosed',
      ['Content-Type: multipart/mixed; boundary="open"'],
      '--open\r\nContent-Type: text/plain\r\n\r\nNever closed.\r\n',
    ),
  },
];

/** A 50 MB (50,000,000 bytes) attachment, written 7bit so that the raw mail stays under 50 MiB. */
export const hugePart = (o: HostileOptions): HostileMail => {
  const part = Buffer.alloc(50_000_000, 0x41);
  for (let i = 76; i < part.length; i += 78) {
    part[i] = 0x0d;
    part[i + 1] = 0x0a;
  }
  const body = Buffer.concat([
    Buffer.from(
      '--big\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n--big\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="big.bin"\r\n\r\n',
    ),
    part,
    Buffer.from('\r\n--big--\r\n'),
  ]);
  return {
    name: 'a 50 MB part',
    raw: mail(o, 'huge-part', ['Content-Type: multipart/mixed; boundary="big"'], body),
  };
};

// Issue 27: what froze a process or slipped past a guard in the second red-team pass.

export const blankLines = (o: HostileOptions): HostileMail => ({
  name: '65,000 blank lines',
  raw: mail(o, 'blank-lines', [], `Hi${'\r\n'.repeat(65_000)}Bye`),
});

export const nestedDivs = (o: HostileOptions): HostileMail => ({
  name: '3.3 MB of nested <div>s, HTML only',
  raw: mail(
    o,
    'nested-divs',
    ['Content-Type: text/html; charset=utf-8'],
    `<p>Top</p>${'<div>'.repeat(660_000)}deep`,
  ),
});

export const quoteHeaderFlood = (o: HostileOptions): HostileMail => ({
  name: 'a flood of quote-header-like lines',
  raw: mail(o, 'quote-flood', [], '在x\r\n'.repeat(21_000)),
});

export const htmlOnlyCode = (o: HostileOptions): HostileMail => ({
  name: 'a code only in the HTML part',
  raw: mail(
    o,
    'html-code',
    ['Content-Type: multipart/alternative; boundary=h'],
    '--h\r\nContent-Type: text/plain\r\n\r\nOpen this mail in HTML.\r\n--h\r\nContent-Type: text/html\r\n\r\n<p>Your verification code is <b>482913</b></p>\r\n--h--\r\n',
  ),
});

/** A stranger whose RFC-valid address starts with `-` (Gmail's search reads it as a negation). */
export const dashSender = (o: HostileOptions): HostileMail => ({
  name: 'a sender address that starts with -',
  raw: mail(o, 'dash', ['From: -everyone@evil.test'], 'Hello.'),
});

export function hostileMails(o: HostileOptions): HostileMail[] {
  return [
    ...absurdDates(o),
    nulBytes(o),
    invalidUtf8(o),
    loneSurrogates(o),
    hugeHeader(o),
    manyRecipients(o),
    longAddresses(o),
    repeatedHeaders(o),
    deepNesting(o),
    ...badBoundaries(o),
    blankLines(o),
    nestedDivs(o),
    quoteHeaderFlood(o),
    htmlOnlyCode(o),
    dashSender(o),
    ...(o.withoutHugePart ? [] : [hugePart(o)]),
  ];
}

/** The simulator's control API takes UTF-8 text as `raw`, other bytes as `raw_base64url`; JSON stays under its 50 MB limit either way for text. */
export function deliveryBody(raw: Buffer): { raw: string } | { raw_base64url: string } {
  const text = raw.toString('utf8');
  return Buffer.from(text, 'utf8').equals(raw)
    ? { raw: text }
    : { raw_base64url: raw.toString('base64url') };
}
