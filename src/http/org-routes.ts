// GET/PUT /org/settings: the caller's org's settings, for CRM tokens with `admin: true`.
import { Router } from 'express';
import { z } from 'zod';
import { readOrgSettings, updateOrgSettings } from '../activities/org-settings.ts';
import type { Deps } from '../deps.ts';
import { requireAdmin, requireCaller, type VerifyCaller } from './crm-auth.ts';
import { parseInput } from './validate.ts';

export const orgSettingsBody = z
  .object({
    sensitive_guard: z.enum(['on', 'off']).optional(),
    auto_create_contacts: z
      .enum(['none', 'sent', 'sent_and_received'])
      .optional()
      .describe(
        'contacts created from mail: never, for people the users write to, or also for people who write to them',
      ),
  })
  .strict();

export function orgRoutes(deps: Deps, verifyCaller: VerifyCaller): Router {
  const router = Router();
  const auth = requireCaller(verifyCaller);
  router.get('/org/settings', auth, async (_req, res) => {
    res.json(
      await readOrgSettings(deps.database.db, requireAdmin(res.locals.caller, 'org settings')),
    );
  });
  router.put('/org/settings', auth, async (req, res) => {
    const orgId = requireAdmin(res.locals.caller, 'org settings');
    const patch = parseInput(orgSettingsBody, req.body);
    res.json(await updateOrgSettings(deps.database.db, orgId, patch));
  });
  return router;
}
