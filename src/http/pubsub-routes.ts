// POST /pubsub/gmail: the Pub/Sub push endpoint. 204 only once the notification is durably queued;
// 503 when the database is down (Pub/Sub redelivers); unreadable or unroutable: 204 + dead letter.
import express, { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../app-error.ts';
import { isDatabaseUnavailable } from '../db/database-errors.ts';
import type { Deps } from '../deps.ts';
import {
  deadLetterPush,
  gmailNotification,
  makeNotificationRecorder,
} from '../sync/notifications.ts';
import type { VerifyPush } from './push-auth.ts';

/** Google's push body (https://cloud.google.com/pubsub/docs/push#receive_push). */
export const pushBody = z.object({
  message: z.object({
    data: z.string().max(65_536),
    messageId: z.string().optional(),
    message_id: z.string().optional(),
    publishTime: z.string().optional(),
    attributes: z.record(z.string(), z.string()).optional(),
  }),
  subscription: z.string().optional(),
});

export function pubsubRoutes(deps: Deps, verifyPush: VerifyPush): Router {
  const router = Router();
  const notifications = makeNotificationRecorder(deps.database.pool);
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
    express.json({ limit: '64kb', type: () => true }),
    async (req, res) => {
      const notification = readNotification(req.body);
      const db = deps.database.db;
      try {
        if (!notification.ok) {
          await deadLetterPush(db, notification.reason, req.body);
          deps.metrics.push('malformed');
        } else deps.metrics.push(await notifications.record(notification.value));
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

type Read = { ok: true; value: z.infer<typeof gmailNotification> } | { ok: false; reason: string };

function readNotification(body: unknown): Read {
  const envelope = pushBody.safeParse(body);
  if (!envelope.success) return { ok: false, reason: 'malformed_envelope' };
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(envelope.data.message.data, 'base64').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed_data' };
  }
  const notification = gmailNotification.safeParse(data);
  return notification.success
    ? { ok: true, value: notification.data }
    : { ok: false, reason: 'malformed_data' };
}
