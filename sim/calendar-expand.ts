// Events as Google's Calendar API shows them (https://developers.google.com/workspace/calendar/api/v3/reference/events):
// the event resource seen from one calendar, and a recurring event expanded into its instances, as
// `singleEvents=true` and `events.get` of an instance id return them. Instance ids are
// `<event id>_<original start>` in iCalendar basic form (`20260105T100000Z`, or `20260105` for an
// all-day event), which is how Google names them.
import rrulePackage from 'rrule';
import type { EventTime, SimCalendar, SimEvent } from './calendar-store.ts';

const { rrulestr } = rrulePackage;

/**
 * Google documents no horizon for expanding an open-ended rule without `timeMax`. The simulator
 * expands a year ahead and at most this many instances: a client that needs occurrences further
 * out must ask for them with `timeMin`/`timeMax` as they come near, which is what a client relying
 * on a longer horizon would have to do at Google too.
 */
export const OPEN_ENDED_HORIZON_MS = 365 * 86_400_000;
const MAX_INSTANCES = 2_500;
/** The latest time a JavaScript Date can hold. */
const LATEST_DATE_MS = 8_640_000_000_000_000;

export interface EventView {
  kind: 'calendar#event';
  id: string;
  status: string;
  [field: string]: unknown;
}

/** The event's start in epoch ms (an all-day date at UTC midnight). */
export function startMs(time: EventTime): number {
  return Date.parse(time.dateTime ?? `${time.date}T00:00:00Z`);
}

function shift(time: EventTime, to: number, allDay: boolean): EventTime {
  const iso = new Date(to).toISOString();
  return allDay
    ? { date: iso.slice(0, 10) }
    : { dateTime: iso, ...(time.timeZone ? { timeZone: time.timeZone } : {}) };
}

/** `<id>_<original start in basic form>`, as Google names an instance. */
export function instanceId(event: SimEvent, originalStart: number): string {
  const iso = new Date(originalStart).toISOString();
  const basic = event.start.date
    ? iso.slice(0, 10).replaceAll('-', '')
    : `${iso.slice(0, 19).replaceAll('-', '').replaceAll(':', '')}Z`;
  return `${event.id}_${basic}`;
}

/** The original starts of a recurring event's instances up to `until` (EXDATE lines excluded; an
 * open-ended rule no further than the horizon). */
export function occurrences(event: SimEvent, until: number): number[] {
  const lines = event.recurrence ?? [];
  const rules = lines.filter((l) => /^RRULE:/i.test(l));
  if (rules.length === 0) return [startMs(event.start)];
  const excluded = new Set(
    lines
      .filter((l) => /^EXDATE/i.test(l))
      .flatMap((l) => (l.split(':')[1] ?? '').split(','))
      .map(basicToMs),
  );
  const dtstart = new Date(startMs(event.start));
  const starts: number[] = [];
  for (const rule of rules) {
    // A rule with COUNT or UNTIL ends by itself; an open-ended one stops at the horizon.
    const bounded = /COUNT=|UNTIL=/i.test(rule);
    const last = new Date(
      Math.min(until, bounded ? LATEST_DATE_MS : Date.now() + OPEN_ENDED_HORIZON_MS),
    );
    rrulestr(rule, { dtstart })
      .all((d, i) => i < MAX_INSTANCES && d <= last)
      .forEach((d) => {
        starts.push(d.getTime());
      });
  }
  return [...new Set(starts)].filter((s) => !excluded.has(s)).sort((a, b) => a - b);
}

function basicToMs(basic: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(basic.trim());
  if (!m) return Number.NaN;
  return Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
  );
}

