// Liveness (the process answers) and readiness (the database answers and is migrated).
import { Router } from 'express';
import { migrationsApplied } from '../db/migrate.ts';
import type { Deps } from '../deps.ts';

export function healthRoutes(deps: Pick<Deps, 'database'>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = { database: false, migrations: false };
    try {
      await deps.database.pool.query('select 1');
      checks.database = true;
      checks.migrations = await migrationsApplied(deps.database.pool);
    } catch {
      // Reported below as not ready.
    }
    const ready = checks.database && checks.migrations;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  return router;
}
