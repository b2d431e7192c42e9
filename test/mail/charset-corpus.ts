// One mail per charset a reader meets, byte for byte as a sender in that charset writes it: the
// subject and sender name as RFC 2047 words (B and Q), the body in 8bit, quoted-printable or
// base64, and an attachment whose name is in the same charset: an RFC 2231 parameter split in
// continuations, or (with base64 bodies, as Outlook writes it) an RFC 2047 word in quotes.
import iconv from 'iconv-lite';

const crlf = (lines: string[]) => lines.join('\r\n');

export interface CharsetSample {
  charset: string;
  subject: string;
  name: string;
  body: string;
  filename: string;
  transfer: '8bit' | 'quoted-printable' | 'base64';
}

const JA = {
  subject: '日本語の件名',
  name: '山田太郎',
  body: 'こんにちは、見積もりです。\n宜しくお願いします。',
  filename: '見積書.txt',
};
const RU = {
  subject: 'Запрос цены',
  name: 'Иван Петров',
  body: 'Здравствуйте, это коммерческое предложение.',
  filename: 'предложение.txt',
};

export const charsetSamples: CharsetSample[] = [
  { charset: 'ISO-2022-JP', ...JA, transfer: '8bit' },
  { charset: 'Shift_JIS', ...JA, transfer: 'base64' },
  { charset: 'EUC-JP', ...JA, transfer: '8bit' },
  {
    charset: 'EUC-KR',
    subject: '견적 요청',
    name: '김민수',
    body: '안녕하세요, 견적서입니다.',
    filename: '견적서.txt',
    transfer: 'base64',
  },
  {
    charset: 'GB18030',
    subject: '报价请求',
    name: '王伟',
    body: '您好，这是报价单。𠮷 €',
    filename: '报价单.txt',
    transfer: '8bit',
  },
  {
    charset: 'GB2312',
    subject: '报价请求',
    name: '王伟',
    body: '您好，这是报价单。',
    filename: '报价单.txt',
    transfer: 'quoted-printable',
  },
  {
    charset: 'Big5',
    subject: '報價請求',
    name: '陳大文',
    body: '您好，這是報價單。',
    filename: '報價單.txt',
    transfer: '8bit',
  },
  { charset: 'KOI8-R', ...RU, transfer: '8bit' },
  { charset: 'windows-1251', ...RU, transfer: 'quoted-printable' },
  { charset: 'ISO-8859-5', ...RU, transfer: 'base64' },
  {
    charset: 'windows-1252',
    subject: '“Quotes” – €',
    name: 'François Müller',
    body: '“Smart quotes” – and € sign, naïve café.',
    filename: 'résumé.txt',
    transfer: 'quoted-printable',
  },
  {
    charset: 'ISO-8859-1',
    subject: 'Cotação de preços',
    name: 'José Limão',
    body: 'Prezado, segue a cotação. Atenção ao prazo.',
    filename: 'cotação.txt',
    transfer: '8bit',
  },
  {
    charset: 'ISO-8859-2',
    subject: 'Zapytanie ofertowe',
    name: 'Paweł Łukasz',
    body: 'Dzień dobry, oto oferta. Zażółć gęślą jaźń.',
    filename: 'oferta żółta.txt',
    transfer: '8bit',
  },
  {
    charset: 'windows-1250',
    subject: 'Žádost o nabídku',
    name: 'Jiří Dvořák',
    body: 'Dobrý den, posílám nabídku. Příliš žluťoučký kůň.',
    filename: 'nabídka.txt',
    transfer: 'quoted-printable',
  },
  {
    charset: 'ISO-8859-15',
    subject: 'Prix en €',
    name: 'Œdipe',
    body: 'Le prix est de 40 € - œuvre, Ÿ.',
    filename: 'prix€.txt',
    transfer: '8bit',
  },
  {
    charset: 'windows-1253',
    subject: 'Προσφορά',
    name: 'Γιώργος',
    body: 'Καλημέρα, ορίστε η προσφορά.',
    filename: 'προσφορά.txt',
    transfer: '8bit',
  },
  {
    charset: 'ISO-8859-7',
    subject: 'Προσφορά',
    name: 'Γιώργος',
    body: 'Καλημέρα, ορίστε η προσφορά.',
    filename: 'προσφορά.txt',
    transfer: 'base64',
  },
  {
    charset: 'windows-1256',
    subject: 'عرض سعر',
    name: 'أحمد',
    body: 'مرحبا، هذا عرض السعر.',
    filename: 'عرض.txt',
    transfer: '8bit',
  },
  {
    charset: 'ISO-8859-9',
    subject: 'Fiyat teklifi',
    name: 'Şükrü Öztürk',
    body: 'Merhaba, teklif ektedir. Ğğ İı Şş.',
    filename: 'teklif.txt',
    transfer: '8bit',
  },
  {
    charset: 'windows-874',
    subject: 'ใบเสนอราคา',
    name: 'สมชาย',
    body: 'สวัสดีครับ นี่คือใบเสนอราคา',
    filename: 'ใบเสนอราคา.txt',
    transfer: 'base64',
  },
  {
    charset: 'UTF-8',
    subject: 'Olá 👋 – ✓',
    name: 'Zoë Ærøskøbing',
    body: 'Olá, tudo bem? 👋 ✓',
    filename: 'relatório ✓.txt',
    transfer: 'quoted-printable',
  },
];

