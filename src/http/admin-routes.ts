// GET /admin: the org's mailboxes and activity, for CRM callers whose token carries `admin: true`.
import { Router } from 'express';
import { loadAdminView } from '../activities/admin-view.ts';
import { AppError } from '../app-error.ts';
import type { Deps } from '../deps.ts';
import { renderAdminPage } from './admin-page.ts';
import { requireCaller, type VerifyCaller } from './crm-auth.ts';
import { pageCsp } from './page-csp.ts';

export function adminRoutes(deps: Deps, verifyCaller: VerifyCaller): Router {
  const router = Router();
  router.get('/admin', requireCaller(verifyCaller), async (_req, res) => {
    const caller = res.locals.caller;
    if (!caller.admin) throw new AppError('forbidden', 'the admin page needs an admin CRM token');
    const view = await loadAdminView(deps.database.db, caller.orgId);
    const page = renderAdminPage(caller.orgId, view);
    res.set('Content-Security-Policy', pageCsp(page)).type('html').send(page);
  });
  return router;
}
