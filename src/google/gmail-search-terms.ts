// The only terms the service puts in a Gmail search query: plain addresses and domains, which
// Gmail reads as tokens to match. Gmail reads other shapes as syntax
// (https://support.google.com/mail/answer/7190): a leading `-` negates (an RFC-valid address
// `-x@evil.test` inside `{…}` made every search match every mail), `word:` is an operator (`in:`,
// `has:`; a URL saved as a domain has one), quotes make a phrase, parentheses and braces group,
// `OR`/`AND` join, a leading `+` asks for an exact word. A term not of the plain shape is dropped,
// never quoted (how Gmail matches a quoted address in headers is undocumented): the search reports
// itself incomplete, and its callers fetch rather than rely on it.

/** An address is at most 254 characters (RFC 5321's path limit); so is any term we send. */
export const MAX_TERM_CHARS = 254;

// Letters, digits and `_` first; then what plain addresses hold. No `-`, `+` or `.` first, no
// `:`, quotes, parentheses, braces, whitespace anywhere. Written for both JavaScript and
// PostgreSQL's regular expressions (searchSize counts in SQL), matched case-insensitively.
const ADDRESS_SOURCE = "[a-z0-9_][a-z0-9_'+.=-]*@[a-z0-9][a-z0-9.-]*\\.[a-z0-9-]*[a-z0-9]";
const DOMAIN_SOURCE = '[a-z0-9][a-z0-9.-]*\\.[a-z0-9-]*[a-z0-9]';

/** A plain address, a plain domain, or `@` and a plain domain (a retroactive domain search). */
export const PLAIN_TERM_SOURCE = `^(${ADDRESS_SOURCE}|@?${DOMAIN_SOURCE})$`;
const PLAIN_TERM = new RegExp(PLAIN_TERM_SOURCE, 'i');

/** True when Gmail reads `term` as one address or domain token, never as syntax. */
export function isPlainSearchTerm(term: string): boolean {
  // The length first: the pattern backtracks on long input, and no real term is longer.
  return term.length <= MAX_TERM_CHARS && PLAIN_TERM.test(term);
}
