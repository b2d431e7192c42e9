// GET /metrics: Prometheus text; behind `Authorization: Bearer <METRICS_TOKEN>` when it is set.
import { createHash, timingSafeEqual } from 'node:crypto';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { AppError } from '../app-error.ts';
import type { Metrics } from '../metrics.ts';

export function metricsRoutes(metrics: Metrics, token: string | undefined): Router {
  const router = Router();
  router.get('/metrics', requireMetricsToken(token), async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}

/** Compares digests, so the time taken says nothing about the token, not even its length. */
function requireMetricsToken(token: string | undefined) {
  const expected = token === undefined ? undefined : digest(token);
  return (req: Request, _res: Response, next: NextFunction) => {
    if (expected === undefined) return next();
    const given = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (timingSafeEqual(digest(given), expected)) return next();
    next(new AppError('unauthorized', 'a metrics bearer token is required'));
  };
}

const digest = (value: string) => createHash('sha256').update(value).digest();
