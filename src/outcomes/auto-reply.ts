// Auto-replies and out-of-office answers, told apart from a person's reply: RFC 3834's
// Auto-Submitted (any value but `no`), the headers auto-responders set (X-Autoreply, X-Autorespond,
// Exchange's X-Auto-Response-Suppress on its OOF answers), `Precedence: auto_reply`, and the
// subjects responders write in English, Portuguese and Spanish ("Automatic reply:", "Out of
// Office:", "Resposta automática:", "Ausente:", "Respuesta automática:", "Fuera de la oficina:").
import type { ParsedMail } from '../mail/parse-message.ts';

const SUBJECT = new RegExp(
  [
    // English
    'auto(matic|mated)?[ -]?(reply|response|answer)',
    'out of (the )?office',
    'away from (the |my )?office',
    'on vacation',
    'on holiday',
    'on leave',
    'ooo\\b',
    // Portuguese
    'resposta autom[aá]tica',
    'fora do escrit[oó]rio',
    'aus[eê]ncia',
    'ausente\\b',
    'em f[eé]rias',
    // Spanish
    'respuesta autom[aá]tica',
    'fuera de (la )?oficina',
    'ausencia',
    'de vacaciones',
  ]
    .map((p) => `(${p})`)
    .join('|'),
  'i',
);

/** Responders put their words first ("Automatic reply: Proposta"), often after a reply prefix. */
const LEADING = /^\s*((re|fw|fwd|res|rv|aw)\s*:\s*)*/i;

export function isAutoReply(mail: ParsedMail): boolean {
  const auto = mail.autoSubmitted?.trim().toLowerCase();
  if (auto && auto !== 'no') return true;
  if ((mail.autoReplyHeaders?.length ?? 0) > 0) return true;
  if (mail.precedence?.trim().toLowerCase() === 'auto_reply') return true;
  const subject = mail.subject.replace(LEADING, '');
  const at = subject.search(SUBJECT);
  // Only at the start, or as a bracketed tag: "Re: the out of office policy" is a person writing.
  return at === 0 || (at > 0 && /^[[(]/.test(subject));
}