/** The event as this calendar sees it (`self` on its owner, the attendee's own response). */
export function eventView(event: SimEvent, calendar: SimCalendar, baseUrl: string): EventView {
  const removed = calendar.held.get(event.id)?.removed === true;
  if (removed || event.status === 'cancelled') return cancelledView(event.id);
  const self = calendar.email;
  return {
    kind: 'calendar#event',
    etag: `"${event.updated}${event.sequence}"`,
    id: event.id,
    status: event.status,
    htmlLink: `${baseUrl}/calendar/event?eid=${event.id}`,
    created: new Date(event.created).toISOString(),
    updated: new Date(event.updated).toISOString(),
    summary: event.summary,
    ...(event.description ? { description: event.description } : {}),
    ...(event.location ? { location: event.location } : {}),
    creator: {
      email: event.organizer.email,
      ...(event.organizer.email === self ? { self: true } : {}),
    },
    organizer: { ...event.organizer, ...(event.organizer.email === self ? { self: true } : {}) },
    start: event.start,
    end: event.end,
    ...(event.recurrence ? { recurrence: event.recurrence } : {}),
    iCalUID: event.iCalUID,
    sequence: event.sequence,
    ...(event.visibility !== 'default' ? { visibility: event.visibility } : {}),
    attendees: event.attendees.map((a) => ({
      ...a,
      ...(a.email.toLowerCase() === event.organizer.email ? { organizer: true } : {}),
      ...(a.email.toLowerCase() === self ? { self: true } : {}),
    })),
    ...(event.hangoutLink ? { hangoutLink: event.hangoutLink } : {}),
    eventType: 'default',
  };
}

/**
 * A deleted event as an incremental sync returns it: its id and `cancelled`, nothing else (Google:
 * "only the id is guaranteed"), with the recurrence fields for an instance.
 */
export function cancelledView(
  id: string,
  instance?: { eventId: string; original: EventTime },
): EventView {
  return {
    kind: 'calendar#event',
    id,
    status: 'cancelled',
    ...(instance
      ? { recurringEventId: instance.eventId, originalStartTime: instance.original }
      : {}),
  };
}

/** One instance of a recurring event, its own changes (an exception) applied. */
export function instanceView(
  event: SimEvent,
  originalStart: number,
  calendar: SimCalendar,
  baseUrl: string,
): EventView {
  const allDay = event.start.date !== undefined;
  const id = instanceId(event, originalStart);
  const original = shift(event.start, originalStart, allDay);
  const override = event.overrides.get(id)?.fields ?? {};
  const base = eventView(event, calendar, baseUrl);
  const cancelled = base.status === 'cancelled' || override.status === 'cancelled';
  if (cancelled) return cancelledView(id, { eventId: event.id, original });
  const length = startMs(event.end) - startMs(event.start);
  const { recurrence: _rule, ...series } = base;
  return {
    ...series,
    ...override,
    id,
    recurringEventId: event.id,
    originalStartTime: original,
    start: override.start ?? original,
    end: override.end ?? shift(event.end, originalStart + length, allDay),
    ...(override.attendees ? { attendees: override.attendees } : {}),
  };
}

/** Every instance of a recurring event up to `until`, or the event itself when it recurs not. */
export function expand(
  event: SimEvent,
  calendar: SimCalendar,
  baseUrl: string,
  until: number,
): EventView[] {
  if (!event.recurrence?.length) return [eventView(event, calendar, baseUrl)];
  return occurrences(event, until).map((s) => instanceView(event, s, calendar, baseUrl));
}

/** The event or instance named by `id` (an instance id is `<event id>_<original start>`). */
export function findById(
  events: Map<string, SimEvent>,
  id: string,
): { event: SimEvent; originalStart?: number } | undefined {
  const direct = events.get(id);
  if (direct) return { event: direct };
  const [eventId = '', basic = ''] = id.split('_');
  const event = events.get(eventId);
  const originalStart = basicToMs(basic);
  if (!event?.recurrence || Number.isNaN(originalStart)) return undefined;
  return occurrences(event, originalStart + 1).includes(originalStart)
    ? { event, originalStart }
    : undefined;
}
