// Issue 27 #2: no HTML reaches a parser in a form that costs more than linear time. htmlparser2
// (html-to-text's and sanitize-html's) is quadratic in nesting depth: a 3.3 MB mail of nested
// <div>s froze the web process 51 s at each `?full=1`, and /send with 400,000 of them 89 s.
import { describe, expect, it } from 'vitest';
import { boundHtml, MAX_HTML_TAGS, stripTags } from '../../src/mail/html-bounds.ts';
import { htmlToText } from '../../src/mail/html-text.ts';
import { parseGmailMessage } from '../../src/mail/parse-message.ts';
import { sanitizeEmailHtml } from '../../src/mail/safe-html.ts';
import { growth } from '../support/time-bounds.ts';
import { gmailMessageFromRaw } from './gmail-payload.ts';

const nested = (bytes: number) => `<p>top</p>${'<div>'.repeat(bytes / 5)}deep`;
const nestedThenClosers = (bytes: number) =>
  `${'<div>'.repeat(bytes / 10)}${'</b>'.repeat(bytes / 8)}`;
const openClose = (bytes: number) => '<p><li>'.repeat(bytes / 7);

const htmlMail = (html: string) =>
  Buffer.from(
    `From: a@x.test\r\nTo: b@y.test\r\nSubject: deep\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}`,
  );

describe('HTML bounded before it is parsed', () => {
  it.each([
    ['nested <div>s', nested],
    ['nested <div>s, then closing tags that match none', nestedThenClosers],
    ['<p><li> pairs that never close', openClose],
  ])(
    'when the HTML is %s, then 3.3 MB costs about what 330 KB does, read as text and sanitised',
    (_, make) => {
      for (const work of [
        (html: string) => htmlToText(html, Number.POSITIVE_INFINITY),
        (html: string) => sanitizeEmailHtml(html, { maxInputBytes: 4 * 1024 * 1024 }),
      ]) {
        const g = growth(make, work, 330_000, 3_300_000, 20);
        // Bounded work stays about flat; quadratic work grew ×100 (51 s for the large one).
        expect(g.ratio, JSON.stringify(g)).toBeLessThan(3 * g.factor);
      }
    },
  );

  it('when a 3.3 MB HTML-only mail of nested <div>s is read whole (?full=1), then the parse ends and says the text was cut', () => {
    const message = gmailMessageFromRaw(htmlMail(nested(3_300_000)), { form: 'gmail' });
    const mail = parseGmailMessage(message, { bodyBytes: 16 << 20, sourceBytes: 32 << 20 });
    expect(mail.bodyText).toContain('top');
    expect(mail.bodyTruncated).toBe(true);
  });

  it('when HTML is bounded, then it is cut before a tag, after MAX_HTML_TAGS tags, and within its bytes', () => {
    const { html, truncated } = boundHtml(`${'<i>x</i>'.repeat(MAX_HTML_TAGS)}<b>after`, 1 << 20);
    expect(truncated).toBe(true);
    expect(html.match(/<\/?[a-z]/g)?.length).toBe(MAX_HTML_TAGS);
    expect(html.endsWith('</i>')).toBe(true);
    const bytes = boundHtml(`<p>${'é'.repeat(1000)}<b>x</b>`, 1000);
    expect(Buffer.byteLength(bytes.html)).toBeLessThanOrEqual(1000);
    expect(bytes.html).not.toContain('\uFFFD');
    expect(boundHtml('<p>short</p>', 100)).toEqual({ html: '<p>short</p>', truncated: false });
  });

  it('when the fallback strips tags from text full of "<", then it is linear and keeps the text', () => {
    const g = growth((n) => `a<b${'<'.repeat(n)}c`, stripTags, 100_000, 1_000_000);
    expect(g.ratio, JSON.stringify(g)).toBeLessThan(3 * g.factor);
    expect(stripTags('<p>Hello</p> <b>world</b>').trim()).toBe('Hello world');
  });
});
