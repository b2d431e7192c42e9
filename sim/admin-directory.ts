// Admin SDK Directory API, users.list (https://developers.google.com/workspace/admin/directory/reference/rest/v1/users/list):
// the domain's users, paged, each with `primaryEmail` and `suspended`; deleted users are not
// listed. Only an administrator of the domain may call it, with a token carrying a directory user
// scope, which a service account gets by acting as that administrator through delegation.
import { type Request, type Response, Router } from 'express';
import { type SimContext, userStats } from './context.ts';
import { clientIdOf, type Workspaces } from './workspaces.ts';

const READ_SCOPES = ['admin.directory.user.readonly', 'admin.directory.user'];
const MAX_RESULTS = 500;
const DEFAULT_RESULTS = 100;

function apiError(res: Response, code: number, message: string, reason: string) {
  res.status(code).json({
    error: { code, message, errors: [{ message, domain: 'global', reason }] },
  });
}

const grants = (scope: string) => READ_SCOPES.some((s) => scope.endsWith(`/${s}`) || scope === s);

export function adminDirectoryRouter(ctx: SimContext, workspaces: Workspaces): Router {
  const router = Router();
  router.get('/admin/directory/v1/users', (req: Request, res: Response) => {
    ctx.stats.calls['directory.users.list'] = (ctx.stats.calls['directory.users.list'] ?? 0) + 1;
    const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const info = token ? ctx.lookupAccessToken(token) : undefined;
    if (!info)
      return apiError(res, 401, 'Request had invalid authentication credentials.', 'authError');
    const stats = userStats(ctx.stats, info.email);
    stats.calls['directory.users.list'] = (stats.calls['directory.users.list'] ?? 0) + 1;
    if (!info.scopes.some(grants)) {
      return apiError(
        res,
        403,
        'Request had insufficient authentication scopes.',
        'insufficientPermissions',
      );
    }
    const q = req.query as Record<string, string | undefined>;
    const callerDomain = info.email.slice(info.email.lastIndexOf('@') + 1);
    const domain = (q.domain ?? (q.customer === 'my_customer' ? callerDomain : '')).toLowerCase();
    if (!domain) return apiError(res, 400, 'Bad Request', 'badRequest');
    // A domain the caller does not administer, an unknown one included, is refused alike.
    if (!workspaces.mayAdminister(info.email, domain))
      return apiError(res, 403, 'Not Authorized to access this resource/api', 'forbidden');
    const users = [...(workspaces.byDomain.get(domain)?.users.values() ?? [])];
    const size = Math.min(MAX_RESULTS, Math.max(1, Number(q.maxResults) || DEFAULT_RESULTS));
    const start = q.pageToken ? Number(Buffer.from(q.pageToken, 'base64url').toString()) : 0;
    if (!Number.isInteger(start) || start < 0 || start > users.length)
      return apiError(res, 400, 'Invalid Input: pageToken', 'invalid');
    const page = users.slice(start, start + size);
    const next = start + size < users.length ? start + size : undefined;
    res.json({
      kind: 'admin#directory#users',
      users: page.map((u) => ({
        kind: 'admin#directory#user',
        id: clientIdOf(u.email),
        primaryEmail: u.email,
        isAdmin: u.isAdmin,
        suspended: u.suspended,
        orgUnitPath: '/',
      })),
      ...(next !== undefined
        ? { nextPageToken: Buffer.from(String(next)).toString('base64url') }
        : {}),
    });
  });
  return router;
}
