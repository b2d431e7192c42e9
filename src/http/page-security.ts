// The Content-Security-Policy of the HTML pages this service renders (docs, admin, sign-in, index):
// nothing but our own origin, no inline script, never framed. Each page says what more it needs.
import type { Response } from 'express';

export interface PagePolicy {
  /** Origins the page may call besides its own (the docs' "try it" against PUBLIC_URL). */
  connect?: string[];
}

export function setPagePolicy(res: Response, policy: PagePolicy = {}): void {
  const connect = ["'self'", ...(policy.connect ?? [])].join(' ');
  res.set(
    'content-security-policy',
    [
      "default-src 'none'",
      "script-src 'self'",
      // Our pages carry a <style> block and Swagger UI sets style attributes: styles cannot run code.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "font-src 'self'",
      `connect-src ${connect}`,
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
  );
}

export const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
