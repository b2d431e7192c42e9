// What Gmail's search index holds of one message, and how a term matches it. Gmail matches
// tokens, not substrings (https://support.google.com/mail/answer/7190): an address term matches
// that whole address in From, To, Cc or Bcc, or written in the subject or body (a quoted reply, a
// signature); a domain term matches addresses at that domain or its subdomains, and the domain in
// text. Case does not matter; dots and `+tag` are not folded (`ana.b@x` is not `anab@x`, and
// `ana@x` does not find `ana+crm@x`).
//
// Reply-To, Sender, Delivered-To and the other headers are not indexed. Google documents only
// `from:`, `to:`, `cc:`, `bcc:` and `list:` among the headers; `replyto:` works in filters but is
// undocumented (github.com/mbrt/gmailctl/pull/199), and integrations that needed the Reply-To of
// Google Groups' DMARC rewrites ("Ana via Vendas") had to read the headers themselves
// (github.com/ahochsteger/gmail-processor/issues/516, github.com/rc0/mairix/issues/39). Taking the
// behaviour that loses the most mail, nothing here matches them, and an operator Gmail does not
// document matches nothing.
import addressparser from 'nodemailer/lib/addressparser/index.js';
import { decodeWords } from './charset.ts';
import { type Header, headerValue } from './mime.ts';

export type AddressField = 'from' | 'to' | 'cc' | 'bcc';
const FIELDS: AddressField[] = ['from', 'to', 'cc', 'bcc'];

/** The indexed words of a message, by where they came from. */
export interface SearchDoc {
  /** Each address header: its addresses, and the words of its display names. */
  fields: Record<AddressField, { addresses: string[]; names: Set<string> }>;
  subject: Set<string>;
  /** Words of the subject and the body's first text part (64 KiB). */
  text: Set<string>;
}

/** Gmail's body index reaches far; 64 KiB of a body is all the simulator's tests need. */
const TEXT_CHARS = 65_536;

export function indexMessage(headers: Header[], bodyText: string): SearchDoc {
  const subject = words(decodeWords(headerValue(headers, 'Subject') ?? ''));
  const fields = Object.fromEntries(
    FIELDS.map((f) => [f, addressesOf(headerValue(headers, f) ?? '')]),
  ) as SearchDoc['fields'];
  const text = words(bodyText.slice(0, TEXT_CHARS));
  for (const w of subject) text.add(w);
  return { fields, subject, text };
}

/** Whether `value` (lower-cased) matches the message in one address header, or anywhere. */
export function matchesTerm(doc: SearchDoc, value: string, field?: AddressField): boolean {
  // `@client.com` is the domain: the `@` is punctuation to the tokenizer.
  const v = value.toLowerCase().replace(/^@(?=[^@]+$)/, '');
  const fields = field ? [field] : FIELDS;
  if (fields.some((f) => matchesAddressField(doc.fields[f], v))) return true;
  if (field) return false;
  return [...tokensOf(v)].every((t) => matchesWord(doc.text, t));
}

export function matchesSubject(doc: SearchDoc, value: string): boolean {
  return [...tokensOf(value.toLowerCase())].every((t) => doc.subject.has(t));
}

function matchesAddressField(field: SearchDoc['fields'][AddressField], v: string): boolean {
  if (v.includes('@')) return field.addresses.includes(v);
  if (isDomain(v)) return field.addresses.some((a) => atDomain(a, v));
  return field.names.has(v) || field.addresses.some((a) => a.split('@')[0] === v);
}

/** A word of the text matches a term token: itself, or for a domain an address or host under it. */
function matchesWord(text: Set<string>, t: string): boolean {
  if (text.has(t)) return true;
  if (!isDomain(t) || t.includes('@')) return false;
  for (const w of text) if (atDomain(w, t)) return true;
  return false;
}

function atDomain(word: string, domain: string): boolean {
  return word.endsWith(`@${domain}`) || word.endsWith(`.${domain}`);
}

const isDomain = (v: string) => /^[^\s@]+\.[^\s@.]+$/.test(v);

function addressesOf(value: string): { addresses: string[]; names: Set<string> } {
  let parsed: { name?: string; address?: string }[] = [];
  try {
    parsed = addressparser(value.slice(0, 64 * 1024), { flatten: true });
  } catch {
    parsed = [];
  }
  const names = new Set<string>();
  const addresses: string[] = [];
  for (const p of parsed) {
    const address = (p.address ?? '').trim().toLowerCase();
    if (address.includes('@')) addresses.push(address);
    for (const w of words(decodeWords(p.name ?? ''))) names.add(w);
  }
  return { addresses, names };
}

/**
 * The words Gmail would index: runs of letters, digits and the characters addresses and hosts are
 * made of, without the punctuation that ends a sentence around them ("ana@client.com." is the
 * address); lower-cased.
 */
function words(text: string): Set<string> {
  return tokensOf(text.toLowerCase());
}

function tokensOf(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of text.split(/[^\p{L}\p{N}._%+@'-]+/u)) {
    const w = raw.replace(/^[._'+-]+|[._'+-]+$/g, '');
    if (w) out.add(w);
  }
  return out;
}
