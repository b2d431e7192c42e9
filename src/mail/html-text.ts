// HTML bodies as readable text. html-to-text upper-cases headings and table header cells by
// default ("Pedido 4471" became "PEDIDO 4471"); a CRM shows what the author wrote, so case is kept.
// The HTML is bounded first (html-bounds.ts): a parse costs at most a constant, whatever its nesting.
import { convert } from 'html-to-text';
import { boundHtml, stripTags } from './html-bounds.ts';

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
  selector,
  options: { uppercase: false },
}));

const OPTIONS = {
  wordwrap: false as const,
  selectors: [
    ...HEADINGS,
    { selector: 'table', options: { uppercaseHeaderCells: false } },
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
  ],
  // Nesting deeper than this is hostile, not layout; html-to-text stops there instead of recursing.
  limits: { maxDepth: 100 },
};

/** HTML read into text: at most this much of it (UTF-8 bytes); the parser's source limit. */
export const HTML_TEXT_MAX_BYTES = 1024 * 1024;

export interface HtmlText {
  text: string;
  /** The HTML was cut (bytes or tags) before it was read. */
  truncated: boolean;
}

export function htmlToText(
  html: string,
  maxBytes = HTML_TEXT_MAX_BYTES,
  wordwrap: number | false = false,
): HtmlText {
  const bounded = boundHtml(html, maxBytes);
  try {
    return { text: convert(bounded.html, { ...OPTIONS, wordwrap }), truncated: bounded.truncated };
  } catch {
    // Never lose the mail over its markup: tags out, the text left.
    return { text: stripTags(bounded.html), truncated: bounded.truncated };
  }
}

export function htmlAsText(html: string): string {
  return htmlToText(html).text;
}
