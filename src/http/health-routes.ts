// Liveness (the process answers) and readiness (the database answers and is migrated; where this
// process runs a worker, also that the worker takes runnable jobs: see jobs/worker-stall.ts).
import express, { Router } from 'express';
import { migrationsApplied } from '../db/migrate.ts';
import type { Deps } from '../deps.ts';
import type { WorkerHealth } from '../jobs/worker-stall.ts';
import { metricsRoutes } from './metrics-routes.ts';

/**
 * What a worker-only process serves on PORT, so an orchestrator can probe it as it probes the web
 * role and Prometheus can scrape its stall gauge: /healthz, /readyz and /metrics, nothing else.
 */
export function createHealthApp(
  deps: Pick<Deps, 'database' | 'metrics' | 'config'>,
  workerHealth: () => WorkerHealth,
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRoutes(deps, workerHealth));
  app.use(metricsRoutes(deps.metrics, deps.config.metricsToken));
  return app;
}

export function healthRoutes(
  deps: Pick<Deps, 'database'>,
  workerHealth?: () => WorkerHealth,
  /** True while start-up is not done (the database awaited, the push set-up under way). */
  starting: () => boolean = () => false,
): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks: { database: boolean; migrations: boolean; worker?: boolean } = {
      database: false,
      migrations: false,
    };
    try {
      await deps.database.pool.query('select 1');
      checks.database = true;
      checks.migrations = await migrationsApplied(deps.database.pool);
    } catch {
      // Reported below as not ready.
    }
    if (workerHealth) checks.worker = !workerHealth().stalled;
    const ready = !starting() && checks.database && checks.migrations && checks.worker !== false;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  return router;
}
