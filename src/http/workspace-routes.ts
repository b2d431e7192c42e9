// /org/workspace (admin token): register a Google Workspace domain to connect its users through
// domain-wide delegation (202: a job checks it), read its state, or remove it.
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../app-error.ts';
import type { Deps } from '../deps.ts';
import { registerWorkspace, removeWorkspace } from '../workspace/register-workspace.ts';
import { findWorkspace } from '../workspace/workspace-store.ts';
import { workspaceView } from '../workspace/workspace-view.ts';
import { requireAdmin, requireCaller, type VerifyCaller } from './crm-auth.ts';
import { parseInput } from './validate.ts';

const address = z
  .email()
  .max(320)
  .transform((v) => v.toLowerCase());

export const workspaceBody = z
  .object({
    domain: z
      .string()
      .max(253)
      .regex(
        /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i,
        'must be a domain such as acme.com',
      )
      .transform((v) => v.toLowerCase()),
    admin_email: address.describe(
      'an administrator of the domain, whom the service acts as to read its directory',
    ),
    users: z
      .union([z.literal('all'), z.object({ emails: z.array(address).min(1).max(1000) }).strict()])
      .describe('"all" the domain\'s users, or only the addresses listed'),
  })
  .strict()
  .superRefine((b, ctx) => {
    const outside = [b.admin_email, ...(b.users === 'all' ? [] : b.users.emails)].find(
      (e) => !e.endsWith(`@${b.domain}`),
    );
    if (outside)
      ctx.addIssue({
        code: 'custom',
        message: `${outside} is not in ${b.domain}`,
        path: ['users'],
      });
  });

export function workspaceRoutes(deps: Deps, verifyCaller: VerifyCaller): Router {
  const router = Router();
  const auth = requireCaller(verifyCaller);
  const db = deps.database.db;

  router.put('/org/workspace', auth, async (req, res) => {
    const orgId = requireAdmin(res.locals.caller, 'a Workspace connection');
    if (!deps.delegation) {
      throw new AppError(
        'delegation_unconfigured',
        'domain-wide delegation is not configured: GOOGLE_DELEGATION_SERVICE_ACCOUNT is unset',
      );
    }
    const body = parseInput(workspaceBody, req.body);
    const jobId = await registerWorkspace(db, orgId, {
      domain: body.domain,
      adminEmail: body.admin_email,
      users: body.users === 'all' ? 'all' : { emails: [...new Set(body.users.emails)] },
      createdBy: res.locals.caller.userId,
    });
    const ws = await findWorkspace(db, orgId);
    if (!ws) throw new AppError('not_found', 'the Workspace was removed meanwhile');
    res.status(202).json({ job_id: jobId, ...workspaceView(ws, deps.config.google) });
  });

  router.get('/org/workspace', auth, async (_req, res) => {
    const ws = await findWorkspace(db, requireAdmin(res.locals.caller, 'a Workspace connection'));
    if (!ws) throw new AppError('not_found', 'no Workspace is connected');
    res.json(workspaceView(ws, deps.config.google));
  });

  router.delete('/org/workspace', auth, async (_req, res) => {
    const orgId = requireAdmin(res.locals.caller, 'a Workspace connection');
    res.json({ disconnected: await removeWorkspace(db, orgId) });
  });

  return router;
}
