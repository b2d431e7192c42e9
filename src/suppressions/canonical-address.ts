// How two addresses are compared for suppression. Case never matters (RFC 5321 lets a server treat
// the local part case-sensitively; no mail provider in use does, and a CRM writes the same person's
// address in both cases). At gmail.com and googlemail.com, which are one mailbox service, dots in
// the local part and a `+tag` never change the mailbox
// (https://support.google.com/mail/answer/7436150, https://support.google.com/mail/answer/22370):
// `Ana.Lima+news@gmail.com` is `analima@gmail.com`, so one who unsubscribed under one form is not
// written to under another. Elsewhere a dot or a `+` may well name another person (plus addressing
// is a per-server choice, and dots are significant at most providers), so nothing else is folded.

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

export function canonicalAddress(address: string): string {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at <= 0) return lower;
  const domain = lower.slice(at + 1);
  if (!GMAIL_DOMAINS.has(domain)) return lower;
  const local = lower.slice(0, at).split('+')[0]?.replaceAll('.', '') ?? '';
  return `${local}@gmail.com`;
}
