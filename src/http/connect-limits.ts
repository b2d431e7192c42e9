// Limits on GET /integrations/gmail/connect, mounted before the route itself: a per-user rate
// (each connect stores an OAuth state) and a cap on a user's live states, so a script asking for
// thousands of consent links leaves at most MAX_LIVE_STATES rows, not thousands.
import { Router } from 'express';
import type { Deps } from '../deps.ts';
import { trimLiveStates } from '../mailbox/oauth-states.ts';
import { requireCaller, type VerifyCaller } from './crm-auth.ts';
import { limitPerUser } from './user-rate-limit.ts';

/** Per (org, user) and per process: 10 links at once, then one every 6 s. */
const CONNECT_RATE = { burst: 10, perMinute: 10 };
/** A user's unused, unexpired states; a new link retires the oldest beyond it. */
export const MAX_LIVE_STATES = 10;

export function connectLimits(deps: Deps, verifyCaller: VerifyCaller): Router {
  const router = Router();
  router.get(
    '/integrations/gmail/connect',
    requireCaller(verifyCaller),
    limitPerUser('connect', CONNECT_RATE),
    async (_req, res, next) => {
      const { orgId, userId } = res.locals.caller;
      // Room for the state the route is about to issue.
      await trimLiveStates(deps.database.db, orgId, userId, MAX_LIVE_STATES - 1);
      next();
    },
  );
  return router;
}
