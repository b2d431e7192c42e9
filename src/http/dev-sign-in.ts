// Development only: a sign-in page that stands in for the CRM's session, so a person can open the
// admin page from a browser. It mints a CRM token with the development secret and keeps it in the
// `gs_session` cookie (HttpOnly: no script reads it; SameSite=Strict: no other site sends it).
import express, { Router } from 'express';
import { z } from 'zod';
import { DEV_ORG, DEV_TOKEN_HOURS, DEV_USER, mintDevToken } from './dev-token.ts';
import { SESSION_COOKIE } from './page-auth.ts';
import { escapeHtml, setPagePolicy } from './page-security.ts';

export const DEV_SIGN_IN_PATH = '/dev/sign-in';

const form = z.object({
  org: z.string().trim().min(1).max(100).default(DEV_ORG),
  user: z.string().trim().min(1).max(100).default(DEV_USER),
  admin: z.literal('on').optional(),
  next: z.string().optional(),
});

/** Only a path on this service: `//evil.test` or `https://…` would make this an open redirect. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?!\/)/.test(next) && !next.includes('\\') ? next : '/admin';
}

export function devSignInRoutes(opts: { jwtSecret: string; secureCookie: boolean }): Router {
  const router = Router();
  router.get(DEV_SIGN_IN_PATH, (req, res) => {
    const next = safeNext(typeof req.query.next === 'string' ? req.query.next : undefined);
    setPagePolicy(res);
    res.type('html').send(signInPage(next));
  });
  router.post(
    DEV_SIGN_IN_PATH,
    express.urlencoded({ extended: false, limit: '4kb' }),
    async (req, res) => {
      const parsed = form.safeParse(req.body ?? {});
      if (!parsed.success) {
        res.status(400).type('text').send('org and user must be 1 to 100 characters');
        return;
      }
      const { org, user, admin, next } = parsed.data;
      const token = await mintDevToken(opts.jwtSecret, {
        sub: user,
        org,
        admin: admin === 'on',
      });
      res.cookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: opts.secureCookie,
        path: '/',
        maxAge: DEV_TOKEN_HOURS * 3_600_000,
      });
      res.redirect(303, safeNext(next));
    },
  );
  return router;
}

function signInPage(next: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gmail-sync — development sign-in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:420px;margin:60px auto;background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:24px 28px}
h1{font-size:20px;margin:0 0 6px}p{color:#4a5264;margin:0 0 18px}label{display:block;margin:0 0 12px}
input[type=text]{display:block;width:100%;box-sizing:border-box;padding:7px 9px;border:1px solid #c5cbd5;border-radius:5px;font:inherit}
button{background:#2f7bd8;color:#fff;border:0;border-radius:5px;padding:8px 18px;font:inherit;cursor:pointer}
</style></head><body><main>
<h1>Development sign-in</h1>
<p>Stands in for the CRM's session while the service runs with the simulator. The token it sets is signed with the development secret, which production refuses.</p>
<form method="post" action="${DEV_SIGN_IN_PATH}">
<label>Org <input type="text" name="org" value="${DEV_ORG}" required maxlength="100"></label>
<label>User <input type="text" name="user" value="${DEV_USER}" required maxlength="100"></label>
<label><input type="checkbox" name="admin" checked> Admin (needed for the admin page)</label>
<input type="hidden" name="next" value="${escapeHtml(next)}">
<button type="submit">Sign in</button>
</form></main></body></html>`;
}
