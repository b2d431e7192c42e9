// POST /google/calendar/notifications: where Google Calendar's channels deliver. Public (Google
// sends no bearer token): the channel's own secret token is the credential, checked per channel.
// 200 once the sync is durably queued (or the message needs none); 401 for a token or resource
// that is not the channel's, nothing written; an unknown channel 200 and ignored (see
// calendar/calendar-notifications.ts); database down 503, which Google retries.
import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../app-error.ts';
import { NOTIFICATION_PATH } from '../calendar/calendar-channel.ts';
import { recordCalendarNotification } from '../calendar/calendar-notifications.ts';
import { isDatabaseUnavailable } from '../db/database-errors.ts';
import type { Deps } from '../deps.ts';
import { parseInput } from './validate.ts';

/** Google's headers (express lower-cases them); the body is empty and never read. */
export const calendarNotificationHeaders = z.object({
  'x-goog-channel-id': z.string().min(1).max(64),
  'x-goog-channel-token': z.string().max(256).optional(),
  'x-goog-resource-id': z.string().min(1).max(256),
  'x-goog-resource-state': z.enum(['sync', 'exists', 'not_exists']),
  'x-goog-message-number': z.string().regex(/^\d{1,20}$/),
  'x-goog-channel-expiration': z.string().max(100).optional(),
  'x-goog-resource-uri': z.string().max(2048).optional(),
});

export function calendarRoutes(deps: Deps): Router {
  const router = Router();
  router.post(NOTIFICATION_PATH, async (req, res) => {
    const headers = parseInput(calendarNotificationHeaders, req.headers, 'headers');
    let outcome: Awaited<ReturnType<typeof recordCalendarNotification>>;
    try {
      outcome = await recordCalendarNotification(deps.database.db, {
        channelId: headers['x-goog-channel-id'],
        token: headers['x-goog-channel-token'],
        resourceId: headers['x-goog-resource-id'],
        state: headers['x-goog-resource-state'],
      });
    } catch (cause) {
      if (!isDatabaseUnavailable(cause)) throw cause;
      throw new AppError('unavailable', 'could not queue the notification; retry', { cause });
    }
    if (outcome === 'refused') throw new AppError('unauthorized', 'not this channel’s token');
    if (outcome === 'unknown_channel')
      deps.log.debug('calendar notification for an unknown channel');
    res.status(200).end();
  });
  return router;
}
