// The control API's calendar (CONTRACT.md): what the user, an invitation or a colleague does to a
// calendar, each change recorded as Google would (sync tokens see it, channels are told).
//   POST   /__sim/mailboxes/{email}/calendar/events {"summary","start","end","attendees",
//          "organizer"?,"visibility"?,"recurrence"?,"conferenceUrl"?,"location"?,"description"?}
//   PATCH  /__sim/mailboxes/{email}/calendar/events/{id}   (an instance id changes one occurrence;
//          {"status":"cancelled"} cancels)
//   DELETE /__sim/mailboxes/{email}/calendar/events/{id}
// and, for tests of what Google does on its own: expire-sync-tokens, an ACL change (both make every
// sync token issued before answer 410), and the channels Google holds for a calendar.
import express, { type Response, Router } from 'express';
import type { NotificationStats } from './calendar-channels.ts';
import { findById } from './calendar-expand.ts';
import type {
  CalendarStore,
  EventFields,
  EventTime,
  SimAttendee,
  SimEvent,
} from './calendar-store.ts';

type Body = Record<string, unknown>;

export function calendarControlRouter(store: CalendarStore, stats: NotificationStats): Router {
  const router = Router();
  const json = express.json({ limit: '1mb' });
  const base = '/__sim/mailboxes/:email/calendar';

  router.post(`${base}/events`, json, (req, res) => {
    const body = (req.body ?? {}) as Body;
    const owner = String(req.params.email).toLowerCase();
    const start = time(body.start);
    const end = time(body.end);
    if (!start || !end) return res.status(400).json({ error: 'start and end are required' });
    const organizer = typeof body.organizer === 'string' ? body.organizer.toLowerCase() : owner;
    const attendees = withPeople(attendeesOf(body.attendees), organizer, owner);
    const fields: EventFields = {
      summary: String(body.summary ?? ''),
      description: String(body.description ?? ''),
      location: String(body.location ?? ''),
      start,
      end,
      attendees,
      status: body.status === 'tentative' ? 'tentative' : 'confirmed',
      visibility: visibilityOf(body.visibility),
      hangoutLink: typeof body.conferenceUrl === 'string' ? body.conferenceUrl : undefined,
    };
    const recurrence = Array.isArray(body.recurrence) ? body.recurrence.map(String) : undefined;
    const event = store.create(owner, fields, { organizer, ...(recurrence ? { recurrence } : {}) });
    res.status(201).json({ id: event.id, iCalUID: event.iCalUID });
  });

  router.patch(`${base}/events/:id`, json, (req, res) => {
    const found = held(store, String(req.params.email), String(req.params.id), res);
    if (!found) return;
    const fields = patchOf((req.body ?? {}) as Body);
    const organizer = found.event.organizer.email;
    if (fields.attendees) fields.attendees = withPeople(fields.attendees, organizer, organizer);
    if (found.originalStart !== undefined)
      store.updateInstance(found.event, String(req.params.id), fields);
    else store.update(found.event, fields);
    res.json({ id: String(req.params.id), status: fields.status ?? found.event.status });
  });

  router.delete(`${base}/events/:id`, (req, res) => {
    const found = held(store, String(req.params.email), String(req.params.id), res);
    if (!found) return;
    if (found.originalStart !== undefined)
      store.updateInstance(found.event, String(req.params.id), { status: 'cancelled' });
    else store.update(found.event, { status: 'cancelled' });
    res.status(204).end();
  });

  router.post(`${base}/expire-sync-tokens`, (req, res) => {
    const calendar = store.calendar(String(req.params.email));
    calendar.tokenGeneration += 1;
    res.json({ generation: calendar.tokenGeneration });
  });

  router.post(`${base}/acl`, json, (req, res) => {
    const calendar = store.calendar(String(req.params.email));
    calendar.aclVersion += 1;
    res.json({ aclVersion: calendar.aclVersion });
  });

  router.get(`${base}/channels`, (req, res) => {
    const calendar = store.calendar(String(req.params.email));
    res.json({
      channels: [...calendar.channels.values()].map((c) => ({
        id: c.id,
        resourceId: c.resourceId,
        address: c.address,
        expiration: String(c.expiration),
        stopped: c.stoppedAt !== undefined,
        active: c.stoppedAt === undefined && c.expiration > Date.now(),
        messages: c.messageNumber,
      })),
      notifications: stats,
    });
  });
  return router;
}

function held(store: CalendarStore, email: string, id: string, res: Response) {
  const found = findById(store.events, id);
  if (!found || !store.calendar(email).held.has(found.event.id)) {
    res.status(404).json({ error: `no event ${id} on ${email}'s calendar` });
    return undefined;
  }
  return found as { event: SimEvent; originalStart?: number };
}

/** `2026-01-05T10:00:00Z` (a time), `2026-01-05` (all day), or Google's own {dateTime}/{date}. */
function time(value: unknown): EventTime | undefined {
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return { date: value };
    return Number.isNaN(Date.parse(value))
      ? undefined
      : { dateTime: new Date(value).toISOString() };
  }
  if (value && typeof value === 'object') {
    const v = value as EventTime;
    if (v.date || (v.dateTime && !Number.isNaN(Date.parse(v.dateTime)))) return v;
  }
  return undefined;
}

function attendeesOf(value: unknown): SimAttendee[] {
  if (!Array.isArray(value)) return [];
  return value.map((a) => {
    const entry = (typeof a === 'string' ? { email: a } : a) as Partial<SimAttendee>;
    return {
      email: String(entry.email ?? '').toLowerCase(),
      responseStatus: entry.responseStatus ?? 'needsAction',
      ...(entry.displayName ? { displayName: entry.displayName } : {}),
      ...(entry.resource ? { resource: true } : {}),
    };
  });
}

/** As Google lists them: the organizer among the attendees (accepted), and the calendar's owner too. */
function withPeople(attendees: SimAttendee[], organizer: string, owner: string): SimAttendee[] {
  const list = [...attendees];
  if (list.length > 0 && !list.some((a) => a.email === organizer))
    list.unshift({ email: organizer, responseStatus: 'accepted' });
  if (owner !== organizer && !list.some((a) => a.email === owner))
    list.push({ email: owner, responseStatus: 'needsAction' });
  return list;
}

function visibilityOf(value: unknown): EventFields['visibility'] {
  return value === 'private' || value === 'confidential' || value === 'public' ? value : 'default';
}

function patchOf(body: Body): Partial<EventFields> {
  const status =
    body.status === 'cancelled' || body.status === 'tentative' || body.status === 'confirmed'
      ? body.status
      : undefined;
  return {
    ...(body.summary !== undefined ? { summary: String(body.summary) } : {}),
    ...(body.description !== undefined ? { description: String(body.description) } : {}),
    ...(body.location !== undefined ? { location: String(body.location) } : {}),
    ...(time(body.start) ? { start: time(body.start) } : {}),
    ...(time(body.end) ? { end: time(body.end) } : {}),
    ...(body.attendees !== undefined ? { attendees: attendeesOf(body.attendees) } : {}),
    ...(body.visibility !== undefined ? { visibility: visibilityOf(body.visibility) } : {}),
    ...(typeof body.conferenceUrl === 'string' ? { hangoutLink: body.conferenceUrl } : {}),
    ...(status ? { status } : {}),
  };
}
