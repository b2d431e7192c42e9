// Text in a declared charset → a JavaScript string, with Node's WHATWG TextDecoder (full ICU:
// ISO-8859-x, windows-125x, ISO-2022-JP, Shift_JIS, EUC-JP, EUC-KR, GB18030, Big5, KOI8-R…), and
// RFC 2047 encoded words, as a mail reader (and Gmail, comparing subjects) sees them.

/** The bytes decoded from `charset`; undefined when the charset is unknown. */
export function decodeCharset(bytes: Uint8Array, charset: string): string | undefined {
  const label = charset.trim().replace(/^"|"$/g, '').replace(/\*.*$/, '');
  try {
    return new TextDecoder(label || 'utf-8').decode(bytes);
  } catch {
    return undefined;
  }
}

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

/** RFC 2047: decodes every encoded word; the whitespace between two adjacent ones is dropped. */
export function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(ENCODED_WORD, (word, charset: string, encoding: string, text: string) => {
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text
                .replace(/_/g, ' ')
                .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
                  String.fromCharCode(Number.parseInt(hex, 16)),
                ),
              'latin1',
            );
      return decodeCharset(bytes, charset) ?? word;
    });
}
