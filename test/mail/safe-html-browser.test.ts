// The sanitiser's output as Chromium parses it: the real HTML parser (where mXSS lives), the real
// URL parser, and real script execution and network requests. Skipped without Debian's Chromium,
// like the admin page's browser test (.ci/run installs it).
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Dialog, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sanitizeEmailHtml } from '../../src/mail/safe-html.ts';
import { xssCorpus } from './xss-corpus.ts';

const CHROMIUM = '/usr/bin/chromium';
const CRM = 'http://crm.test';
const resolveCid = () => '/activities/a1/attachments/1';

interface Seen {
  dialogs: number;
  requests: string[];
  dom: string[];
}

const ALLOWED = new Set(
  'html head body a abbr address article b bdi bdo big blockquote br caption center cite code col colgroup dd del dfn div dl dt em figcaption figure font footer h1 h2 h3 h4 h5 h6 header hr i img ins kbd li main mark nav ol p pre q s samp section small span strike strong sub sup table tbody td tfoot th thead time tr tt u ul var wbr'.split(
    ' ',
  ),
);

// The few DOM members read in the page (the project compiles without the DOM library).
interface DomElement {
  namespaceURI: string | null;
  localName: string;
  attributes: ArrayLike<{ name: string; value: string }>;
  hasAttribute(name: string): boolean;
  href?: string;
  src?: string;
}

interface Parsed {
  ns: string | null;
  tag: string;
  attrs: [string, string][];
  /** The URL the browser resolved for an <a href> or <img src>. */
  url?: string;
}

// What the page holds that could run or leak, from the browser's own DOM after parsing.
function dangersIn(elements: Parsed[]): string[] {
  const found: string[] = [];
  for (const el of elements) {
    if (el.ns !== 'http://www.w3.org/1999/xhtml' || !ALLOWED.has(el.tag))
      found.push(`element ${el.tag}`);
    for (const [name, value] of el.attrs) {
      if (/^on/i.test(name) || ['id', 'name', 'class', 'srcset'].includes(name))
        found.push(`attribute ${name}`);
      if (name === 'style' && /url|expression|behavior|binding|import/i.test(value))
        found.push(`style ${value}`);
    }
    if (el.tag === 'a' && el.url !== undefined) {
      const url = new URL(el.url);
      if (!['http:', 'https:', 'mailto:', 'tel:'].includes(url.protocol))
        found.push(`link ${url.protocol}`);
      if (url.host === 'crm.test') found.push('link into the CRM');
    }
    if (el.tag === 'img' && el.url !== undefined) {
      if (!/^(data:image\/(png|jpeg|gif|webp)[;,]|http:\/\/crm\.test\/activities\/)/.test(el.url))
        found.push(`image ${el.url.slice(0, 30)}`);
    }
  }
  return found;
}

async function render(page: Page, html: string): Promise<Seen> {
  const seen: Seen = { dialogs: 0, requests: [], dom: [] };
  // An alert blocks the page until answered: count it and dismiss it.
  const onDialog = (dialog: Dialog) => {
    seen.dialogs++;
    void dialog.dismiss();
  };
  page.on('dialog', onDialog);
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url === `${CRM}/mail`) return route.fulfill({ contentType: 'text/html', body: html });
    if (!url.startsWith(`${CRM}/activities/`)) seen.requests.push(url);
    await route.fulfill({ status: 404, body: '' });
  });
  // `load` waits for every image to load or fail, so onerror handlers have run by then.
  await page.goto(`${CRM}/mail`, { waitUntil: 'load' });
  const elements: Parsed[] = await page.locator('*').evaluateAll((els) =>
    (els as unknown as DomElement[]).map((el) => ({
      ns: el.namespaceURI,
      tag: el.localName,
      attrs: Array.from(el.attributes, (a) => [a.name, a.value] as [string, string]),
      url: el.hasAttribute('href') || el.hasAttribute('src') ? (el.href ?? el.src) : undefined,
    })),
  );
  seen.dom = dangersIn(elements);
  await page.unrouteAll();
  page.off('dialog', onDialog);
  return seen;
}

const danger = (s: Seen) => s.dialogs + s.requests.length + s.dom.length;

describe.skipIf(!existsSync(CHROMIUM))('sanitised mail HTML in Chromium', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(xssCorpus.filter((c) => !c.harmlessRaw))(
    'when the raw "$name" is opened, then the oracle sees the attack',
    async (c) => {
      expect(danger(await render(page, c.html))).toBeGreaterThan(0);
    },
  );

  it.each(xssCorpus)(
    'when the sanitised "$name" is opened, then nothing runs or loads',
    async (c) => {
      const seen = await render(page, sanitizeEmailHtml(c.html, { resolveCid }).html);
      expect(seen).toEqual({ dialogs: 0, requests: [], dom: [] });
    },
  );

  it('when remote images are shown on request, then they load from data-remote-src', async () => {
    const { html } = sanitizeEmailHtml('<img src="https://cdn.news.test/a.png" alt="a">');
    const seen = await render(page, html);
    expect(seen.requests).toEqual([]);
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url === `${CRM}/mail`) return route.fulfill({ contentType: 'text/html', body: html });
      seen.requests.push(url);
      return route.fulfill({ status: 404, body: '' });
    });
    await page.goto(`${CRM}/mail`);
    await page.evaluate(
      `for (const img of document.querySelectorAll('img[data-remote-src]')) img.src = img.dataset.remoteSrc`,
    );
    await page.waitForFunction('Array.from(document.images).every((i) => i.complete)');
    expect(seen.requests).toEqual(['https://cdn.news.test/a.png']);
    await page.unrouteAll();
  });
});
