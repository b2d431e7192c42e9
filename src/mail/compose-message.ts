// MIME out, composed by nodemailer's MailComposer: encoded-word headers, multipart/alternative when
// both bodies are given (text derived from HTML when only HTML is, unless the HTML is too large
// to read whole within html-bounds.ts's limit: then it goes alone), attachments, Message-ID,
// threading headers. Bcc is kept in the raw: Gmail's messages.send reads recipients from it and
// strips it itself.
import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { MailAddress } from './addresses.ts';
import { htmlToText } from './html-text.ts';

export interface ComposeInput {
  from: MailAddress;
  to: MailAddress[];
  cc?: MailAddress[];
  bcc?: MailAddress[];
  subject: string;
  text?: string;
  html?: string;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
  inReplyTo?: string;
  references?: string[];
  messageIdDomain?: string;
  /** Extra headers, as given (e.g. RFC 8058's List-Unsubscribe and List-Unsubscribe-Post). */
  headers?: Record<string, string>;
}

const asAddress = (a: MailAddress) => ({ name: a.name, address: a.email });

export async function composeMessage(input: ComposeInput): Promise<Buffer> {
  const domain = input.messageIdDomain ?? input.from.email.split('@')[1] ?? 'localhost';
  const text = input.text ?? textAlternative(input.html);
  const composer = new MailComposer({
    from: asAddress(input.from),
    to: input.to.map(asAddress),
    ...(input.cc?.length ? { cc: input.cc.map(asAddress) } : {}),
    ...(input.bcc?.length ? { bcc: input.bcc.map(asAddress) } : {}),
    subject: input.subject,
    ...(text !== undefined ? { text } : {}),
    ...(input.html !== undefined ? { html: input.html } : {}),
    attachments: (input.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
    })),
    messageId: `<${randomUUID()}@${domain}>`,
    ...(input.inReplyTo ? { inReplyTo: input.inReplyTo } : {}),
    ...(input.references?.length ? { references: input.references } : {}),
    date: new Date(),
    ...(input.headers ? { headers: input.headers } : {}),
  });
  const node = composer.compile();
  node.keepBcc = true;
  return node.build();
}

/** The plain alternative of an HTML-only mail; none when only part of the HTML could be read. */
function textAlternative(html: string | undefined): string | undefined {
  if (html === undefined) return '';
  const read = htmlToText(html, Number.POSITIVE_INFINITY, 78);
  return read.truncated ? undefined : read.text;
}
