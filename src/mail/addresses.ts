// Address headers to addresses: display names with commas and quotes, groups and encoded words
// handled by nodemailer's parser and our RFC 2047 decoder; addresses lower-cased; entries without
// an @, with whitespace, or longer than RFC 5321's 254 characters dropped (no mailbox has them).
import addressparser from 'nodemailer/lib/addressparser/index.js';
import { cleanLine } from './clean-text.ts';
import { decodeWords } from './encoded-words.ts';

export { decodeWords } from './encoded-words.ts';

export interface MailAddress {
  name: string;
  email: string;
}

/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets with its angle brackets. */
const MAX_ADDRESS = 254;
/** Google Workspace's per-message recipient limit; a longer list is a mass mailing or an attack. */
export const MAX_ADDRESSES = 2000;
/** Enough header for MAX_ADDRESSES ordinary addresses; the parser never reads a 1 MB header whole. */
const MAX_HEADER_CHARS = 256 * 1024;

export function parseAddressList(value: string | null | undefined): MailAddress[] {
  if (!value) return [];
  let parsed: { name: string; address: string }[];
  try {
    parsed = addressparser(value.slice(0, MAX_HEADER_CHARS), { flatten: true });
  } catch {
    return [];
  }
  const out: MailAddress[] = [];
  for (const a of parsed) {
    const email = cleanLine(a.address ?? '', MAX_ADDRESS + 1).toLowerCase();
    if (!email.includes('@') || /\s/.test(email) || email.length > MAX_ADDRESS) continue;
    out.push({ name: cleanLine(decodeWords(a.name ?? ''), 256), email });
    if (out.length === MAX_ADDRESSES) break;
  }
  return out;
}
