// GET /admin: the org's mailboxes and activity, for CRM callers whose token carries `admin: true`,
// sent as a bearer token or, from a browser, in the session cookie (see page-auth.ts).
import { Router } from 'express';
import { loadAdminView } from '../activities/admin-view.ts';
import { AppError } from '../app-error.ts';
import type { Deps } from '../deps.ts';
import { renderAdminPage } from './admin-page.ts';
import type { VerifyCaller } from './crm-auth.ts';
import { requirePageCaller } from './page-auth.ts';
import { setPagePolicy } from './page-security.ts';

export function adminRoutes(
  deps: Deps,
  verifyCaller: VerifyCaller,
  signInPath: string | undefined,
): Router {
  const router = Router();
  router.get('/admin', requirePageCaller(verifyCaller, { signInPath }), async (_req, res) => {
    const caller = res.locals.caller;
    if (!caller.admin) throw new AppError('forbidden', 'the admin page needs an admin CRM token');
    const view = await loadAdminView(deps.database.db, caller.orgId);
    setPagePolicy(res);
    // Mail addresses and errors of a whole org: not for shared caches or the back button.
    res.set('cache-control', 'no-store');
    res.type('html').send(renderAdminPage(caller.orgId, view));
  });
  return router;
}
