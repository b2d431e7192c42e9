// GET /org/mailboxes (admin): every live mailbox of the org, how it was connected, its owner and
// members. PUT /org/mailboxes/{id}/members (an admin, or the mailbox's own user): shares it.
import { Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { listOrgMailboxes, setMailboxMembers } from '../mailbox/mailbox-members.ts';
import { requireAdmin, requireCaller, type VerifyCaller } from './crm-auth.ts';
import { parseInput } from './validate.ts';

export const orgMailboxParams = z.object({ id: z.uuid() });
export const membersBody = z
  .object({
    user_ids: z
      .array(z.string().min(1).max(200))
      .max(200)
      .describe('the CRM users the mailbox is shared with (replacing any before); [] unshares it'),
  })
  .strict();

export function orgMailboxRoutes(deps: Deps, verifyCaller: VerifyCaller): Router {
  const router = Router();
  const auth = requireCaller(verifyCaller);
  router.get('/org/mailboxes', auth, async (_req, res) => {
    const orgId = requireAdmin(res.locals.caller, "the org's mailboxes");
    res.json({ items: await listOrgMailboxes(deps.database.db, orgId) });
  });
  router.put('/org/mailboxes/:id/members', auth, async (req, res) => {
    const { id } = parseInput(orgMailboxParams, req.params, 'path');
    const { user_ids } = parseInput(membersBody, req.body);
    res.json(await setMailboxMembers(deps.database.db, res.locals.caller, id, user_ids));
  });
  return router;
}
