import { describe, expect, it } from 'vitest';
import { LINK_REL, MAX_HTML_TAGS, sanitizeEmailHtml } from '../../src/mail/safe-html.ts';
import { xssCorpus } from './xss-corpus.ts';

const ATTACHMENT_URL = '/activities/a1/attachments/2';
const resolveCid = (cid: string) => (cid === 'logo@mail.test' ? ATTACHMENT_URL : undefined);
const sanitize = (html: string) => sanitizeEmailHtml(html, { resolveCid });

const TAGS = new Set(
  'a abbr address article b bdi bdo big blockquote br caption center cite code col colgroup dd del dfn div dl dt em figcaption figure font footer h1 h2 h3 h4 h5 h6 header hr i img ins kbd li main mark nav ol p pre q s samp section small span strike strong sub sup table tbody td tfoot th thead time tr tt u ul var wbr'.split(
    ' ',
  ),
);
const SAFE_IMAGE = /^(?:data:image\/(?:png|jpeg|gif|webp)[;,]|\/activities\/)/;

// What a browser could run or load in the output. sanitize-html re-serialises everything it keeps
// (text escaped, attributes double-quoted), so each literal `<` in its output opens a tag and each
// `name="…"` inside one is an attribute; on raw input this reading is only an approximation.
function dangers(html: string): string[] {
  const found: string[] = [];
  for (const tag of html.matchAll(/<\/?([a-zA-Z][^\s/>]*)([^>]*)>/g)) {
    const [, name = '', rest = ''] = tag;
    if (!TAGS.has(name.toLowerCase())) found.push(`element ${name}`);
    for (const [, attr = '', raw = ''] of rest.matchAll(/([^\s=/"']+)\s*=\s*"([^"]*)"/g)) {
      const value = raw.replaceAll('&quot;', '"').replaceAll('&amp;', '&');
      if (/^on/i.test(attr) || ['id', 'name', 'class', 'srcset', 'background'].includes(attr))
        found.push(`attribute ${attr}`);
      if (attr === 'href' && !/^(?:https?|mailto|tel):/.test(value)) found.push(`href ${value}`);
      if (attr === 'src' && !SAFE_IMAGE.test(value)) found.push(`src ${value}`);
      if (attr === 'style' && /[\\@]|(?<!rgba?|hsla?)\(/i.test(value)) found.push(`style ${value}`);
    }
  }
  return found;
}

describe('sanitizeEmailHtml against the XSS corpus', () => {
  it.each(xssCorpus)('when a mail carries $name, then nothing of it can run or load', (c) => {
    const out = sanitize(c.html).html;
    expect(dangers(out)).toEqual([]);
    expect(out).not.toMatch(/javascript|vbscript|expression\(|evil\.test/i);
    if (c.keeps) expect(out).toContain(c.keeps);
  });
});

describe('sanitizeEmailHtml on ordinary mail', () => {
  it('when a link is safe, then it is kept and opens in a new tab without referrer', () => {
    const out = sanitize(
      '<a href=" https://deal.test/p?a=1&amp;b=2" target="_self" rel="opener">Proposal</a>',
    );
    expect(out.html).toBe(
      `<a href="https://deal.test/p?a=1&amp;b=2" target="_blank" rel="${LINK_REL}">Proposal</a>`,
    );
    expect(sanitize('<a href="mailto:ana@client.test">Ana</a>').html).toContain(
      'href="mailto:ana@client.test"',
    );
  });

  it('when a link is relative, then its href is dropped (it would point into the CRM)', () => {
    expect(sanitize('<a href="/admin/users">x</a>').html).not.toContain('href');
    expect(sanitize('<a href="//evil.test/x">x</a>').html).not.toContain('href');
  });

  it('when the mail has remote images, then their URLs move to data-remote-src and it says so', () => {
    const out = sanitize('<p>Hi</p><img src="https://cdn.news.test/banner.png" alt="Banner">');
    expect(out.hasRemoteImages).toBe(true);
    expect(out.html).toBe(
      '<p>Hi</p><img alt="Banner" data-remote-src="https://cdn.news.test/banner.png" />',
    );
    expect(sanitize('<p>Hi</p>').hasRemoteImages).toBe(false);
  });

  it('when an image is a cid: reference, then it points to the URL the resolver gives', () => {
    expect(sanitize('<img src="cid:logo@mail.test" alt="Logo">').html).toBe(
      `<img alt="Logo" src="${ATTACHMENT_URL}" />`,
    );
    expect(sanitize('<img src="cid:%3Clogo@mail.test%3E">').html).toContain(ATTACHMENT_URL);
    expect(sanitize('<img src="cid:unknown@mail.test" alt="?">').html).toBe('<img alt="?" />');
    expect(sanitizeEmailHtml('<img src="cid:logo@mail.test">').html).toBe('<img />');
  });

  it('when an image is embedded as PNG, JPEG, GIF or WebP data, then it is kept', () => {
    for (const type of ['png', 'jpeg', 'gif', 'webp']) {
      const src = `data:image/${type};base64,AAAA`;
      expect(sanitize(`<img src="${src}">`).html).toBe(`<img src="${src}" />`);
    }
    expect(sanitize('<img src="data:text/html;base64,AAAA">').html).toBe('<img />');
  });

  it('when the mail is styled inline, then colours, fonts, spacing and tables survive', () => {
    const html =
      '<table width="600" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" align="center">' +
      '<tr><td valign="top" colspan="2" style="padding:12px 24px;font-family:\'Segoe UI\', Arial, sans-serif;' +
      'font-size:14px;color:#222;background-color:rgb(250, 250, 250);border:1px solid #ddd;line-height:1.5">' +
      '<font face="Arial" color="red">Olá</font></td></tr></table>';
    expect(sanitize(html).html).toBe(html);
  });

  it('when one declaration is unsafe, then only that declaration goes', () => {
    expect(
      sanitize('<p style="color:red;background:url(https://x.test/a);margin:0">x</p>').html,
    ).toBe('<p style="color:red;margin:0">x</p>');
    expect(sanitize('<p style="position:fixed;top:0;z-index:9">x</p>').html).toBe('<p>x</p>');
    expect(
      sanitize('<p style="margin:-500px 0 0 0;margin-top:-.5em;margin-left:4px">x</p>').html,
    ).toBe('<p style="margin-left:4px">x</p>');
  });

  it('when the HTML is over the cap, then it is cut at a tag boundary and marked truncated', () => {
    const row = '<tr><td style="color:#333">Olá, ação €</td></tr>';
    const html = `<table>${row.repeat(40_000)}<tr><td>THE END</td></tr></table>`;
    const out = sanitizeEmailHtml(html, { maxInputBytes: 100_000 });
    expect(out.truncated).toBe(true);
    expect(out.html).not.toContain('THE END');
    expect(Buffer.byteLength(out.html)).toBeLessThanOrEqual(110_000);
    expect(out.html).toMatch(/<\/table>$/);
    expect(out.html).not.toContain('\uFFFD');
    expect(sanitizeEmailHtml('<p>short</p>', { maxInputBytes: 12 }).truncated).toBe(false);
  });

  it('when the HTML nests 100,000 elements, then it is cut after MAX_HTML_TAGS tags and marked', () => {
    const out = sanitizeEmailHtml(`<p>top</p>${'<div>'.repeat(100_000)}deep`);
    expect(out.truncated).toBe(true);
    expect(out.html.startsWith('<p>top</p><div><div>')).toBe(true);
    expect(out.html).not.toContain('deep');
    expect(out.html.match(/<div>/g)?.length).toBeLessThanOrEqual(MAX_HTML_TAGS);
  });

  it('when a 200 KB newsletter is sanitised, then every story and link is still there', () => {
    let html = '<table>';
    for (let i = 0; i < 600; i++)
      html += `<tr><td style="padding:8px"><a href="https://news.test/s/${i}"><img src="https://cdn.news.test/${i}.png"></a><p>Story ${i}</p></td></tr>`;
    const out = sanitize(`${html}</table>`).html;
    expect(out.match(/<p>Story \d+<\/p>/g)).toHaveLength(600);
    expect(out.match(/data-remote-src="https:\/\/cdn\.news\.test\/\d+\.png"/g)).toHaveLength(600);
    expect(out).not.toContain(' src="https');
  });
});
