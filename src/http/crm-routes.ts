// POST /crm/entities/changed: a CRM whose tables are its own (crm_entity_emails redefined) says a
// record's addresses changed, so its past mail is searched at once. The bundled tables need no
// call: their triggers record the change. Org-scoped by the caller's token. Each change costs every
// connected mailbox of the org a year-long search, so a caller is rate-limited and a record
// already waiting for its search is not queued again (issue 27 #10).
import { Router } from 'express';
import { z } from 'zod';
import { ENTITY_TYPES } from '../crm/link-entities.ts';
import type { Deps } from '../deps.ts';
import { recordEntityChange } from '../retro-search/retro-search.ts';
import type { VerifyCaller } from './crm-auth.ts';
import { requireCaller } from './crm-auth.ts';
import { limitPerUser } from './user-rate-limit.ts';
import { parseInput } from './validate.ts';

/** Per (org, user) and per process: 20 records at once, then one every 3 s. */
const CHANGED_RATE = { burst: 20, perMinute: 20 };

export const entityChangedBody = z
  .object({ entity_type: z.enum(ENTITY_TYPES), entity_id: z.uuid() })
  .strict();

export function crmRoutes(deps: Deps, verifyCaller: VerifyCaller): Router {
  const router = Router();
  const limit = limitPerUser('entity change', CHANGED_RATE);
  router.post('/crm/entities/changed', requireCaller(verifyCaller), limit, async (req, res) => {
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
