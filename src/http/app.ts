// The express app, built from deps and not yet listening (tests and main.ts call listen()).
import express from 'express';
import type { Deps } from '../deps.ts';
import { handleErrors, notFound } from './error-handler.ts';
import { healthRoutes } from './health-routes.ts';
import { requestContext } from './request-context.ts';

export function createApp(deps: Deps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(requestContext(deps.log));
  app.use(healthRoutes(deps));
  app.use(notFound);
  app.use(handleErrors);
  return app;
}
