// /openapi.json and /docs: the document, and a self-contained page that renders it (no CDN).
import { Router } from 'express';
import { buildOpenApiDocument } from './openapi.ts';
import { pageCsp } from './page-csp.ts';

export function docsRoutes(publicUrl: string): Router {
  const router = Router();
  let document: object | undefined;
  router.get('/openapi.json', (_req, res) => {
    document ??= buildOpenApiDocument(publicUrl);
    res.json(document);
  });
  router.get('/docs', (_req, res) => {
    res.set('Content-Security-Policy', pageCsp(DOCS_PAGE)).type('html').send(DOCS_PAGE);
  });
  return router;
}

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gmail-sync API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}
main{max-width:980px;margin:0 auto;padding:24px 32px}
.op{background:#fff;border:1px solid #dde1e7;border-radius:8px;margin:0 0 16px;padding:14px 18px}
.m{display:inline-block;min-width:64px;font-weight:700;text-transform:uppercase;font-size:12px;padding:3px 8px;border-radius:4px;color:#fff;text-align:center}
.get{background:#2f7bd8}.post{background:#1f9d55}.put{background:#c77d12}.delete{background:#c43c3c}
.path{font-family:ui-monospace,monospace;font-weight:600;margin-left:10px}.lock{color:#8a6d00;font-size:12px;margin-left:8px}
pre{background:#f0f2f5;border-radius:6px;padding:10px;overflow:auto;font-size:12.5px}
h3{font-size:13px;margin:12px 0 4px;color:#4a5264;text-transform:uppercase;letter-spacing:.04em}
</style></head><body><header><h1>gmail-sync API</h1><div id="desc"></div></header><main id="ops">Loading…</main>
<script>
fetch('/openapi.json').then(r=>r.json()).then(doc=>{
  document.getElementById('desc').textContent=doc.info.description+' — OpenAPI '+doc.openapi;
  const esc=s=>String(s).replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));
  const show=o=>'<pre>'+esc(JSON.stringify(o,null,2))+'</pre>';
  let html='';
  for(const [path,item] of Object.entries(doc.paths)){
    for(const [method,op] of Object.entries(item)){
      html+='<section class="op"><span class="m '+method+'">'+method+'</span><span class="path">'+esc(path)+'</span>'
        +(op.security&&op.security.length?'<span class="lock">🔒 '+Object.keys(op.security[0]).join(', ')+'</span>':'')
        +'<p>'+esc(op.summary||'')+'</p>';
      if(op.parameters&&op.parameters.length) html+='<h3>Parameters</h3>'+show(op.parameters.map(p=>({in:p.in,name:p.name,required:!!p.required,schema:p.schema})));
      const body=op.requestBody&&op.requestBody.content&&op.requestBody.content['application/json'];
      if(body) html+='<h3>Body</h3>'+show(body.schema);
      html+='<h3>Responses</h3>'+show(Object.fromEntries(Object.entries(op.responses).map(([k,v])=>[k,(v.content&&v.content['application/json'])?v.content['application/json'].schema:v.description])));
      html+='</section>';
    }
  }
  document.getElementById('ops').innerHTML=html;
});
</script></body></html>`;
