import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, withContent } from '../../src/activity-store/activity-content.ts';
import type { ActivityContent } from '../../src/db/schema.ts';
import { isPlainSearchTerm } from '../../src/google/gmail-search-terms.ts';
import {
  BODY_LIMIT_BYTES,
  type ParsedMail,
  parseGmailMessage,
} from '../../src/mail/parse-message.ts';
import { type GmailForm, gmailMessageFromRaw } from './gmail-payload.ts';
import {
  ABSURD_DATES,
  absurdDate,
  blankLines,
  dashSender,
  deepMultipart,
  emptyBoundary,
  everyHeaderRepeated,
  hostileMail,
  htmlOnlyCode,
  hugePart,
  longAddresses,
  missingBoundary,
  nestedDivs,
  nulBytes,
  quoteHeaderFlood,
  zeroWidthCode,
} from './hostile-corpus.ts';

const RECEIVED = Date.UTC(2026, 10, 25, 12);
/** PostgreSQL timestamptz ends in 294276 AD; we keep far inside it. */
const LAST_STORABLE = Date.UTC(9999, 11, 31);

const parse = (raw: Buffer, form: GmailForm = 'gmail') =>
  parseGmailMessage(gmailMessageFromRaw(raw, { form, internalDate: RECEIVED }));

/** Every string NUL-free and well-formed, every date storable, every list and body bounded. */
function expectSane(mail: ParsedMail): void {
  const strings: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object' && !(value instanceof Date))
      Object.values(value).forEach(collect);
  };
  collect(mail);
  expect(strings.filter((s) => s.includes('\u0000') || !s.isWellFormed())).toEqual([]);
  expect(Buffer.byteLength(mail.bodyText)).toBeLessThanOrEqual(BODY_LIMIT_BYTES);
  expect(mail.subject.length).toBeLessThanOrEqual(998);
  for (const list of [
    mail.to,
    mail.cc,
    mail.bcc,
    mail.replyTo,
    mail.attachments,
    mail.references,
  ]) {
    expect(list.length).toBeLessThanOrEqual(2000);
  }
  for (const a of [mail.from, ...mail.to, ...mail.cc, ...mail.bcc, ...mail.replyTo]) {
    if (a) expect(a.email.length).toBeLessThanOrEqual(254);
  }
  expect(mail.date.getTime()).toBeGreaterThanOrEqual(0);
  expect(mail.date.getTime()).toBeLessThanOrEqual(LAST_STORABLE);
  if (mail.headerDate) {
    expect(mail.headerDate.getTime()).toBeGreaterThanOrEqual(0);
    expect(mail.headerDate.getTime()).toBeLessThanOrEqual(RECEIVED + 86_400_000);
  }
}

describe('hostile mail (issue 18): the parser never throws and answers sane, bounded, NUL-free values', () => {
  it.each(
    hostileMail.flatMap((m) =>
      (['original', 'gmail'] as GmailForm[]).map((form) => ({ ...m, form })),
    ),
  )('when the mail has $name ($form form), then parsing answers a sane result', ({ raw, form }) => {
    expectSane(parse(raw(), form));
  });

  it.each(ABSURD_DATES)(
    'when the Date header is %s, then the header date is dropped and the mail is dated by Gmail',
    (date) => {
      const mail = parse(absurdDate(date));
      expect(mail.headerDate).toBeNull();
      expect(mail.date.getTime()).toBe(RECEIVED);
      expect(mail.internalDate?.getTime()).toBe(RECEIVED);
    },
  );

  it('when the mail is ordinary, then both its times are kept', () => {
    const mail = parse(absurdDate('Tue, 24 Nov 2026 09:00:00 -0300'));
    expect(mail.headerDate?.toISOString()).toBe('2026-11-24T12:00:00.000Z');
    expect(mail.date.getTime()).toBe(RECEIVED);
  });

  it('when headers and body hold NUL bytes, then the text around them is kept without them', () => {
    const mail = parse(nulBytes());
    expect(mail.subject).toBe('HelloWorld xy');
    expect(mail.from?.name).toBe('Eve');
    expect(mail.bodyText).toBe('bodytext');
  });

  it('when a part is 50 MB, then the body is cut at the cap and flagged', () => {
    const mail = parse(hugePart());
    expect(mail.bodyTruncated).toBe(true);
    expect(mail.bodyText.startsWith('a'.repeat(76))).toBe(true);
    expect(Buffer.byteLength(mail.bodyText)).toBeGreaterThan(BODY_LIMIT_BYTES - 100);
  });

  it('when multiparts nest a thousand deep, then the text within the first hundred levels is read and the cut flagged', () => {
    const mail = parse(deepMultipart());
    expect(mail.bodyText).toBe('Top text.');
    expect(mail.bodyTruncated).toBe(true);
  });

  it.each([
    ['empty', emptyBoundary],
    ['missing', missingBoundary],
  ])('when the multipart boundary is %s, then the unread body is flagged as cut', (_, raw) => {
    expect(parse(raw()).bodyTruncated).toBe(true);
  });

  it('when an address is longer than RFC 5321 allows, then it is not a participant', () => {
    const mail = parse(longAddresses());
    expect(mail.from).toBeNull();
    expect(mail.to.map((a) => a.email)).toEqual(['ok@client.test']);
    expect(mail.replyTo[0]?.name.length).toBeLessThanOrEqual(256);
  });

  it('when every header is repeated, then the first of each is read', () => {
    const mail = parse(everyHeaderRepeated(), 'original');
    expect(mail.subject).toBe('copy 0');
    expect(mail.from?.email).toBe('s0@stranger.test');
    expect(mail.messageIdHeader).toBe('<m0@stranger.test>');
    expect(mail.bodyText).toBe('Olá from the first copy.');
  });
});

describe('hostile mail, second round (issue 27): parsed and made an activity in bounded time', () => {
  const draft = { title: 't', description: 'd', emailSubject: 's', content: {} as ActivityContent };
  const activity = (raw: Buffer) => {
    const mail = parse(raw);
    return { mail, draft: withContent(mail, DEFAULT_POLICY, draft) };
  };

  it('when a text holds 65,000 blank lines, then its new part keeps both words', () => {
    expect(activity(blankLines()).draft.content.body_new).toBe('Hi\n\nBye');
  });

  it('when an HTML-only mail is 3.3 MB of nested <div>s, then its text and sanitised HTML are kept, cut and flagged', () => {
    const { mail, draft } = activity(nestedDivs());
    expect(mail.bodyText).toContain('Top of the mail');
    expect(draft.content.body_truncated).toBe(true);
    expect(draft.content.body_html).toContain('Top of the mail');
  });

  it('when the text floods the reply parser with header-like lines, then the activity is made', () => {
    expect(activity(quoteHeaderFlood()).draft.content.body_new?.startsWith('在x')).toBe(true);
  });

  it.each([
    ['only in the HTML part', htmlOnlyCode],
    ['split by zero-width characters', zeroWidthCode],
  ])('when a one-time code is %s, then the activity keeps metadata only', (_, raw) => {
    const { draft } = activity(raw());
    expect(draft.content.visibility).toBe('metadata');
    expect(JSON.stringify(draft)).not.toContain('482913');
  });

  it('when the sender address starts with -, then it is parsed but never a search term', () => {
    const from = parse(dashSender()).from?.email ?? '';
    expect(from).toBe('-everyone@evil.test');
    expect(isPlainSearchTerm(from)).toBe(false);
  });
});
