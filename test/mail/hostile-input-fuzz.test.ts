// Property-based fuzzing (fast-check) of everything that reads mail or request content: the MIME
// parser, the reply parser, the HTML converter and sanitiser, the sensitive-mail guard, the
// search-term builder and the JSON shape scanner (issue 27). Inputs are made of the pieces that
// broke these before (tags, blank lines, quote-header starts, dates, digits, operators), repeated
// to 64 KiB and to 512 KiB: the larger must cost at most a few times 8× the smaller (linear work
// is 8×, quadratic 64×), never an absolute time, so a loaded CI machine does not flake. Memory:
// results stay within their caps, and the heap a call leaves behind is bounded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { queryGroups } from '../../src/crm/crm-search.ts';
import { isPlainSearchTerm } from '../../src/google/gmail-search-terms.ts';
import { JsonShapeScanner } from '../../src/http/json-shape.ts';
import { htmlToText } from '../../src/mail/html-text.ts';
import { BODY_LIMIT_BYTES, parseGmailMessage } from '../../src/mail/parse-message.ts';
import { extractReplyText } from '../../src/mail/reply-text.ts';
import { sanitizeEmailHtml } from '../../src/mail/safe-html.ts';
import { classifySensitiveMail } from '../../src/mail/sensitive-mail.ts';
import { growth } from '../support/time-bounds.ts';
import { gmailMessageFromRaw } from './gmail-payload.ts';

const SMALL = 64 * 1024;
const LARGE = 512 * 1024;
/** Runs per property: each measures two sizes, a few times each; the file stays under ~20 s. */
const RUNS = 10;
/** Fixed so CI is repeatable; FUZZ_SEED=<n> explores further (a failure prints its seed and input). */
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 27);

const PIECES = [
  '<div>',
  '</div>',
  '</b>',
  '<p>',
  '<li>',
  '<table><tr><td>',
  '<!--',
  '-->',
  '<',
  '>',
  '&amp;',
  '\n',
  '\n\n',
  ' \n',
  '\r\n',
  ' ',
  '\t',
  '~',
  '-',
  '--',
  '>',
  '> ',
  'On ',
  ' wrote:',
  '在',
  '写道：',
  'Op ',
  'schreef',
  'abc. ',
  '12.12.2012 ',
  '12:12 ',
  '2012 ',
  'From: ',
  'Sent: ',
  'Subject: ',
  'Sent from ',
  'Regards',
  'verification code ',
  '482913',
  'passcode ',
  'PIN ',
  'magic link ',
  'https://x.test/',
  'token=',
  '@',
  '"',
  "'",
  '{',
  '}',
  '(',
  ')',
  ':',
  'OR ',
  '\u200B',
  'é',
  '😀',
  'a',
  'Z',
  '0',
];
const unit = fc
  .array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(''));
const repeatTo = (piece: string) => (size: number) =>
  piece.repeat(Math.ceil(size / piece.length)).slice(0, size);

/** Asserts `work` grows about linearly over inputs made of `piece`, for RUNS random pieces. */
function expectLinear(work: (input: string) => unknown): void {
  fc.assert(
    fc.property(unit, (piece) => {
      const g = growth(repeatTo(piece), work, SMALL, LARGE, 10);
      expect(g.ratio, `${JSON.stringify(piece)} ${JSON.stringify(g)}`).toBeLessThan(3 * g.factor);
    }),
    { numRuns: RUNS, seed: FUZZ_SEED },
  );
}

const mime = (body: string, type: string) =>
  Buffer.from(
    `From: a@x.test\r\nTo: b@y.test\r\nSubject: fuzz\r\nContent-Type: ${type}; charset=utf-8\r\n\r\n${body}`,
  );
const parse = (raw: Buffer) => parseGmailMessage(gmailMessageFromRaw(raw, { form: 'gmail' }));

describe('hostile input, fuzzed: time grows linearly, results stay bounded', () => {
  it('when the reply parser reads any text, then it is linear', () => {
    expectLinear(extractReplyText);
  });

  it('when HTML is read as text, then it is linear', () => {
    expectLinear((html) => htmlToText(html, Number.POSITIVE_INFINITY));
  });

  it('when HTML is sanitised, then it is linear', () => {
    expectLinear((html) => sanitizeEmailHtml(html, { maxInputBytes: 4 * 1024 * 1024 }));
  });

  it('when the MIME parser reads a text or HTML mail, then it is linear and the body stays capped', () => {
    expectLinear((body) => {
      const mail = parse(mime(body, body.includes('<') ? 'text/html' : 'text/plain'));
      expect(Buffer.byteLength(mail.bodyText)).toBeLessThanOrEqual(BODY_LIMIT_BYTES);
    });
  });

  it('when the sensitive-mail guard reads text and HTML, then it is linear', () => {
    expectLinear((text) =>
      classifySensitiveMail({ subject: 's', from: 'a@x.test', text, html: text }),
    );
  });

  it('when the JSON shape scanner reads any bytes, then it is linear', () => {
    expectLinear((text) => new JsonShapeScanner().feed(Buffer.from(text)));
  });

  it('when search terms are grouped, then it is linear in the terms', () => {
    expectLinear((text) => queryGroups(text.split(/\s+/).filter(isPlainSearchTerm)));
  });
});

describe('hostile input, fuzzed: never a throw, never syntax in a search', () => {
  it('when any raw bytes are parsed as mail, then the parser answers and every string is clean', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), unit, (bytes, piece) => {
        const raw = Buffer.concat([mime(piece, 'multipart/mixed; boundary=b'), Buffer.from(bytes)]);
        const mail = parse(raw);
        for (const s of [mail.subject, mail.bodyText, mail.from?.email ?? '']) {
          expect(s.includes('\u0000')).toBe(false);
          expect(s.isWellFormed()).toBe(true);
        }
      }),
      { numRuns: 200, seed: FUZZ_SEED },
    );
  });

  it('when any string is offered as a search term, then only a plain address or domain token passes', () => {
    const term = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.tuple(unit, fc.constantFrom('@acme.test', '.test', '')).map(([a, b]) => `${a}${b}`),
      fc.emailAddress(),
      fc.domain(),
    );
    fc.assert(
      fc.property(term, (t) => {
        if (!isPlainSearchTerm(t)) return;
        expect(t).toMatch(/^[a-z0-9_@][^\s"(){}:]*$/i);
        expect(t.length).toBeLessThanOrEqual(254);
        expect(['OR', 'AND']).not.toContain(t.toUpperCase());
      }),
      { numRuns: 2000, seed: FUZZ_SEED },
    );
  });

  it('when HTML is sanitised or read as text, then the heap a call keeps is bounded', () => {
    const before = process.memoryUsage().heapUsed;
    const results = [];
    for (const piece of ['<div>', '<p><li>', '</b>']) {
      const html = repeatTo(piece)(LARGE * 4);
      results.push(sanitizeEmailHtml(html, { maxInputBytes: LARGE * 8 }).html.length);
      results.push(htmlToText(html, Number.POSITIVE_INFINITY).text.length);
    }
    // What is kept is bounded by the caps, not by the 2 MB inputs (nor by their nesting).
    expect(Math.max(...results)).toBeLessThan(LARGE * 4);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(256 * 1024 * 1024);
  });
});
