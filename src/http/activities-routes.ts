// GET /activities: an entity's activities (mail and meetings), newest first, keyset-paginated; or its threads.
import { Router } from 'express';
import { z } from 'zod';
import { listActivities } from '../activities/list-activities.ts';
import { ENTITY_TYPES } from '../crm/link-entities.ts';
import type { Deps } from '../deps.ts';
import type { VerifyCaller } from './crm-auth.ts';
import { requireCaller } from './crm-auth.ts';
import { parseInput } from './validate.ts';

/** Items a page with bodies may hold: 20 bodies of at most 256 KiB (and their new parts). */
export const MAX_ITEMS_WITH_BODIES = 20;

export const activitiesQuery = z
  .object({
    entity_type: z.enum(ENTITY_TYPES),
    entity_id: z.uuid(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
    /** One item per thread (its newest activity on this timeline) with `count`. */
    group: z.enum(['thread']).optional(),
    /** Only mail, or only meetings (src/calendar/). */
    type: z.enum(['email', 'meeting']).optional(),
    include: z
      .enum(['body'])
      .optional()
      .describe('`body`: items carry content.body and content.body_new (at most 20 a page)'),
  })
  .refine((q) => q.include !== 'body' || q.limit <= MAX_ITEMS_WITH_BODIES, {
    message: `at most ${MAX_ITEMS_WITH_BODIES} items a page with include=body`,
    path: ['limit'],
  });

export function activitiesRoutes(deps: Deps, verifyCaller: VerifyCaller): Router {
  const router = Router();
  router.get('/activities', requireCaller(verifyCaller), async (req, res) => {
    const query = parseInput(activitiesQuery, req.query, 'query');
    res.json(await listActivities(deps.database.db, res.locals.caller, query));
  });
  return router;
}
