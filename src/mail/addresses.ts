// Address headers to addresses: display names with commas and quotes, groups and encoded words
// handled by nodemailer's parser and libmime; addresses lower-cased; entries without an @ dropped.
import libmime from 'libmime';
import addressparser from 'nodemailer/lib/addressparser/index.js';

export interface MailAddress {
  name: string;
  email: string;
}

export function parseAddressList(value: string | null | undefined): MailAddress[] {
  if (!value) return [];
  let parsed: { name: string; address: string }[];
  try {
    parsed = addressparser(value, { flatten: true });
  } catch {
    return [];
  }
  const out: MailAddress[] = [];
  for (const a of parsed) {
    const email = (a.address ?? '').trim().toLowerCase();
    if (!email.includes('@') || /\s/.test(email)) continue;
    out.push({ name: decodeWords(a.name ?? '').trim(), email });
  }
  return out;
}

/** RFC 2047 encoded words (`=?utf-8?B?…?=`) to text; malformed input is returned as it is. */
export function decodeWords(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}
