// Recipients of a mail the CRM sends, parsed strictly so that the mail goes exactly where the CRM
// showed: one address per entry, and a display name only when it cannot pass for an address.
//
//   parseRecipients(list) → { recipients: Recipient[], errors: RecipientError[] }
//
// An entry is `a@b.test`, `<a@b.test>`, `"Display Name" <a@b.test>` or `Display Name <a@b.test>`.
// Refused, each with its reason: control and format characters anywhere (CR, LF, TAB, NUL,
// U+0085, U+2028, U+2029, bidi overrides… every Cc, Cf, Zl and Zp character, which could start a
// new header or hide part of a name), more than one address, group syntax (`Sales: x@y.test;`),
// comments, a name holding `@` or an encoded word (`=?utf-8?…?=`, which a client would decode to
// something else), an address over 254 octets (RFC 5321 §4.5.3.1.3) or a local part over 64, and
// a name over 128 characters. Internationalised domains are accepted and returned in their ASCII
// (punycode) form, which is what goes on the wire and cannot be mistaken for another domain.
// Errors name the entry by position and say why, without repeating its text.
import { domainToASCII } from 'node:url';

export interface Recipient {
  name?: string;
  /** `local@domain`, the domain lower-cased in ASCII (punycode for IDN). */
  address: string;
}

export type RecipientProblem =
  | 'empty'
  | 'control_character'
  | 'multiple_addresses'
  | 'group_syntax'
  | 'comment'
  | 'address_in_name'
  | 'encoded_name'
  | 'name_too_long'
  | 'address_too_long'
  | 'invalid_address';

export interface RecipientError {
  /** Position of the entry in the list, from 0. */
  index: number;
  problem: RecipientProblem;
  message: string;
}

export const MAX_ADDRESS_OCTETS = 254;
export const MAX_NAME_CHARS = 128;
const MAX_ENTRY_CHARS = 512;

const EXPLANATION: Record<RecipientProblem, string> = {
  empty: 'is empty',
  control_character: 'contains a control or invisible formatting character',
  multiple_addresses: 'holds more than one address (give one address per entry)',
  group_syntax: 'uses group syntax (give each address as its own entry)',
  comment: 'contains a comment in parentheses',
  address_in_name: 'has a display name containing "@" (a name must not look like an address)',
  encoded_name: 'has a display name containing an encoded word ("=?")',
  name_too_long: `has a display name over ${MAX_NAME_CHARS} characters`,
  address_too_long: `has an address over ${MAX_ADDRESS_OCTETS} octets or a local part over 64`,
  invalid_address: 'is not a valid email address',
};

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const QUOTED_NAME = /^"((?:[^"\\]|\\.)*)"\s*<([^<>]*)>$/;
const PLAIN_NAME = /^([^"<>]*?)\s*<([^<>]*)>$/;
const NAME_SPECIALS = /[,;:()[\]\\]/;
const LOCAL_PART =
  /^[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function parseRecipients(list: readonly string[]): {
  recipients: Recipient[];
  errors: RecipientError[];
} {
  const recipients: Recipient[] = [];
  const errors: RecipientError[] = [];
  list.forEach((entry, index) => {
    const parsed = parseRecipient(entry);
    if (typeof parsed === 'string') {
      errors.push({
        index,
        problem: parsed,
        message: `recipient ${index + 1} ${EXPLANATION[parsed]}`,
      });
    } else {
      recipients.push(parsed);
    }
  });
  return { recipients, errors };
}

/** One entry: the recipient, or why it is refused. */
export function parseRecipient(entry: string): Recipient | RecipientProblem {
  if (INVISIBLE.test(entry)) return 'control_character';
  const text = entry.trim();
  if (!text) return 'empty';
  if (text.length > MAX_ENTRY_CHARS) return 'address_too_long';
  const quoted = QUOTED_NAME.exec(text);
  if (quoted) return withName(quoted[1]?.replace(/\\(.)/g, '$1') ?? '', quoted[2] ?? '', false);
  const plain = PLAIN_NAME.exec(text);
  if (plain) return withName(plain[1] ?? '', plain[2] ?? '', true);
  return problemOf(text) ?? parseAddress(text);
}

function withName(
  rawName: string,
  rawAddress: string,
  unquoted: boolean,
): Recipient | RecipientProblem {
  const name = rawName.replace(/\s+/g, ' ').trim();
  if (name.includes('@')) return 'address_in_name';
  if (name.includes('=?')) return 'encoded_name';
  if (unquoted && /[()]/.test(name)) return 'comment';
  if (unquoted && /:/.test(name)) return 'group_syntax';
  if (unquoted && NAME_SPECIALS.test(name)) return 'multiple_addresses';
  if (name.length > MAX_NAME_CHARS) return 'name_too_long';
  const address = parseAddress(rawAddress.trim());
  if (typeof address === 'string') return address;
  return name ? { name, address: address.address } : address;
}

// Why a bare entry that is not a plain address fails, for a useful message.
function problemOf(text: string): RecipientProblem | null {
  if (/[()]/.test(text)) return 'comment';
  if (/^[^"@<]*:/.test(text)) return 'group_syntax';
  if (/[,;<>]|@.*@|\s/.test(text)) return 'multiple_addresses';
  return null;
}

function parseAddress(text: string): Recipient | RecipientProblem {
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return 'invalid_address';
  const local = text.slice(0, at);
  if (Buffer.byteLength(local) > 64 || Buffer.byteLength(text) > MAX_ADDRESS_OCTETS)
    return 'address_too_long';
  const domain = asciiDomain(text.slice(at + 1));
  if (!LOCAL_PART.test(local) || !domain) return 'invalid_address';
  const address = `${local}@${domain}`;
  if (Buffer.byteLength(local) > 64 || Buffer.byteLength(address) > MAX_ADDRESS_OCTETS)
    return 'address_too_long';
  return { address };
}

// IDNA to ASCII as the WHATWG URL standard does it; then every label must be a hostname label and
// the top-level one not numeric (no IP addresses, no domain literals).
function asciiDomain(domain: string): string | null {
  if (/[[\]/?#%\\]/.test(domain)) return null;
  const ascii = domainToASCII(domain);
  const labels = ascii.split('.');
  if (!ascii || ascii.length > 253 || labels.length < 2) return null;
  if (!labels.every((l) => DOMAIN_LABEL.test(l)) || /^\d+$/.test(labels.at(-1) ?? '')) return null;
  return ascii;
}
