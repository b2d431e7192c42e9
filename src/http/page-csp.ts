// A strict Content-Security-Policy for the pages this service renders itself (/admin, /docs):
// nothing loads but the page's own inline <script> and <style> blocks, allowed by their SHA-256
// hashes (CSP Level 2 §4.2.5), and fetches to this origin. A value that slipped past escaping
// could not run a script, load an image or post a form.
import { createHash } from 'node:crypto';

const BLOCK = /<(script|style)>([\s\S]*?)<\/\1>/g;

export function pageCsp(html: string): string {
  const hashes: Record<string, string[]> = { script: [], style: [] };
  for (const [, tag, body] of html.matchAll(BLOCK)) {
    const digest = createHash('sha256')
      .update(body ?? '')
      .digest('base64');
    hashes[tag ?? 'script']?.push(`'sha256-${digest}'`);
  }
  const source = (list: string[] | undefined) => (list?.length ? list.join(' ') : "'none'");
  return [
    "default-src 'none'",
    `script-src ${source(hashes.script)}`,
    `style-src ${source(hashes.style)}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
