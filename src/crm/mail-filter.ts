// Which mails may be logged at all, before any entity is matched: drafts, spam, trash, the
// mailbox's excluded labels, blocked domains and addresses, and internal-only mail. The owner is
// every address of the mailbox: the primary and its verified send-as aliases.
import type { MailboxSettings } from '../db/schema.ts';
import type { MailAddress, ParsedMail } from '../mail/parse-message.ts';
import { isFreeMailDomain } from './free-mail.ts';

const NEVER_LOGGED = ['DRAFT', 'SPAM', 'TRASH'];

export type SkipReason =
  | 'draft_spam_trash'
  | 'excluded_label'
  | 'blocked'
  | 'internal'
  | 'no_counterpart'
  /** A bounce: recorded by outcomes/, never an activity. */
  | 'delivery_report'
  /** A participant was erased from the org (org/erase-person.ts): never logged again. */
  | 'erased';

/** Label ids alone decide some skips before a message is even fetched (history carries them). */
export function skippedByLabels(
  labelIds: readonly string[],
  settings: MailboxSettings,
): SkipReason | null {
  if (labelIds.some((l) => NEVER_LOGGED.includes(l))) return 'draft_spam_trash';
  if (labelIds.some((l) => settings.excluded_labels.includes(l))) return 'excluded_label';
  return null;
}

/** The owner's addresses, lower-cased: one address, or the primary and its aliases. */
export type OwnerAddresses = string | readonly string[];
const ownerList = (owner: OwnerAddresses): string[] =>
  (typeof owner === 'string' ? [owner] : [...owner]).map((a) => a.toLowerCase());

/** Every address on the mail, the owner's and Bcc (a sender's own copy keeps it) included. */
export function everyAddress(mail: ParsedMail): string[] {
  const all = [mail.from, ...mail.to, ...mail.cc, ...mail.replyTo, ...(mail.bcc ?? [])];
  return all.flatMap((a) => (a ? [a.email] : []));
}

/** Mail from any of the owner's addresses, or that Gmail labels SENT: the activity's direction. */
export function isSent(mail: ParsedMail, owner: string | readonly string[]): boolean {
  const owners = (typeof owner === 'string' ? [owner] : owner).map((a) => a.toLowerCase());
  return (mail.from !== null && owners.includes(mail.from.email)) || mail.labelIds.includes('SENT');
}

/**
 * Everyone on the mail other than the mailbox owner (any of its addresses), de-duplicated, in header
 * order: From, To, Cc, Bcc, Reply-To. Bcc counts only on the owner's own copy of mail it sent:
 * Gmail keeps the header there (its "Show original" of a sent mail shows it) and a recipient's copy
 * never has one (RFC 5322 §3.6.3), so a Bcc on received mail is a sender's mistake, not a party.
 */
export function counterparts(mail: ParsedMail, owner: OwnerAddresses): MailAddress[] {
  const seen = new Set<string>(ownerList(owner));
  const out: MailAddress[] = [];
  for (const a of participants(mail, owner)) {
    if (!a || seen.has(a.email)) continue;
    seen.add(a.email);
    out.push(a);
  }
  return out;
}

export function skipReason(
  mail: ParsedMail,
  owner: OwnerAddresses,
  settings: MailboxSettings,
): SkipReason | null {
  const byLabel = skippedByLabels(mail.labelIds, settings);
  if (byLabel) return byLabel;
  const others = counterparts(mail, owner);
  if (others.length === 0) return betweenOwnAddresses(mail, owner) ? 'internal' : 'no_counterpart';
  const blockedDomains = settings.blocked_domains.map((d) => d.toLowerCase());
  const blockedAddresses = settings.blocked_addresses.map((a) => a.toLowerCase());
  if (
    others.some(
      (a) => blockedAddresses.includes(a.email) || blockedDomains.includes(domainOf(a.email)),
    )
  ) {
    return 'blocked';
  }
  const own = ownDomains(owner);
  if (!settings.log_internal && others.every((a) => own.has(domainOf(a.email)))) return 'internal';
  return null;
}

/** Called when no one but the owner is on the mail: more than one of its addresses (the primary
 * and an alias) is mail between the owner's addresses. */
function betweenOwnAddresses(mail: ParsedMail, owner: OwnerAddresses): boolean {
  const people = participants(mail, owner).flatMap((a) => (a ? [a.email] : []));
  return new Set(people).size > 1;
}

function participants(mail: ParsedMail, owner: OwnerAddresses): (MailAddress | null)[] {
  const bcc = isSent(mail, owner) ? mail.bcc : [];
  return [mail.from, ...mail.to, ...mail.cc, ...bcc, ...mail.replyTo];
}

/** The owner's own domains: those of its addresses, less free mail (a Gmail user's colleagues are
 * not everyone at gmail.com). */
export function ownDomains(owner: OwnerAddresses): Set<string> {
  return new Set(
    ownerList(owner)
      .map(domainOf)
      .filter((d) => !isFreeMailDomain(d)),
  );
}

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}
