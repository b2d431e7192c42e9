// HTML bodies as readable text. html-to-text upper-cases headings and table header cells by
// default ("Pedido 4471" became "PEDIDO 4471"); a CRM shows what the author wrote, so case is kept.
import { convert } from 'html-to-text';

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

export function htmlAsText(html: string): string {
  try {
    return convert(html, OPTIONS);
  } catch {
    // Never lose the mail over its markup: tags out, the text left.
    return html.replace(/<[^>]*>/g, ' ').replace(/[ \t]+/g, ' ');
  }
}
