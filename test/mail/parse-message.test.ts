import type { gmail_v1 } from 'googleapis';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import {
  BODY_LIMIT_BYTES,
  type ParsedMail,
  parseGmailMessage,
} from '../../src/mail/parse-message.ts';
import { deliver, gmailFor } from '../support/sim-gmail.ts';
import { charsetMail, charsetSamples } from './charset-corpus.ts';
import { corpus } from './corpus.ts';

const OWNER = 'rep@vendor.test';

describe('parsing Gmail messages (delivered to the simulator, read back with googleapis)', () => {
  let sim: Simulator;
  let gmail: gmail_v1.Gmail;
  const parsed: Record<string, ParsedMail> = {};

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    await sim.ctx.publish; // simulator ready
    ({ gmail } = await gmailFor(sim, OWNER));
    await fetch(`${sim.baseUrl}/__sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quota_units_per_sec: 100_000 }),
    });
    for (const [name, raw] of Object.entries(corpus)) {
      const { id } = await deliver(sim, OWNER, raw);
      const { data } = await gmail.users.messages.get({ userId: 'me', id, format: 'full' });
      parsed[name] = parseGmailMessage(data);
    }
  });
  afterAll(async () => {
    await sim.close();
  });

  it('when the mail is plain UTF-8, then subject, sender, date and body come through', () => {
    const m = parsed.plain as ParsedMail;
    expect(m).toMatchObject({
      subject: 'Plain hello',
      bodyText: 'Olá, tudo bem?',
      bodyTruncated: false,
      messageIdHeader: '<plain@client.test>',
    });
    expect(m.from).toEqual({ name: 'Ana', email: 'ana@client.test' });
    expect(m.headerDate?.toISOString()).toBe('2026-11-24T09:00:00.000Z');
  });

  it('when the mail is HTML only, then the body is its text', () => {
    const text = parsed.htmlOnly?.bodyText ?? '';
    expect(text).toContain('Title');
    expect(text).toContain('First para.');
    expect(text).toContain('Second\u00a0para & more');
    expect(text).not.toContain('<');
  });

  it('when the mail is multipart/alternative, then text/plain wins and a quoted name with a comma parses', () => {
    expect(parsed.alternative?.bodyText).toBe('Plain version');
    expect(parsed.alternative?.from).toEqual({ name: 'Lima, Ana', email: 'ana@client.test' });
  });

  it('when the mail has an attachment, quoted-printable text and a group in Cc, then each is read right', () => {
    const m = parsed.mixedWithAttachment as ParsedMail;
    expect(m.bodyText).toBe('See the contract — signed.');
    expect(m.attachments).toEqual([
      {
        filename: 'contract.pdf',
        mimeType: 'application/pdf',
        size: 18,
        partId: '1',
        contentId: null,
        inline: false,
      },
    ]);
    expect(m.cc.map((a) => a.email)).toEqual(['pat@client.test', 'a@x.test', 'b@x.test']);
    expect(m.cc[0]?.name).toBe("O'Brien, Pat");
  });

  it('when a message is forwarded inline, then its text follows the outer text', () => {
    const text = parsed.forwarded?.bodyText ?? '';
    expect(text.indexOf('FYI below')).toBeLessThan(text.indexOf('Can we meet?'));
    expect(text).toContain('From: Luis <luis@prospect.test>');
  });

  it.each([
    ['latin1', 'Cotação de preços', 'Prezado, segue a cotação. Atenção ao prazo.'],
    ['windows1252', 'Quotes', '“Smart quotes” – and € sign'],
    ['shiftJis', '日本語の件名', 'こんにちは、見積もりです。'],
  ])('when the charset is %s, then subject and body decode', (name, subject, body) => {
    expect(parsed[name]?.subject).toBe(subject);
    expect(parsed[name]?.bodyText).toBe(body);
  });

  it('when an encoded-word display name is used, then it is decoded', () => {
    expect(parsed.latin1?.from).toEqual({ name: 'José Limão', email: 'jose@client.test' });
  });

  it('when the body is too large for Gmail to inline, then the snippet stands in and the body is marked cut', () => {
    const m = parsed.huge as ParsedMail;
    expect(m.bodyTruncated).toBe(true);
    expect(m.bodyText).toMatch(/^é+$/);
  });

  it('when an inline body is over 256 KiB, then it is cut on a character boundary and marked', () => {
    const data = Buffer.from('é'.repeat(140_000)).toString('base64url');
    const m = parseGmailMessage({
      id: 'big',
      payload: { mimeType: 'text/plain', headers: [], body: { data } },
    });
    expect(m.bodyTruncated).toBe(true);
    expect(Buffer.byteLength(m.bodyText)).toBeLessThanOrEqual(BODY_LIMIT_BYTES);
    expect(m.bodyText).toMatch(/^é+$/);
  });

  it('when headers are missing or the mail is garbage, then parsing still answers without throwing', () => {
    expect(parsed.missingHeaders).toMatchObject({ subject: '', from: null, to: [] });
    expect(parsed.missingHeaders?.date).toBeInstanceOf(Date);
    expect(Number.isNaN(parsed.garbage?.date.getTime())).toBe(false);
    expect(parsed.garbage?.bodyText).not.toContain('\u0000');
  });

  it('when mail in every charset goes through the simulator and googleapis, then it reads as mailparser reads the raw', async () => {
    for (const sample of charsetSamples) {
      const raw = charsetMail(sample);
      const { id } = await deliver(sim, OWNER, raw);
      const { data } = await gmail.users.messages.get({ userId: 'me', id, format: 'full' });
      const mail = parseGmailMessage(data);
      const expected = await simpleParser(raw);
      expect([mail.subject, mail.bodyText, mail.attachments[0]?.filename], sample.charset).toEqual([
        expected.subject,
        expected.text?.replace(/\r\n/g, '\n').trim(),
        expected.attachments[0]?.filename,
      ]);
    }
  });

  it('when the Gmail resource is empty or broken, then parsing does not throw', () => {
    expect(() => parseGmailMessage({})).not.toThrow();
    expect(() =>
      parseGmailMessage({
        id: 'x',
        payload: { mimeType: 'multipart/mixed', parts: [{ body: { data: '%%%' } }] },
      }),
    ).not.toThrow();
    expect(parseGmailMessage({ id: 'x', internalDate: '1795000000000' }).date.getTime()).toBe(
      1795000000000,
    );
  });
});
