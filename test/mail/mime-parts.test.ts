import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { parseGmailMessage } from '../../src/mail/parse-message.ts';
import { gmailMessageFromRaw } from './gmail-payload.ts';

const crlf = (...lines: string[]) => Buffer.from(lines.join('\r\n'));
const data = (text: string | Buffer) => Buffer.from(text).toString('base64url');
const parse = (raw: Buffer) => parseGmailMessage(gmailMessageFromRaw(raw, { form: 'gmail' }));

describe('parts as mail clients show them', () => {
  it('when a text/plain part carries a file name but no attachment disposition, then it is the body text', async () => {
    const raw = crlf(
      'From: a@client.test',
      'Content-Type: multipart/mixed; boundary=x',
      '',
      '--x',
      'Content-Type: text/plain; charset=utf-8; name="message.txt"',
      'Content-Disposition: inline; filename="message.txt"',
      '',
      'The proposal is attached.',
      '--x',
      'Content-Type: text/plain; name="log.txt"',
      'Content-Disposition: attachment; filename="log.txt"',
      '',
      'not body text',
      '--x--',
    );
    const mail = parse(raw);
    expect(mail.bodyText).toBe('The proposal is attached.');
    expect(mail.attachments.map((a) => a.filename)).toEqual(['log.txt']);
    expect(mail.bodyText).toBe((await simpleParser(raw)).text?.trim());
  });

  it('when the Content-Type has no subtype or does not parse, then the part is text/plain (RFC 2045 §5.2)', () => {
    for (const contentType of ['text', '; charset=utf-8', 'bogus//type', '']) {
      const mail = parseGmailMessage({
        id: 'ct',
        payload: {
          mimeType: contentType.split(';')[0] ?? '',
          headers: [{ name: 'Content-Type', value: contentType }],
          body: { data: data('Olá, é texto.') },
        },
      });
      expect(mail.bodyText, contentType).toBe('Olá, é texto.');
    }
  });

  it('when charset is given as an RFC 2231 parameter, then the body decodes by it', () => {
    const mail = parseGmailMessage({
      id: 'cs',
      payload: {
        mimeType: 'text/plain',
        headers: [{ name: 'Content-Type', value: "text/plain; charset*=us-ascii'en'windows-1252" }],
        body: { data: data(Buffer.from([0x93, 0x4f, 0x6c, 0xe1, 0x94, 0x20, 0x80])) },
      },
    });
    expect(mail.bodyText).toBe('“Olá” €');
  });

  it('when a file name is split in RFC 2231 continuations with charset and language, then it is joined and decoded', () => {
    const mail = parseGmailMessage({
      id: 'fn',
      payload: {
        mimeType: 'multipart/mixed',
        parts: [
          { mimeType: 'text/plain', headers: [], body: { data: data('body') } },
          {
            mimeType: 'application/pdf',
            filename: 'garbled',
            headers: [
              {
                name: 'Content-Disposition',
                value:
                  'attachment; filename*0*=iso-8859-1\'pt-BR\'Cota%E7%E3o; filename*1=" de pre"; filename*2*=%E7os.pdf',
              },
            ],
            body: { size: 10, attachmentId: 'att' },
          },
        ],
      },
    });
    expect(mail.attachments).toMatchObject([
      { filename: 'Cotação de preços.pdf', mimeType: 'application/pdf', size: 10 },
    ]);
  });

  it('when the boundary is an RFC 2231 parameter, then the parts are found as mailparser finds them', async () => {
    const raw = crlf(
      'From: a@client.test',
      "Content-Type: multipart/alternative; boundary*=''b%20one",
      '',
      '--b one',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Plain side',
      '--b one',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>HTML side</p>',
      '--b one--',
    );
    expect(parse(raw).bodyText).toBe('Plain side');
    expect((await simpleParser(raw)).text?.trim()).toBe('Plain side');
  });

  it('when message/external-body and message/rfc822 parts sit between texts, then every text around them is shown', () => {
    const raw = crlf(
      'From: a@client.test',
      'Content-Type: multipart/mixed; boundary=m',
      '',
      '--m',
      'Content-Type: text/plain',
      '',
      'Before the parts.',
      '--m',
      'Content-Type: message/external-body; access-type=URL; URL="https://files.test/x"',
      '',
      'Content-Type: application/pdf',
      '',
      '--m',
      'Content-Type: message/rfc822',
      'Content-Disposition: attachment; filename="original.eml"',
      '',
      'From: Luis <luis@prospect.test>',
      'Subject: Question',
      '',
      'Can we meet?',
      '--m',
      'Content-Type: text/plain',
      '',
      'After the parts.',
      '--m--',
    );
    const text = parse(raw).bodyText;
    expect(text).toContain('Before the parts.');
    expect(text).toContain('After the parts.');
    expect(text.indexOf('Can we meet?')).toBeGreaterThan(text.indexOf('From: Luis'));
  });

  it('when Gmail serves a forwarded message as raw data whose header block lacks its blank line, then its text is read, not its raw headers', () => {
    const inner = crlf(
      'From: =?utf-8?Q?Lu=C3=ADs?= <luis@prospect.test>',
      'Subject: Pergunta',
      "Content-Type: multipart/mixed; boundary*=us-ascii''in%2Dner",
      '--in-ner',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Podemos nos encontrar amanh=E3?',
      '--in-ner--',
    );
    const mail = parseGmailMessage({
      id: 'fw',
      payload: {
        mimeType: 'multipart/mixed',
        parts: [
          { mimeType: 'text/plain', headers: [], body: { data: data('Veja abaixo.') } },
          {
            mimeType: 'message/rfc822',
            headers: [{ name: 'Content-Type', value: 'message/rfc822' }],
            body: { size: inner.length, data: data(inner) },
          },
        ],
      },
    });
    expect(mail.bodyText).toBe(
      [
        'Veja abaixo.',
        '',
        '---------- Forwarded message ----------',
        'From: Luís <luis@prospect.test>',
        'Subject: Pergunta',
        'Podemos nos encontrar amanhã?',
      ].join('\n'),
    );
  });
});

describe('HTML bodies as text', () => {
  it('when headings and table headers are mixed case, then the text keeps the author’s case', () => {
    const html =
      '<h1>Pedido 4471</h1><h3>Resumo do Pedido</h3><table><tr><th>Item Name</th><th>Qtd</th></tr>' +
      '<tr><td>Cadeira</td><td>2</td></tr></table>';
    const mail = parseGmailMessage({
      id: 'h',
      payload: { mimeType: 'text/html', headers: [], body: { data: data(html) } },
    });
    expect(mail.bodyText).toContain('Pedido 4471');
    expect(mail.bodyText).toContain('Resumo do Pedido');
    expect(mail.bodyText).toContain('Item Name');
    expect(mail.bodyText).not.toContain('PEDIDO');
  });
});
