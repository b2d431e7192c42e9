// Every string the parser returns passes here on its way out: PostgreSQL `text` cannot hold NUL,
// JSON and the CRM should not see lone surrogates or control characters, and a header a stranger
// wrote must not be a megabyte long by the time it is a subject line.

/** C0 control characters except tab and newline (carriage returns are turned into newlines). */
const char = (code: number) => String.fromCharCode(code);
const CONTROL = new RegExp(
  `[${char(0)}-${char(8)}${char(11)}${char(12)}${char(14)}-${char(31)}${char(127)}]`,
  'g',
);

/** Body text: newlines kept (CRLF → LF), NUL and other control characters dropped, lone surrogates → U+FFFD. */
export function cleanText(text: string): string {
  return text.toWellFormed().replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

/** A one-line value (subject, name, file name): whitespace runs as one space, at most `maxChars` characters. */
export function cleanLine(text: string, maxChars: number): string {
  const line = cleanText(text).replace(/\s+/g, ' ').trim();
  if (line.length <= maxChars) return line;
  // Cut by code point so no surrogate pair is split.
  return [...line.slice(0, maxChars * 2)].slice(0, maxChars).join('').trimEnd();
}

/** Cut to at most `limit` UTF-8 bytes on a character boundary; says whether it cut. */
export function capUtf8(text: string, limit: number): [string, boolean] {
  if (text.length <= limit / 3 || Buffer.byteLength(text, 'utf8') <= limit) return [text, false];
  const cut = Buffer.from(text.slice(0, limit), 'utf8').subarray(0, limit).toString('utf8');
  // A character cut in half decodes as U+FFFD at the end: drop it.
  return [cut.replace(/\uFFFD$/, ''), true];
}
