// Bytes in a named charset to text. Node 24's TextDecoder (full ICU, the WHATWG Encoding
// Standard's labels: ISO-2022-JP, EUC-KR, GB18030, Big5, Shift_JIS, KOI8-R, windows-125x,
// ISO-8859-x…) first, iconv-lite for what WHATWG leaves out (UTF-7, a few legacy labels), and
// UTF-8 with U+FFFD for anything unknown: a charset name written by a stranger never throws.
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/** Labels mail software writes that neither decoder knows under that name. */
const ALIASES: Record<string, string> = {
  'x-user-defined': 'windows-1252',
  'iso-2022-jp-2': 'iso-2022-jp',
  'iso-2022-jp-3': 'iso-2022-jp',
  'x-unknown': 'utf-8',
  unknown: 'utf-8',
  cp932: 'shift_jis',
  ms932: 'shift_jis',
  'x-sjis': 'shift_jis',
};

/** The charset name as a decoder label: lower case, no quotes, RFC 2231 language suffix dropped. */
export function normalizeCharset(charset: string | null | undefined): string {
  const name =
    (charset ?? '')
      .trim()
      .replace(/^["']|["']$/g, '')
      .split('*')[0] ?? '';
  const lower = name.toLowerCase();
  return ALIASES[lower] ?? lower;
}

/** RFC 2045 §5.2: no charset means US-ASCII, which real mail uses for 8-bit text as well. */
const UNDECLARED = new Set(['', 'us-ascii', 'ascii', 'ansi_x3.4-1968', 'us']);

export function decodeBytes(bytes: Uint8Array, charset: string | null | undefined): string {
  const name = normalizeCharset(charset);
  if (UNDECLARED.has(name)) {
    // 8-bit bytes in mail that declares nothing are, in practice, UTF-8 or else Windows-1252.
    return isUtf8(bytes) ? utf8(bytes) : (withDecoder('windows-1252', bytes) ?? utf8(bytes));
  }
  return withDecoder(name, bytes) ?? withIconv(name, bytes) ?? utf8(bytes);
}

function utf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

function withDecoder(label: string, bytes: Uint8Array): string | undefined {
  try {
    // Throws RangeError for labels WHATWG does not know and for its "replacement" encoding
    // (ISO-2022-KR, HZ-GB-2312…), which would turn the whole text into one U+FFFD.
    return new TextDecoder(label).decode(bytes);
  } catch {
    return undefined;
  }
}

function withIconv(label: string, bytes: Uint8Array): string | undefined {
  try {
    return iconv.encodingExists(label) ? iconv.decode(Buffer.from(bytes), label) : undefined;
  } catch {
    return undefined;
  }
}

/** Stateful 7-bit charsets: their bytes are valid UTF-8 too, told apart by their ESC sequences. */
const ESCAPED_7BIT = /^(iso-2022-|csiso2022)/;
const UTF16_32 = /^(utf-?16|utf-?32|ucs-?2|ucs-?4)/;
const UTF7_SHIFT = /\+[A-Za-z0-9+/]{2,}-/;

/**
 * The text of a `text/*` part as Gmail serves it. With `format=full` Gmail converts the data of
 * text parts to UTF-8 and leaves `Content-Type: …; charset=` as the sender wrote it
 * (users.messages.get, MessagePartBody.data; seen from Gmail in production, issue 13 item 1).
 * Other sources (format=raw, our own tests) carry the original bytes. So: valid UTF-8 is taken
 * as UTF-8 (pure ASCII reads the same either way), otherwise the declared charset decodes it.
 * Three exceptions, all valid UTF-8 as bytes: ISO-2022-* text (7-bit) that still holds its ESC
 * sequences is decoded by its charset, UTF-7 text by UTF-7 when it holds a closed shift sequence
 * (`+AOk-`; a bare `1+1` stays as it is), and UTF-16/32 text with NUL bytes by its own.
 */
export function decodeTextData(bytes: Uint8Array, declared: string | null | undefined): string {
  const name = normalizeCharset(declared);
  if (ESCAPED_7BIT.test(name) && bytes.includes(0x1b)) return decodeBytes(bytes, name);
  if (UTF16_32.test(name) && bytes.includes(0)) return decodeBytes(bytes, name);
  if (
    /^(utf-?7|unicode-1-1-utf-7)$/.test(name) &&
    UTF7_SHIFT.test(Buffer.from(bytes).toString('latin1'))
  ) {
    return decodeBytes(bytes, name);
  }
  if (isUtf8(bytes)) return utf8(bytes);
  return decodeBytes(bytes, name);
}
