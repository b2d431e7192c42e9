// GET/PUT /org/settings: the caller's org's settings, for CRM tokens with `admin: true`; a
// `never_log` change applies to every mailbox of the org at once (org/org-settings-update.ts).
import { Router } from 'express';
import { z } from 'zod';
import { readOrgSettings } from '../activity-store/org-settings.ts';
import type { Deps } from '../deps.ts';
import { updateOrgRules } from '../org/org-settings-update.ts';
import { requireAdmin, requireCaller, type VerifyCaller } from './crm-auth.ts';
import { parseInput } from './validate.ts';

const domain = z
  .string()
  .max(253)
  .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'must be a domain such as example.com');

export const orgSettingsBody = z
  .object({
    sensitive_guard: z.enum(['on', 'off']).optional(),
    never_log: z
      .object({
        domains: z.array(domain).max(1000),
        addresses: z.array(z.email().max(320)).max(5000),
      })
      .strict()
      .optional()
      .describe(
        "never logged in any mailbox of the org; adding one removes the activities it covers from every mailbox (as a mailbox's blocked_*), lifting one searches again",
      ),
    max_visibility: z
      .enum(['full', 'subject', 'metadata'])
      .optional()
      .describe('no mailbox of the org keeps or shows more of a mail than this'),
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
    res.json(await updateOrgRules(deps.database.db, orgId, patch));
  });
  return router;
}
