// GET /: where a newcomer lands. In development, a page linking what there is to see; in
// production, what this service is and where its reference lives, as JSON: the root of an API is
// hit by load balancers, scanners and operators' curl, for whom a small answer says enough and a
// redirect to an HTML page would say less.
import { Router } from 'express';
import { DEV_SIGN_IN_PATH } from './dev-sign-in.ts';
import { setPagePolicy } from './page-security.ts';

export function rootRoutes(opts: { production: boolean; devSignIn: boolean }): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    if (opts.production) {
      res.json({ service: 'gmail-sync', docs: '/docs' });
      return;
    }
    setPagePolicy(res);
    res.type('html').send(indexPage(opts.devSignIn));
  });
  return router;
}

const LINKS: [string, string][] = [
  ['/admin', "the admin page: the org's mailboxes and what they logged"],
  ['/docs', 'the API reference, with "try it" against this service'],
  ['/healthz', 'liveness'],
  ['/readyz', 'readiness: database reachable and migrated'],
  ['/metrics', 'Prometheus metrics'],
];

function indexPage(devSignIn: boolean): string {
  const links = [
    ...(devSignIn
      ? [[DEV_SIGN_IN_PATH, 'sign in as a development admin (then the admin page)'] as const]
      : []),
    ...LINKS,
  ]
    .map(([href, what]) => `<li><a href="${href}">${href}</a> — ${what}</li>`)
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gmail-sync (development)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.6 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:720px;margin:48px auto;padding:0 24px}h1{font-size:22px;margin:0 0 4px}
p{color:#4a5264}code{background:#eceff3;border-radius:4px;padding:1px 5px}a{color:#2457a8}
</style></head><body><main>
<h1>gmail-sync</h1>
<p>Running in development, with the Google simulator. API callers send a CRM token as <code>Authorization: Bearer …</code>; <code>npx gmail-sync dev-token --admin</code> prints one.</p>
<ul>
${links}
</ul></main></body></html>`;
}
