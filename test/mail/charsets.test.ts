import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { parseGmailMessage } from '../../src/mail/parse-message.ts';
import { charsetMail, charsetSamples } from './charset-corpus.ts';
import { type GmailForm, gmailMessageFromRaw } from './gmail-payload.ts';

const cases = charsetSamples.flatMap((sample) =>
  (['original', 'gmail'] as GmailForm[]).map((form) => ({ sample, form })),
);

describe('mail in every charset a reader decodes, checked against mailparser', () => {
  it.each(cases)(
    'when a $sample.charset mail arrives in the $form form, then subject, sender, body and attachment name read as mailparser reads them',
    async ({ sample, form }) => {
      const raw = charsetMail(sample);
      const expected = await simpleParser(raw);
      const mail = parseGmailMessage(gmailMessageFromRaw(raw, { form }));
      expect(mail.subject).toBe(expected.subject);
      expect(mail.from?.name).toBe(expected.from?.value[0]?.name);
      expect(mail.bodyText).toBe(expected.text?.replace(/\r\n/g, '\n').trim());
      expect(mail.attachments.map((a) => a.filename)).toEqual(
        expected.attachments.map((a) => a.filename),
      );
      // And mailparser read what the sender wrote.
      expect([mail.subject, mail.bodyText, mail.attachments[0]?.filename]).toEqual([
        sample.subject,
        sample.body,
        sample.filename,
      ]);
    },
  );

  it.each(charsetSamples.slice(0, 4))(
    'when Gmail returns the $charset headers already decoded, then they read the same (decoding is idempotent)',
    async (sample) => {
      const mail = parseGmailMessage(
        gmailMessageFromRaw(charsetMail(sample), { form: 'gmail', decodedHeaders: true }),
      );
      expect([mail.subject, mail.from?.name]).toEqual([sample.subject, sample.name]);
    },
  );

  it('when UTF-7 text arrives as sent or as Gmail converted it, then both read right', () => {
    const read = (text: string) =>
      parseGmailMessage({
        id: 'u7',
        payload: {
          mimeType: 'text/plain',
          headers: [{ name: 'Content-Type', value: 'text/plain; charset=UTF-7' }],
          body: { data: Buffer.from(text).toString('base64url') },
        },
      }).bodyText;
    expect(read('Caf+AOk- +- 1+-1')).toBe('Café + 1+1');
    expect(read('Café 1+1=2')).toBe('Café 1+1=2');
  });

  it('when the charset is unknown or WHATWG maps it to its replacement encoding, then the text is read as UTF-8, not lost', () => {
    for (const charset of ['x-no-such-charset', 'ISO-2022-KR', '"utf-8"', '']) {
      const data = Buffer.from('Olá, preço ✓').toString('base64url');
      const mail = parseGmailMessage({
        id: 'u',
        payload: {
          mimeType: 'text/plain',
          headers: [{ name: 'Content-Type', value: `text/plain; charset=${charset}` }],
          body: { data },
        },
      });
      expect(mail.bodyText).toBe('Olá, preço ✓');
    }
  });
});
