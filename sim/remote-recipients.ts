// The people mail from a simulated mailbox goes to, as far as Gmail's user can see them: most
// receive it and say nothing; the control API can make an address bounce (its server accepts the
// mail, then returns it in its own report shape: Exchange, Office 365, Postfix, Exim, Yahoo, qmail,
// or Gmail's own), or answer it automatically (an out-of-office, in English, Portuguese or
// Spanish), or reply as a person. The answer lands in the sender's mailbox like any delivered mail
// (history, push), `delay_ms` after the send.
//   PUT /__sim/recipients/{address} {"answer": "bounce"|"auto_reply"|"reply"|"none",
//     "mta"?, "kind"?: "hard"|"soft", "language"?: "en"|"pt"|"es", "delay_ms"?}
import express, { Router } from 'express';
import { type ForeignMta, foreignBounce } from './foreign-bounce.ts';
import type { GmailStore, SimMailbox } from './gmail-store.ts';
import { type Header, headerValue } from './mime.ts';

export interface RecipientBehaviour {
  answer: 'bounce' | 'auto_reply' | 'reply' | 'none';
  mta?: ForeignMta;
  kind?: 'hard' | 'soft';
  language?: 'en' | 'pt' | 'es';
  delay_ms?: number;
}

const MTAS: ForeignMta[] = ['gmail', 'exchange', 'office365', 'postfix', 'exim', 'yahoo', 'qmail'];

export class RemoteRecipients {
  private readonly behaviours = new Map<string, RecipientBehaviour>();

  set(address: string, behaviour: RecipientBehaviour): void {
    if (behaviour.answer === 'none') this.behaviours.delete(address.toLowerCase());
    else this.behaviours.set(address.toLowerCase(), behaviour);
  }

  clear(): void {
    this.behaviours.clear();
  }

  /** After a send from `mb`: the recipients' answers, each delivered to `mb` after its delay. */
  answer(
    store: GmailStore,
    mb: SimMailbox,
    sent: Header[],
    recipients: string[],
    threadId: string,
  ): void {
    for (const recipient of recipients) {
      const address = (/<([^>]+)>/.exec(recipient)?.[1] ?? recipient).trim().toLowerCase();
      const behaviour = this.behaviours.get(address);
      if (!behaviour) continue;
      const raw = answerFor(behaviour, mb.email, address, sent);
      // Gmail threads its own report, and an answer that references the mail, with the mail
      // (an auto-reply's "Automatic reply:" subject included); a foreign server's report gets no
      // such promise (Gmail documents none), so it is threaded by the headers and subject alone,
      // which keeps it apart: the service must find it by search (its text names the recipient).
      const joins = behaviour.answer !== 'bounce' || behaviour.mta === 'gmail';
      setTimeout(() => {
        store.insert(mb, raw, {
          labelIds: ['INBOX', 'UNREAD'],
          internalDate: Date.now(),
          ...(joins ? { threadId } : {}),
        });
      }, behaviour.delay_ms ?? 200).unref();
    }
  }
}

function answerFor(b: RecipientBehaviour, owner: string, address: string, sent: Header[]): Buffer {
  if (b.answer === 'bounce')
    return foreignBounce(b.mta ?? 'postfix', b.kind ?? 'hard', owner, address, sent);
  const subject = headerValue(sent, 'Subject') ?? '';
  const messageId = headerValue(sent, 'Message-ID') ?? '';
  const auto = b.answer === 'auto_reply';
  const prefix = { en: 'Automatic reply', pt: 'Resposta automática', es: 'Respuesta automática' }[
    b.language ?? 'en'
  ];
  const lines = [
    `From: ${address}`,
    `To: ${owner}`,
    `Subject: ${auto ? `${prefix}: ${subject}` : `Re: ${subject}`}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@${address.split('@')[1]}>`,
    ...(messageId ? [`In-Reply-To: ${messageId}`, `References: ${messageId}`] : []),
    // RFC 3834 §5: a responder marks its answer; Exchange adds its own header too.
    ...(auto ? ['Auto-Submitted: auto-replied', 'X-Auto-Response-Suppress: All'] : []),
    'Content-Type: text/plain; charset=UTF-8',
    '',
    auto
      ? 'I am out of the office until Monday, with no access to email.'
      : 'Thanks, that works for me.',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

export function recipientsRouter(recipients: RemoteRecipients): Router {
  const router = Router();
  router.put('/__sim/recipients/:address', express.json(), (req, res) => {
    const body = (req.body ?? {}) as RecipientBehaviour;
    if (!['bounce', 'auto_reply', 'reply', 'none'].includes(body.answer)) {
      return res.status(400).json({ error: 'answer must be bounce, auto_reply, reply or none' });
    }
    if (body.mta !== undefined && !MTAS.includes(body.mta)) {
      return res.status(400).json({ error: `mta must be one of ${MTAS.join(', ')}` });
    }
    recipients.set(req.params.address, body);
    res.json({ address: req.params.address.toLowerCase(), ...body });
  });
  return router;
}
