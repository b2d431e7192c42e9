// Raw multipart mail for tests: a text and an HTML alternative, then attachments (inline images
// with a Content-ID, or files), base64 in 76-character lines as mail clients write them.
let counter = 0;

export interface MailFile {
  filename?: string;
  contentType: string;
  bytes: Buffer;
  contentId?: string;
}

export function multipartMail(m: {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  files?: MailFile[];
  headers?: Record<string, string>;
}): string {
  counter += 1;
  const mixed = `mixed-${counter}`;
  const alt = `alt-${counter}`;
  const lines = [
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${m.subject}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <multipart-${counter}-${Date.now()}@example.test>`,
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${mixed}"`,
    '',
    `--${mixed}`,
    `Content-Type: multipart/alternative; boundary="${alt}"`,
    '',
    `--${alt}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(Buffer.from(m.text, 'utf8')),
    ...(m.html
      ? [
          `--${alt}`,
          'Content-Type: text/html; charset=utf-8',
          'Content-Transfer-Encoding: base64',
          '',
          base64Lines(Buffer.from(m.html, 'utf8')),
        ]
      : []),
    `--${alt}--`,
    ...(m.files ?? []).flatMap((f) => [
      `--${mixed}`,
      `Content-Type: ${f.contentType}${f.filename && isAscii(f.filename) ? `; name="${f.filename}"` : ''}`,
      'Content-Transfer-Encoding: base64',
      ...(f.contentId ? [`Content-ID: <${f.contentId}>`, 'Content-Disposition: inline'] : []),
      ...(f.filename && !f.contentId
        ? [`Content-Disposition: attachment; filename*=UTF-8''${encodeURIComponent(f.filename)}`]
        : []),
      '',
      base64Lines(f.bytes),
    ]),
    `--${mixed}--`,
    '',
  ];
  return lines.join('\r\n');
}

const isAscii = (s: string) => /^[\x20-\x7e]*$/.test(s);

function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}
