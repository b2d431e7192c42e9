// Which mails may be logged at all, before any entity is matched: drafts, spam, trash, the
// mailbox's excluded labels, blocked domains and addresses, and internal-only mail.
import type { MailboxSettings } from '../db/schema.ts';
import type { MailAddress, ParsedMail } from '../mail/parse-message.ts';

const NEVER_LOGGED = ['DRAFT', 'SPAM', 'TRASH'];

export type SkipReason =
  | 'draft_spam_trash'
  | 'excluded_label'
  | 'blocked'
  | 'internal'
  | 'no_counterpart';

/** Label ids alone decide some skips before a message is even fetched (history carries them). */
export function skippedByLabels(
  labelIds: readonly string[],
  settings: MailboxSettings,
): SkipReason | null {
  if (labelIds.some((l) => NEVER_LOGGED.includes(l))) return 'draft_spam_trash';
  if (labelIds.some((l) => settings.excluded_labels.includes(l))) return 'excluded_label';
  return null;
}

/** Everyone on the mail other than the mailbox owner, de-duplicated, in header order. */
export function counterparts(mail: ParsedMail, ownerEmail: string): MailAddress[] {
  const seen = new Set<string>([ownerEmail.toLowerCase()]);
  const out: MailAddress[] = [];
  for (const a of [mail.from, ...mail.to, ...mail.cc, ...mail.replyTo]) {
    if (!a || seen.has(a.email)) continue;
    seen.add(a.email);
    out.push(a);
  }
  return out;
}

export function skipReason(
  mail: ParsedMail,
  ownerEmail: string,
  settings: MailboxSettings,
): SkipReason | null {
  const byLabel = skippedByLabels(mail.labelIds, settings);
  if (byLabel) return byLabel;
  const others = counterparts(mail, ownerEmail);
  if (others.length === 0) return 'no_counterpart';
  const blockedDomains = settings.blocked_domains.map((d) => d.toLowerCase());
  const blockedAddresses = settings.blocked_addresses.map((a) => a.toLowerCase());
  if (
    others.some(
      (a) => blockedAddresses.includes(a.email) || blockedDomains.includes(domainOf(a.email)),
    )
  ) {
    return 'blocked';
  }
  const ownDomain = domainOf(ownerEmail);
  if (!settings.log_internal && others.every((a) => domainOf(a.email) === ownDomain))
    return 'internal';
  return null;
}

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}
