// Raw RFC 5322 messages for tests, written out by hand so the test states exactly what Gmail receives.
let counter = 0;

export function rawMail(m: {
  from: string;
  to: string;
  cc?: string;
  subject?: string;
  body?: string;
  date?: Date;
  messageId?: string;
  headers?: Record<string, string>;
}): string {
  counter += 1;
  const lines = [
    `From: ${m.from}`,
    `To: ${m.to}`,
    ...(m.cc ? [`Cc: ${m.cc}`] : []),
    `Subject: ${m.subject ?? `Test mail ${counter}`}`,
    `Date: ${(m.date ?? new Date()).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${m.messageId ?? `<test-${counter}-${Date.now()}@example.test>`}`,
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    m.body ?? `Body of test mail ${counter}.`,
    '',
  ];
  return lines.join('\r\n');
}
