// GET/POST /u/{token}: RFC 8058 one-click unsubscribe, public (the signed token is the only
// credential). POST adds the token's address to its org's suppressions (`unsubscribed`); a replay
// finds it there and changes nothing. GET only shows the button. A token that does not check is
// answered the same page whatever is wrong with it. Rate-limited per client address and in all,
// so the endpoint cannot be used to hammer the database or to try tokens at speed.
import { type Response, Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { addSuppression } from '../suppressions/suppression-store.ts';
import { MAX_TOKEN_CHARS, readUnsubscribeToken } from '../suppressions/unsubscribe-token.ts';
import { setPagePolicy } from './page-security.ts';
import { confirmPage, donePage, invalidPage } from './unsubscribe-page.ts';
import { limitBy } from './user-rate-limit.ts';

export const unsubscribeParams = z.object({ token: z.string().min(1).max(MAX_TOKEN_CHARS) });

/** Per client address (per process): a person clicks once or twice; a scanner a few times. */
const PER_CLIENT = { burst: 20, perMinute: 20 };
/** All clients together (per process): bounds what a distributed crawl costs the database. */
const IN_ALL = { burst: 200, perMinute: 600 };

export function unsubscribeRoutes(deps: Deps): Router {
  const router = Router();
  const limits = [
    limitBy('unsubscribe', PER_CLIENT, (req) => req.ip ?? 'unknown'),
    limitBy('unsubscribe', IN_ALL, () => 'all'),
  ];
  const target = async (token: unknown) => {
    const parsed = unsubscribeParams.safeParse({ token });
    if (!parsed.success) return null;
    return readUnsubscribeToken(await deps.unsubscribeKeys(), parsed.data.token);
  };
  const pageHeaders = (res: Response) => {
    setPagePolicy(res);
    // The token is a credential: never sent on to another site, never indexed.
    res.set('referrer-policy', 'no-referrer');
    res.set('x-robots-tag', 'noindex');
  };

  router.get('/u/:token', ...limits, async (req, res) => {
    pageHeaders(res);
    const found = await target(req.params.token);
    if (!found) {
      res.status(404).type('html').send(invalidPage());
      return;
    }
    res.type('html').send(confirmPage(`/u/${String(req.params.token)}`));
  });
  router.post('/u/:token', ...limits, async (req, res) => {
    pageHeaders(res);
    const found = await target(req.params.token);
    if (!found) {
      res.status(404).type('html').send(invalidPage());
      return;
    }
    await addSuppression(deps.database.db, found.orgId, found.email, 'unsubscribed');
    deps.log.info({ org_id: found.orgId }, 'recipient unsubscribed');
    res.type('html').send(donePage());
  });
  return router;
}
