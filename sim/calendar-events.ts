// events.list and events.get (https://developers.google.com/workspace/calendar/api/v3/reference/events):
// list is calendar-list.ts; get answers an event or one instance of a recurring event by its id,
// deleted ones included ("The get method always returns them").
import { Router } from 'express';
import { type CalendarCall, CalendarError } from './calendar-call.ts';
import { eventView, findById, instanceView } from './calendar-expand.ts';
import { listEvents } from './calendar-list.ts';
import type { CalendarStore, SimCalendar } from './calendar-store.ts';
import { DEFAULT_SYNC_TOKEN_TTL_MS } from './calendar-sync-token.ts';
import type { SimContext } from './context.ts';

const LIST_PARAMS = [
  'iCalUID',
  'orderBy',
  'privateExtendedProperty',
  'q',
  'sharedExtendedProperty',
  'timeMin',
  'timeMax',
  'updatedMin',
];

export function calendarEventsRouter(
  ctx: SimContext,
  store: CalendarStore,
  call: CalendarCall,
): Router {
  const router = Router();
  router.get(
    '/calendar/v3/calendars/:calendarId/events',
    call('calendar.events.list', (req, res) => {
      const q = req.query as Record<string, string | undefined>;
      const asked = Number(q.maxResults ?? 250);
      if (!Number.isInteger(asked) || asked < 1)
        throw CalendarError.badRequest('Invalid value for: maxResults', 'maxResults');
      res.json(
        listEvents(
          store,
          res.locals.calendar,
          {
            syncToken: q.syncToken,
            pageToken: q.pageToken,
            singleEvents: q.singleEvents === 'true',
            showDeleted: q.showDeleted === 'true',
            timeMin: q.timeMin,
            timeMax: q.timeMax,
            // "The page size can never be larger than 2500 events."
            maxResults: Math.min(asked, 2_500),
            others: LIST_PARAMS.filter((name) => q[name] !== undefined),
          },
          {
            baseUrl: ctx.baseUrl,
            syncTokenTtlMs: ctx.faults.calendar?.sync_token_ttl_ms ?? DEFAULT_SYNC_TOKEN_TTL_MS,
          },
        ),
      );
    }),
  );
  router.get(
    '/calendar/v3/calendars/:calendarId/events/:eventId',
    call('calendar.events.get', (req, res) => {
      const calendar: SimCalendar = res.locals.calendar;
      const found = findById(store.events, String(req.params.eventId));
      if (!found || !calendar.held.has(found.event.id)) throw CalendarError.notFound();
      res.json(
        found.originalStart === undefined
          ? eventView(found.event, calendar, ctx.baseUrl)
          : instanceView(found.event, found.originalStart, calendar, ctx.baseUrl),
      );
    }),
  );
  return router;
}