/** Text in a charset; ISO-2022-JP (which iconv-lite cannot write) from EUC-JP's JIS X 0208 rows. */
export function encodeIn(text: string, charset: string): Buffer {
  if (charset.toUpperCase() !== 'ISO-2022-JP') return iconv.encode(text, charset);
  const out: number[] = [];
  let kanji = false;
  for (const ch of text) {
    const euc = iconv.encode(ch, 'EUC-JP');
    const wide = euc.length === 2;
    if (wide !== kanji) out.push(...(wide ? [0x1b, 0x24, 0x42] : [0x1b, 0x28, 0x42]));
    kanji = wide;
    out.push(...(wide ? [...euc].map((b) => b & 0x7f) : [...euc]));
  }
  if (kanji) out.push(0x1b, 0x28, 0x42);
  return Buffer.from(out);
}

function qp(bytes: Buffer): string {
  const encoded = [...bytes]
    .map((b) =>
      (b >= 33 && b <= 126 && b !== 61) || b === 32
        ? String.fromCharCode(b)
        : `=${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
  return encoded.replace(/(.{72})/g, '$1=\r\n');
}

const bWord = (text: string, charset: string) =>
  `=?${charset}?B?${encodeIn(text, charset).toString('base64')}?=`;
const qWord = (text: string, charset: string) =>
  `=?${charset}?Q?${[...encodeIn(text, charset)].map((b) => (/[A-Za-z0-9]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('')}?=`;
const rfc2231 = (text: string, charset: string) =>
  `${charset}'xx'${[...encodeIn(text, charset)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')}`;

export function charsetMail(s: CharsetSample): Buffer {
  const bodyBytes = encodeIn(s.body.replace(/\n/g, '\r\n'), s.charset);
  const body =
    s.transfer === 'base64'
      ? Buffer.from(bodyBytes.toString('base64').replace(/(.{76})/g, '$1\r\n'))
      : s.transfer === 'quoted-printable'
        ? Buffer.from(qp(bodyBytes))
        : bodyBytes;
  const name = rfc2231(s.filename, s.charset);
  // Each RFC 2231 segment is encoded on its own: split before a `%`, never inside one.
  const half = Math.max(name.indexOf('%'), name.indexOf('%', Math.ceil(name.length / 2)));
  return Buffer.concat([
    Buffer.from(
      crlf([
        `From: ${qWord(s.name, s.charset)} <sender@client.test>`,
        'To: rep@vendor.test',
        `Subject: ${bWord(s.subject, s.charset)}`,
        'Date: Tue, 24 Nov 2026 09:00:00 +0000',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="cs-b"',
        '',
        '--cs-b',
        `Content-Type: text/plain; charset="${s.charset}"`,
        `Content-Transfer-Encoding: ${s.transfer}`,
        '',
        '',
      ]),
    ),
    body,
    Buffer.from(
      crlf([
        '',
        '--cs-b',
        'Content-Type: application/octet-stream',
        'Content-Transfer-Encoding: base64',
        ...(s.transfer === 'base64'
          ? [`Content-Disposition: attachment; filename="${bWord(s.filename, s.charset)}"`]
          : // RFC 2231 §3 continuations: the charset-tagged name split in two extended segments.
            [
              `Content-Disposition: attachment; filename*0*=${name.slice(0, half)};`,
              ` filename*1*=${name.slice(half)}`,
            ]),
        '',
        Buffer.from('attachment bytes').toString('base64'),
        '--cs-b--',
        '',
      ]),
    ),
  ]);
}
