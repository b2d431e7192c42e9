import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../src/mail/compose-message.ts';

const from = { name: 'Joana Vendas', email: 'joana@vendor.test' };

describe('composing mail (nodemailer), read back by an independent parser', () => {
  it('when only HTML is given, then the text part is derived from it and both are sent', async () => {
    const raw = await composeMessage({
      from,
      to: [{ name: '', email: 'c@client.test' }],
      subject: 'Olá',
      html: '<p>Hello <b>there</b></p>',
    });
    const parsed = await simpleParser(raw);
    expect(parsed.text?.trim()).toBe('Hello there');
    expect(parsed.html).toContain('<b>there</b>');
    expect(parsed.subject).toBe('Olá');
    expect(raw.toString('latin1')).toMatch(/^Subject: =\?UTF-8\?/m);
    expect(parsed.messageId).toMatch(/@vendor\.test>$/);
  });

  it('when Bcc recipients are given, then the raw keeps them for Gmail to read and strip', async () => {
    const raw = await composeMessage({
      from,
      to: [{ name: '', email: 'c@client.test' }],
      bcc: [{ name: '', email: 'audit@vendor.test' }],
      subject: 's',
      text: 't',
    });
    expect((await simpleParser(raw)).bcc).toMatchObject({
      value: [{ address: 'audit@vendor.test' }],
    });
  });

  it('when a display name or subject carries CR/LF, then no extra header appears', async () => {
    const raw = await composeMessage({
      from: { name: 'Evil\r\nBcc: victim@evil.test', email: 'joana@vendor.test' },
      to: [{ name: 'X\nX-Injected: yes', email: 'c@client.test' }],
      subject: 'Hi\r\nX-Injected: yes',
      text: 'body',
    });
    const head = raw.toString('latin1').split(/\r\n\r\n/)[0] ?? '';
    expect(head).not.toMatch(/^Bcc:/m);
    expect(head).not.toMatch(/^X-Injected:/m);
  });

  it('when replying, then In-Reply-To and References are set', async () => {
    const raw = await composeMessage({
      from,
      to: [{ name: '', email: 'c@client.test' }],
      subject: 'Re: Pricing',
      text: 'ok',
      inReplyTo: '<p1@client.test>',
      references: ['<p0@client.test>', '<p1@client.test>'],
    });
    const parsed = await simpleParser(raw);
    expect(parsed.inReplyTo).toBe('<p1@client.test>');
    expect(parsed.references).toEqual(['<p0@client.test>', '<p1@client.test>']);
  });
});
