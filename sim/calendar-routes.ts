// Google Calendar API v3 under /calendar/v3/ (https://developers.google.com/workspace/calendar/api/v3/reference)
// over the in-memory calendars, a module per resource as Google's reference groups them (events,
// channels), every call through calendar-call.ts; and the control API's calendar part.
import { Router } from 'express';
import { makeCalendarCall } from './calendar-call.ts';
import {
  calendarChannelsRouter,
  makeChannelNotifier,
  type NotificationStats,
} from './calendar-channels.ts';
import { calendarControlRouter } from './calendar-control.ts';
import { calendarEventsRouter } from './calendar-events.ts';
import { CalendarQuota } from './calendar-quota.ts';
import type { CalendarStore } from './calendar-store.ts';
import type { SimContext } from './context.ts';

export function calendarRouter(ctx: SimContext, store: CalendarStore): Router {
  const stats: NotificationStats = { sent: 0, acked: 0, dropped: 0, failed: 0 };
  const quota = new CalendarQuota(
    () => ctx.faults,
    () => ctx.random(),
  );
  const call = makeCalendarCall(ctx, store, quota);
  store.knows = (email) => ctx.hasMailbox(email);
  store.onChange = makeChannelNotifier(ctx, stats);
  const router = Router();
  router.use(calendarControlRouter(store, stats));
  router.use(calendarEventsRouter(ctx, store, call));
  router.use(calendarChannelsRouter(ctx, store, call, stats));
  return router;
}
