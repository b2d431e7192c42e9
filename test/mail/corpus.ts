// Real-world-shaped raw messages, byte for byte, for parsing and round-trip tests.
import iconv from 'iconv-lite';

const crlf = (lines: string[]) => lines.join('\r\n');

export const corpus: Record<string, Buffer> = {
  plain: Buffer.from(
    crlf(['From: Ana <ana@client.test>', 'To: rep@vendor.test', 'Subject: Plain hello', 'Date: Tue, 24 Nov 2026 09:00:00 +0000',
      'Message-ID: <plain@client.test>', 'Content-Type: text/plain; charset=utf-8', '', 'Olá, tudo bem?', '']),
  ),
  htmlOnly: Buffer.from(
    crlf(['From: news@client.test', 'To: rep@vendor.test', 'Subject: HTML only', 'Content-Type: text/html; charset=utf-8', '',
      '<html><body><h1>Title</h1><p>First <b>para</b>.</p><p>Second&nbsp;para &amp; more</p></body></html>', '']),
  ),
  alternative: Buffer.from(
    crlf(['From: "Lima, Ana" <ana@client.test>', 'To: rep@vendor.test', 'Subject: Alt', 'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="b1"', '', '--b1', 'Content-Type: text/plain; charset=utf-8', '',
      'Plain version', '--b1', 'Content-Type: text/html; charset=utf-8', '', '<p>HTML version</p>', '--b1--', '']),
  ),
  mixedWithAttachment: Buffer.from(
    crlf(['From: ana@client.test', 'To: rep@vendor.test', 'Cc: "O\'Brien, Pat" <PAT@Client.Test>, team: a@x.test, b@x.test;',
      'Subject: Contract attached', 'Content-Type: multipart/mixed; boundary="outer"', '', '--outer',
      'Content-Type: multipart/alternative; boundary="inner"', '', '--inner', 'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable', '', 'See the contract =E2=80=94 signed.', '--inner',
      'Content-Type: text/html; charset=utf-8', '', '<p>See the contract</p>', '--inner--', '--outer',
      'Content-Type: application/pdf; name="contract.pdf"', 'Content-Disposition: attachment; filename="contract.pdf"',
      'Content-Transfer-Encoding: base64', '', Buffer.from('%PDF-1.4 binary\u0000\u00ff').toString('base64'), '--outer--', '']),
  ),
  forwarded: Buffer.from(
    crlf(['From: rep2@vendor.test', 'To: rep@vendor.test', 'Subject: Fwd: Question', 'Content-Type: multipart/mixed; boundary="f"', '',
      '--f', 'Content-Type: text/plain', '', 'FYI below', '--f', 'Content-Type: message/rfc822', '',
      'From: Luis <luis@prospect.test>', 'Subject: Question', 'Content-Type: text/plain', '', 'Can we meet?', '--f--', '']),
  ),
  latin1: Buffer.concat([
    Buffer.from(crlf(['From: =?ISO-8859-1?Q?Jos=E9_Lim=E3o?= <jose@client.test>', 'To: rep@vendor.test',
      'Subject: =?ISO-8859-1?Q?Cota=E7=E3o_de_pre=E7os?=', 'Content-Type: text/plain; charset=ISO-8859-1',
      'Content-Transfer-Encoding: 8bit', '', ''])),
    iconv.encode('Prezado, segue a cotação. Atenção ao prazo.', 'latin1'),
  ]),
  windows1252: Buffer.concat([
    Buffer.from(crlf(['From: fr@client.test', 'To: rep@vendor.test', 'Subject: Quotes', 'Content-Type: text/plain; charset="windows-1252"', '', ''])),
    iconv.encode('“Smart quotes” – and € sign', 'win1252'),
  ]),
  shiftJis: Buffer.concat([
    Buffer.from(crlf(['From: jp@client.test', 'To: rep@vendor.test', 'Subject: =?UTF-8?B?5pel5pys6Kqe44Gu5Lu25ZCN?=',
      'Content-Type: text/plain; charset=Shift_JIS', 'Content-Transfer-Encoding: 8bit', '', ''])),
    iconv.encode('こんにちは、見積もりです。', 'Shift_JIS'),
  ]),
  huge: Buffer.from(
    crlf(['From: big@client.test', 'To: rep@vendor.test', 'Subject: Huge', 'Content-Type: text/plain; charset=utf-8', '',
      'é'.repeat(200_000), '']),
  ),
  missingHeaders: Buffer.from(crlf(['X-Nothing: here', '', 'just a body with no headers to speak of', ''])),
  garbage: Buffer.from('\u0000\u0001 this is not\r\nreally: mail\r\n\r\n--boundary-without-declaration\r\n'),
};
