// POST /crm/entities/changed: a CRM whose tables are its own (crm_entity_emails redefined) says a
// record's addresses changed, so its past mail is searched at once. The bundled tables need no
// call: their triggers record the change. Org-scoped by the caller's token.
import { Router } from 'express';
import { z } from 'zod';
import { ENTITY_TYPES } from '../crm/link-entities.ts';
import type { Deps } from '../deps.ts';
import { recordEntityChange } from '../retro-search/retro-search.ts';
import type { VerifyCaller } from './crm-auth.ts';
import { requireCaller } from './crm-auth.ts';
import { parseInput } from './validate.ts';

export const entityChangedBody = z
  .object({ entity_type: z.enum(ENTITY_TYPES), entity_id: z.uuid() })
  .strict();

export function crmRoutes(deps: Deps, verifyCaller: VerifyCaller): Router {
  const router = Router();
  router.post('/crm/entities/changed', requireCaller(verifyCaller), async (req, res) => {
    const { entity_type, entity_id } = parseInput(entityChangedBody, req.body ?? {});
    const jobId = await recordEntityChange(
      deps.database.db,
      res.locals.caller.orgId,
      entity_type,
      entity_id,
    );
    res.status(202).json({ job_id: jobId });
  });
  return router;
}
