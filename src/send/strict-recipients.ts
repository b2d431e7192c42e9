// The recipients of a send, strictly: one plain address per entry (recipients.ts), refused whole
// with the first bad entry's position.
import { AppError } from '../app-error.ts';
import type { MailAddress } from '../mail/addresses.ts';
import { parseRecipients } from '../mail/recipients.ts';

/**
 * One plain address per entry, a display name only when it cannot pass for an address: the mail
 * goes exactly where the CRM showed (a line separator, a tab, group syntax or an address hidden in
 * a name would send it elsewhere). Any bad entry refuses the whole send.
 */
export function strictRecipients(
  req: Partial<Record<'to' | 'cc' | 'bcc', string[] | undefined>>,
): Record<'to' | 'cc' | 'bcc', MailAddress[]> {
  const field = (name: 'to' | 'cc' | 'bcc'): MailAddress[] => {
    const { recipients, errors } = parseRecipients(req[name] ?? []);
    const first = errors[0];
    if (first) {
      throw new AppError('invalid_request', `${name}: ${first.message}`, {
        details: { field: name, index: first.index, problem: first.problem },
      });
    }
    return recipients.map((r) => ({ name: r.name ?? '', email: r.address.toLowerCase() }));
  };
  return { to: field('to'), cc: field('cc'), bcc: field('bcc') };
}
