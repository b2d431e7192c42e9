// Who opens an HTML page (the admin page) from a browser: the CRM bearer token as for the API, or
// the same CRM JWT in the `gs_session` cookie (the CRM's own session in production; the development
// sign-in sets it otherwise). Only GET pages take the cookie: a state-changing API route accepting a
// cookie would let any site that the browser visits act for the user (CSRF), so those stay bearer-only.
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../app-error.ts';
import type { VerifyCaller } from './crm-auth.ts';

export const SESSION_COOKIE = 'gs_session';

export interface PageAuthOptions {
  /** Where a browser without a session is sent (the development sign-in), if anywhere. */
  signInPath: string | undefined;
}

export function requirePageCaller(verify: VerifyCaller, opts: PageAuthOptions) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next(new AppError('unauthorized', 'pages are read with GET'));
      return;
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const token = bearer ?? readCookie(req.get('cookie'), SESSION_COOKIE);
    if (!token) {
      if (opts.signInPath && wantsHtml(req)) {
        res.redirect(303, `${opts.signInPath}?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      next(new AppError('unauthorized', 'a CRM bearer token or session is required'));
      return;
    }
    try {
      res.locals.caller = await verify(token);
      next();
    } catch {
      next(new AppError('unauthorized', 'the CRM token is invalid or expired'));
    }
  };
}

/** A browser navigating asks for HTML by name; API clients send `*\/*` or nothing. */
function wantsHtml(req: Request): boolean {
  return (req.get('accept') ?? '').includes('text/html');
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}
