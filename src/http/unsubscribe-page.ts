// The pages behind a one-click unsubscribe link: a button (GET changes nothing: mail scanners and
// link previews fetch every link in a mail), the confirmation, and one answer for any link that is
// not ours, which says nothing about why. No address is shown: the page is reachable by whoever
// holds the link, and the address is what the token hides.
import { escapeHtml } from './page-security.ts';

const STYLE = `body{font:16px/1.6 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:520px;margin:64px auto;padding:0 24px}h1{font-size:22px}
button{font:inherit;padding:10px 20px;border-radius:6px;border:0;background:#2457a8;color:#fff;cursor:pointer}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export function confirmPage(action: string): string {
  return page(
    'Unsubscribe',
    `<h1>Unsubscribe</h1><p>Stop receiving these emails?</p>
<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button></form>`,
  );
}

export function donePage(): string {
  return page(
    'Unsubscribed',
    '<h1>You are unsubscribed</h1><p>You will not receive these emails again.</p>',
  );
}

export function invalidPage(): string {
  return page('Link not valid', '<h1>This link is not valid</h1><p>Nothing was changed.</p>');
}
