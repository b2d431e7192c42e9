// The express app, built from deps and not yet listening (tests and main.ts call listen()).
import express from 'express';
import type { Deps } from '../deps.ts';
import type { WorkerHealth } from '../jobs/worker-stall.ts';
import { activitiesRoutes } from './activities-routes.ts';
import { activityRoutes } from './activity-routes.ts';
import { adminRoutes } from './admin-routes.ts';
import { calendarRoutes } from './calendar-routes.ts';
import { connectLimits } from './connect-limits.ts';
import { makeCallerVerifier } from './crm-auth.ts';
import { crmRoutes } from './crm-routes.ts';
import { DEV_SIGN_IN_PATH, devSignInRoutes } from './dev-sign-in.ts';
import { docsRoutes } from './docs-routes.ts';
import { erasureRoutes } from './erasure-routes.ts';
import { handleErrors, notFound } from './error-handler.ts';
import { gmailRoutes } from './gmail-routes.ts';
import { healthRoutes } from './health-routes.ts';
import { readJsonBody } from './json-body.ts';
import { metricsRoutes } from './metrics-routes.ts';
import { orgMailboxRoutes } from './org-mailbox-routes.ts';
import { orgRoutes } from './org-routes.ts';
import { pubsubRoutes } from './pubsub-routes.ts';
import { makePushVerifier } from './push-auth.ts';
import { requestContext } from './request-context.ts';
import { rootRoutes } from './root-routes.ts';
import { safeHeaders } from './safe-headers.ts';
import { scheduledRoutes } from './scheduled-routes.ts';
import { sendRoutes } from './send-routes.ts';
import { startupGate } from './startup-gate.ts';
import { suppressionRoutes } from './suppression-routes.ts';
import { unsubscribeRoutes } from './unsubscribe-routes.ts';
import { workspaceRoutes } from './workspace-routes.ts';

export interface AppOptions {
  /** Set when this process also runs the worker (role `all`): readiness then includes it. */
  workerHealth?: () => WorkerHealth;
  /** True while start-up still waits for the database: other routes then answer 503. */
  starting?: () => boolean;
}

export function createApp(deps: Deps, opts: AppOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(safeHeaders);
  app.use(requestContext(deps.log));
  app.use(healthRoutes(deps, opts.workerHealth, opts.starting));
  const { production, crm, publicUrl } = deps.config;
  // The development sign-in mints tokens with the development secret: only where that is accepted.
  const devSignIn = !production && crm.usesDevSecret;
  app.use(rootRoutes({ production, devSignIn }));
  if (devSignIn && crm.jwtSecret) {
    app.use(
      devSignInRoutes({ jwtSecret: crm.jwtSecret, secureCookie: publicUrl.startsWith('https:') }),
    );
  }
  app.use(docsRoutes(publicUrl));
  app.use(metricsRoutes(deps.metrics, deps.config.metricsToken));
  if (opts.starting) app.use(startupGate(opts.starting));
  // The push endpoint checks its token before reading its body, so it comes before the parser.
  app.use(pubsubRoutes(deps, makePushVerifier(deps.oauth, pushAuthConfig(deps))));
  // Public: a recipient's one-click unsubscribe (the signed token is the credential).
  app.use(unsubscribeRoutes(deps));
  // Calendar channels: headers only, their own token; no body is read.
  app.use(calendarRoutes(deps));
  const verifyCaller = makeCallerVerifier(deps.config.crm, deps.outbound);
  // Sending carries attachments: its route has its own, larger body limit.
  app.use(sendRoutes(deps, verifyCaller));
  app.use(readJsonBody(64 * 1024));
  app.use(connectLimits(deps, verifyCaller));
  app.use(gmailRoutes(deps, verifyCaller));
  app.use(activitiesRoutes(deps, verifyCaller));
  app.use(activityRoutes(deps, verifyCaller));
  app.use(orgRoutes(deps, verifyCaller));
  app.use(suppressionRoutes(deps, verifyCaller));
  app.use(scheduledRoutes(deps, verifyCaller));
  app.use(workspaceRoutes(deps, verifyCaller));
  app.use(orgMailboxRoutes(deps, verifyCaller));
  app.use(erasureRoutes(deps, verifyCaller));
  app.use(crmRoutes(deps, verifyCaller));
  app.use(adminRoutes(deps, verifyCaller, devSignIn ? DEV_SIGN_IN_PATH : undefined));
  app.use(notFound);
  app.use(handleErrors);
  return app;
}

function pushAuthConfig(deps: Deps) {
  return {
    audience: deps.config.google.pushAudience,
    serviceAccount: deps.config.google.pushServiceAccount,
  };
}
