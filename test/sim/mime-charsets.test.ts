import type { gmail_v1 } from 'googleapis';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { deliver, faults, gmailFor } from '../support/sim-gmail.ts';

const OWNER = 'charsets@sim.test';
// ISO-2022-JP, which iconv-lite cannot encode, is JIS X 0208 between ESC $ B and ESC ( B: the
// EUC-JP bytes of the same text with the high bit cleared.
const ISO_2022_JP = Buffer.concat([
  Buffer.from('1b2442', 'hex'),
  Buffer.from(iconv.encode('日本語のメール', 'euc-jp').map((b) => b & 0x7f)),
  Buffer.from('1b2842', 'hex'),
]);

const samples: [charset: string, text: string, bytes: Buffer][] = [
  ['ISO-8859-1', 'Cotação de preços', iconv.encode('Cotação de preços', 'latin1')],
  ['windows-1252', 'Preço “especial” – 10 €', iconv.encode('Preço “especial” – 10 €', 'win1252')],
  ['ISO-2022-JP', '日本語のメール', ISO_2022_JP],
  ['Shift_JIS', '見積書をお送りします', iconv.encode('見積書をお送りします', 'shift_jis')],
  ['EUC-KR', '견적서를 보내드립니다', iconv.encode('견적서를 보내드립니다', 'euc-kr')],
  ['GB18030', '请查收报价单', iconv.encode('请查收报价单', 'gb18030')],
  ['Big5', '請查收報價單', iconv.encode('請查收報價單', 'big5')],
  ['KOI8-R', 'Коммерческое предложение', iconv.encode('Коммерческое предложение', 'koi8-r')],
];

const mail = (contentType: string, encoding: string, body: Buffer) =>
  Buffer.concat([
    Buffer.from(
      `From: a@client.test\r\nTo: ${OWNER}\r\nSubject: charset\r\nMIME-Version: 1.0\r\nContent-Type: ${contentType}\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n`,
    ),
    body,
  ]);

describe('the simulated Gmail, reading text in other charsets', () => {
  let sim: Simulator;
  let gmail: gmail_v1.Gmail;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    ({ gmail } = await gmailFor(sim, OWNER));
    await faults(sim, { quota_units_per_sec: 1_000_000 });
  });
  afterAll(async () => {
    await sim.close();
  });
  const full = async (id: string) =>
    (await gmail.users.messages.get({ userId: 'me', id, format: 'full' })).data;
  const text = (part: gmail_v1.Schema$MessagePart | undefined) =>
    Buffer.from(part?.body?.data ?? '', 'base64url').toString('utf8');

  it('when a text part declares a charset, then format=full serves its text in UTF-8 and keeps the header as written', async () => {
    for (const [charset, expected, bytes] of samples) {
      const contentType = `text/plain; charset="${charset}"`;
      for (const [encoding, body] of [
        ['base64', Buffer.from(bytes.toString('base64'))],
        ['8bit', bytes],
      ] as const) {
        const raw = mail(contentType, encoding, body);
        const { id } = await deliver(sim, OWNER, raw);
        const message = await full(id);
        expect(text(message.payload), `${charset} ${encoding}`).toBe(expected);
        expect(message.payload?.body?.size).toBe(Buffer.byteLength(expected));
        expect(message.payload?.headers).toContainEqual({
          name: 'Content-Type',
          value: contentType,
        });
        const asRaw = await gmail.users.messages.get({ userId: 'me', id, format: 'raw' });
        expect(Buffer.from(asRaw.data.raw ?? '', 'base64url').equals(raw)).toBe(true);
      }
    }
  });

  it('when a multipart mail mixes charsets, then each text part is UTF-8 and attachments keep their bytes', async () => {
    const latin = iconv.encode('Olá, segue a proposta.', 'latin1');
    const html = iconv.encode('<p>Preço: 10 €</p>', 'win1252');
    const raw = Buffer.concat([
      Buffer.from(
        `From: a@client.test\r\nTo: ${OWNER}\r\nSubject: mixed\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: multipart/alternative; boundary="b2"\r\n\r\n--b2\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nOl=E1, segue a proposta.\r\n--b2\r\nContent-Type: text/html; charset=windows-1252\r\nContent-Transfer-Encoding: base64\r\n\r\n${html.toString('base64')}\r\n--b2--\r\n--b1\r\nContent-Type: text/plain; charset=iso-8859-1; name="nota.txt"\r\nContent-Disposition: attachment; filename="nota.txt"\r\nContent-Transfer-Encoding: base64\r\n\r\n${latin.toString('base64')}\r\n--b1\r\nContent-Type: text/plain; charset=x-unknown-charset\r\n\r\n`,
      ),
      Buffer.from([0x41, 0xe9, 0x42]),
      Buffer.from('\r\n--b1--\r\n'),
    ]);
    const { id } = await deliver(sim, OWNER, raw);
    const message = await full(id);
    const [alternative, attachment, unknown] = message.payload?.parts ?? [];
    expect(text(alternative?.parts?.[0])).toBe('Olá, segue a proposta.');
    expect(text(alternative?.parts?.[1])).toBe('<p>Preço: 10 €</p>');
    expect(message.snippet).toBe('Olá, segue a proposta.');
    const data = await gmail.users.messages.attachments.get({
      userId: 'me',
      messageId: id,
      id: attachment?.body?.attachmentId ?? '',
    });
    expect(Buffer.from(data.data.data ?? '', 'base64url').equals(latin)).toBe(true);
    // A charset Gmail does not know leaves the bytes as they came.
    expect(Buffer.from(unknown?.body?.data ?? '', 'base64url')).toEqual(
      Buffer.from([0x41, 0xe9, 0x42]),
    );
  });
});
