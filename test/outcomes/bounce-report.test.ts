import { describe, expect, it } from 'vitest';
import { parseGmailMessage } from '../../src/mail/parse-message.ts';
import { readBounce } from '../../src/outcomes/bounce-report.ts';
import { gmailMessageFromRaw } from '../mail/gmail-payload.ts';
import { BOUNCE_CORPUS, NOT_BOUNCES, ORIGINAL_ID } from './bounce-corpus.ts';

const parse = (raw: string) =>
  parseGmailMessage(gmailMessageFromRaw(Buffer.from(raw, 'utf8'), { form: 'gmail' }));

describe('the bounce corpus', () => {
  it('when counted, then it holds more than 20 reports from each family of servers', () => {
    expect(BOUNCE_CORPUS.length).toBeGreaterThanOrEqual(20);
    for (const family of [
      'Gmail',
      'Exchange',
      'Office 365',
      'Outlook.com',
      'Postfix',
      'Exim',
      'Yahoo',
      'qmail',
    ]) {
      expect(
        BOUNCE_CORPUS.some((c) => c.name.startsWith(family)),
        family,
      ).toBe(true);
    }
  });

  for (const sample of BOUNCE_CORPUS) {
    it(`when ${sample.name} arrives, then each recipient is classified right and the original is named`, () => {
      const report = readBounce(parse(sample.raw));
      expect(report).not.toBeNull();
      expect(report?.recipients.map((r) => ({ recipient: r.recipient, kind: r.kind }))).toEqual(
        sample.expect,
      );
      if (sample.namesOriginal) expect(report?.messageIds).toContain(ORIGINAL_ID);
      for (const r of report?.recipients ?? []) {
        expect(r.diagnostic.length).toBeGreaterThan(0);
        expect(r.diagnostic.length).toBeLessThanOrEqual(300);
        // The reason is the server's: never the returned mail's own text.
        expect(r.diagnostic).not.toContain('Segue a proposta');
      }
    });
  }

  for (const sample of NOT_BOUNCES) {
    it(`when ${sample.name} arrives, then it is not taken for a bounce`, () => {
      expect(readBounce(parse(sample.raw))).toBeNull();
    });
  }
});
