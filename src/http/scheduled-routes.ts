// GET /integrations/gmail/scheduled (the caller's scheduled mail) and
// DELETE /integrations/gmail/scheduled/{id} (cancel while it waits). Scheduling itself is
// POST /integrations/gmail/send with `send_at` (send-routes.ts).
import { Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { cancelScheduled, listScheduled } from '../scheduled/scheduled-store.ts';
import { requireCaller, type VerifyCaller } from './crm-auth.ts';
import { decodeCursor, encodeCursor } from './page-cursor.ts';
import { parseInput } from './validate.ts';

export const scheduledQuery = z
  .object({
    status: z.enum(['scheduled', 'sending', 'sent', 'failed', 'cancelled']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(512).optional(),
  })
  .strict();
export const scheduledParams = z.object({ id: z.uuid() });
const cursorShape = z.object({ sendAt: z.iso.datetime({ offset: true }), id: z.uuid() });

export function scheduledRoutes(deps: Deps, verifyCaller: VerifyCaller): Router {
  const router = Router();
  const auth = requireCaller(verifyCaller);
  const db = deps.database.db;
  router.get('/integrations/gmail/scheduled', auth, async (req, res) => {
    const query = parseInput(scheduledQuery, req.query, 'query');
    const { orgId, userId } = res.locals.caller;
    const page = await listScheduled(
      db,
      { orgId, userId },
      {
        limit: query.limit,
        status: query.status,
        after: query.cursor ? decodeCursor(cursorShape, query.cursor) : undefined,
      },
    );
    res.json({ items: page.items, next_cursor: page.next ? encodeCursor(page.next) : null });
  });
  router.delete('/integrations/gmail/scheduled/:id', auth, async (req, res) => {
    const { id } = parseInput(scheduledParams, req.params, 'path');
    const { orgId, userId } = res.locals.caller;
    res.json(await cancelScheduled(db, { orgId, userId }, id));
  });
  return router;
}
