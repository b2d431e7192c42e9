// GET/POST /org/suppressions and DELETE /org/suppressions/{email}: the org's suppression list,
// for CRM tokens with `admin: true`. A hard bounce and an unsubscribe add to it by themselves.
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../app-error.ts';
import type { Deps } from '../deps.ts';
import {
  addSuppression,
  listSuppressions,
  removeSuppression,
} from '../suppressions/suppression-store.ts';
import { type Caller, requireCaller, type VerifyCaller } from './crm-auth.ts';
import { decodeCursor, encodeCursor } from './page-cursor.ts';
import { parseInput } from './validate.ts';

export const suppressionBody = z
  .object({
    email: z.email().max(320),
    reason: z.enum(['hard_bounce', 'unsubscribed', 'manual']).default('manual'),
  })
  .strict();
export const suppressionQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(1024).optional(),
  })
  .strict();
export const suppressionParams = z.object({ email: z.email().max(320) });
const cursorShape = z.object({
  createdAt: z.iso.datetime({ offset: true }),
  canonical: z.string().max(320),
});

function requireAdmin(caller: Caller): string {
  if (!caller.admin)
    throw new AppError('forbidden', 'the suppression list needs an admin CRM token');
  return caller.orgId;
}

export function suppressionRoutes(deps: Deps, verifyCaller: VerifyCaller): Router {
  const router = Router();
  const auth = requireCaller(verifyCaller);
  const db = deps.database.db;
  router.get('/org/suppressions', auth, async (req, res) => {
    const orgId = requireAdmin(res.locals.caller);
    const query = parseInput(suppressionQuery, req.query, 'query');
    const page = await listSuppressions(db, orgId, {
      limit: query.limit,
      after: query.cursor ? decodeCursor(cursorShape, query.cursor) : undefined,
    });
    res.json({ items: page.items, next_cursor: page.next ? encodeCursor(page.next) : null });
  });
  router.post('/org/suppressions', auth, async (req, res) => {
    const orgId = requireAdmin(res.locals.caller);
    const body = parseInput(suppressionBody, req.body);
    res.status(201).json(await addSuppression(db, orgId, body.email, body.reason));
  });
  router.delete('/org/suppressions/:email', auth, async (req, res) => {
    const orgId = requireAdmin(res.locals.caller);
    const { email } = parseInput(suppressionParams, req.params, 'path');
    if (!(await removeSuppression(db, orgId, email))) {
      throw new AppError('not_found', 'this address is not on the suppression list');
    }
    res.json({ email: email.toLowerCase(), removed: true });
  });
  return router;
}
