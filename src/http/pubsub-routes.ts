// POST /pubsub/gmail: the Pub/Sub push endpoint. 204 only once the notification is durably queued;
// 503 when the database is down (Pub/Sub redelivers); unreadable or unroutable: 204 + dead letter.
import express, { Router } from 'express';
import { AppError } from '../app-error.ts';
import { isDatabaseUnavailable } from '../db/database-errors.ts';
import type { Deps } from '../deps.ts';
import { readPushBody } from '../ingest/notification-input.ts';
import { deadLetterPush, makeNotificationRecorder } from '../ingest/notifications.ts';
import type { VerifyPush } from './push-auth.ts';

export { pushEnvelope as pushBody } from '../ingest/notification-input.ts';

export function pubsubRoutes(deps: Deps, verifyPush: VerifyPush): Router {
  const router = Router();
  const notifications = makeNotificationRecorder(deps.database.pool, deps.config.timings);
  router.post(
    '/pubsub/gmail',
    async (req, _res, next) => {
      // The token is checked before the body is read.
      try {
        await verifyPush(req.get('authorization'));
      } catch (error) {
        deps.metrics.push('rejected_auth');
        throw error;
      }
      next();
    },
    // Raw bytes: the body is read by readPushBody, which refuses deep nesting before parsing.
    express.raw({ limit: '64kb', type: () => true }),
    async (req, res) => {
      const read = readPushBody(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
      try {
        if (!read.ok) {
          await deadLetterPush(deps.database.db, read.reason, read.payload);
          deps.metrics.push('malformed');
        } else deps.metrics.push(await notifications.record(read.value));
      } catch (cause) {
        // Only an unreachable database is Pub/Sub's to retry; anything else is a bug (500, logged).
        if (!isDatabaseUnavailable(cause)) throw cause;
        throw new AppError('unavailable', 'could not queue the notification; retry', { cause });
      }
      res.status(204).end();
    },
  );
  return router;
}
