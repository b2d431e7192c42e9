// The bound every HTML body passes before a parser sees it. htmlparser2 (under both html-to-text
// and sanitize-html) keeps its open elements with Array.unshift and looks a closing tag up with
// indexOf, so its time grows with tags × nesting depth: 400,000 nested <div> froze a process for
// 89 s. The number of tags bounds both, so the HTML is cut after MAX_HTML_TAGS tags (opening and
// closing alike) and at a byte budget, always at a tag boundary: the parse then costs at most a
// constant (measured in test/mail/parser-bounds.test.ts: under 150 ms for the worst nesting), and
// this cut itself is one linear scan.

/** Tags (opening and closing) a parser is given; a long newsletter holds a few thousand. */
export const MAX_HTML_TAGS = 10_000;

export interface BoundedHtml {
  html: string;
  /** True when the input was cut. */
  truncated: boolean;
}

/** The start of `html`: at most `maxBytes` of UTF-8 and MAX_HTML_TAGS tags, cut before a tag. */
export function boundHtml(html: string, maxBytes: number, maxTags = MAX_HTML_TAGS): BoundedHtml {
  let text = html;
  let truncated = false;
  if (html.length > maxBytes / 3 && Buffer.byteLength(html) > maxBytes) {
    text = Buffer.from(html.slice(0, maxBytes))
      .subarray(0, maxBytes)
      .toString('utf8')
      .replace(/\uFFFD$/, '');
    // A tag cut in half would be read as text up to the end: cut before it.
    const open = text.lastIndexOf('<');
    if (open > text.lastIndexOf('>')) text = text.slice(0, open);
    truncated = true;
  }
  const tags = /<\/?[a-zA-Z]/g;
  for (let n = 0; ; n++) {
    const found = tags.exec(text);
    if (!found) break;
    if (n === maxTags) return { html: text.slice(0, found.index), truncated: true };
  }
  return { html: text, truncated };
}

/** Tags out, the text left: linear (each `<` is matched up to the next `<` or `>` at most). */
export function stripTags(html: string): string {
  return html.replace(/<[^<>]*>?/g, ' ').replace(/[ \t]+/g, ' ');
}
