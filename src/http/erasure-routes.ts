// /org/erasures (admin token): erase a person from the org (everything held about their address,
// in every mailbox; a keyed hash blocks it for good), and the record of erasures made.
import { Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { erasePerson, listErasures } from '../org/erase-person.ts';
import { requireAdmin, requireCaller, type VerifyCaller } from './crm-auth.ts';
import { parseInput } from './validate.ts';

export const erasureBody = z.object({ email: z.email().max(320) }).strict();
export const erasuresQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export function erasureRoutes(deps: Deps, verifyCaller: VerifyCaller): Router {
  const router = Router();
  const auth = requireCaller(verifyCaller);
  const erasureDeps = { db: deps.database.db, hashing: deps.erasureHashing };
  router.post('/org/erasures', auth, async (req, res) => {
    const orgId = requireAdmin(res.locals.caller, 'an erasure');
    const { email } = parseInput(erasureBody, req.body);
    const actor = { orgId, userId: res.locals.caller.userId };
    res.json(await erasePerson(erasureDeps, actor, email));
  });
  router.get('/org/erasures', auth, async (req, res) => {
    const orgId = requireAdmin(res.locals.caller, 'the erasures');
    const { limit } = parseInput(erasuresQuery, req.query, 'query');
    res.json({ items: await listErasures(deps.database.db, orgId, limit) });
  });
  return router;
}
