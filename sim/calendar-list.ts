// events.list (https://developers.google.com/workspace/calendar/api/v3/reference/events/list) over
// one calendar: a full listing (optionally bounded by timeMin/timeMax, recurring events expanded
// with singleEvents) or the changes since a sync token, deleted events included, in pages whose
// last one carries the next sync token. The token names the calendar's counter when the listing
// started, so a change made while the client pages is reported by its next sync, never skipped
// ("You don't need to worry about any new entries appearing while you are paginating", the sync
// guide). Pages continue after the last id served, so an item that changes mid-listing shifts none.
import { CalendarError } from './calendar-call.ts';
import { type EventView, eventView, expand, instanceView, startMs } from './calendar-expand.ts';
import type { CalendarStore, EventTime, SimCalendar, SimEvent } from './calendar-store.ts';
import {
  issuePageToken,
  issueSyncToken,
  readPageToken,
  readSyncToken,
} from './calendar-sync-token.ts';

export interface ListQuery {
  syncToken?: string | undefined;
  pageToken?: string | undefined;
  singleEvents: boolean;
  showDeleted: boolean;
  timeMin?: string | undefined;
  timeMax?: string | undefined;
  maxResults: number;
  /** Parameters Google refuses beside a sync token, by name, when given. */
  others: string[];
}

/** Google's reference: these cannot be specified together with a sync token. */
export const NOT_WITH_SYNC_TOKEN = [
  'iCalUID',
  'orderBy',
  'privateExtendedProperty',
  'q',
  'sharedExtendedProperty',
  'timeMin',
  'timeMax',
  'updatedMin',
];

export function listEvents(
  store: CalendarStore,
  calendar: SimCalendar,
  query: ListQuery,
  opts: { baseUrl: string; syncTokenTtlMs: number },
): Record<string, unknown> {
  if (query.syncToken !== undefined) {
    const clash = query.others.find((name) => NOT_WITH_SYNC_TOKEN.includes(name));
    if (clash)
      throw CalendarError.badRequest(
        `The parameter ${clash} cannot be used together with syncToken.`,
        clash,
      );
  }
  const key = JSON.stringify([
    query.syncToken,
    query.singleEvents,
    query.showDeleted,
    query.timeMin,
    query.timeMax,
  ]);
  const page = query.pageToken === undefined ? undefined : readPageToken(query.pageToken, key);
  if (query.pageToken !== undefined && !page)
    throw CalendarError.badRequest('Invalid page token value.', 'pageToken');
  const startSeq = page?.seq ?? calendar.seq;
  let views: EventView[];
  if (query.syncToken !== undefined) {
    const since = readSyncToken(calendar, query.syncToken, opts.syncTokenTtlMs);
    if (since === undefined) throw CalendarError.gone();
    views = changesSince(store, calendar, since, startSeq, query.singleEvents, opts.baseUrl);
  } else views = fullListing(store, calendar, query, opts.baseUrl);
  const sorted = views.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rest = page ? sorted.filter((v) => v.id > page.after) : sorted;
  const items = rest.slice(0, query.maxResults);
  const last = items.at(-1);
  const more = rest.length > items.length && last !== undefined;
  return {
    kind: 'calendar#events',
    etag: `"${startSeq}"`,
    summary: calendar.email,
    updated: new Date().toISOString(),
    timeZone: 'UTC',
    accessRole: 'owner',
    defaultReminders: [],
    items,
    ...(more
      ? { nextPageToken: issuePageToken(last.id, startSeq, key) }
      : { nextSyncToken: issueSyncToken(calendar, startSeq) }),
  };
}

/** What changed after `since` and by `until`: whole events, or single instances changed alone. */
function changesSince(
  store: CalendarStore,
  calendar: SimCalendar,
  since: number,
  until: number,
  single: boolean,
  baseUrl: string,
): EventView[] {
  const out: EventView[] = [];
  for (const [id, holding] of calendar.held) {
    const event = store.events.get(id);
    if (!event) continue;
    if (holding.seq > since && holding.seq <= until) {
      // A recurring event that changed as a whole: every instance when expanded (Google's
      // behaviour with singleEvents), else the series and its exceptions.
      out.push(
        ...(single
          ? expand(event, calendar, baseUrl, Number.POSITIVE_INFINITY)
          : [...seriesViews(event, calendar, baseUrl)]),
      );
      continue;
    }
    for (const [instanceId, seq] of holding.instanceSeq) {
      if (seq <= since || seq > until) continue;
      const original = originalOf(event, instanceId);
      if (original !== undefined) out.push(instanceView(event, original, calendar, baseUrl));
    }
  }
  return out;
}

function fullListing(
  store: CalendarStore,
  calendar: SimCalendar,
  q: ListQuery,
  baseUrl: string,
): EventView[] {
  const min = q.timeMin === undefined ? Number.NEGATIVE_INFINITY : Date.parse(q.timeMin);
  const max = q.timeMax === undefined ? Number.POSITIVE_INFINITY : Date.parse(q.timeMax);
  if (Number.isNaN(min) || Number.isNaN(max))
    throw CalendarError.badRequest('Bad Request', Number.isNaN(min) ? 'timeMin' : 'timeMax');
  if (min >= max) throw CalendarError.timeRangeEmpty();
  const out: EventView[] = [];
  for (const [id, holding] of calendar.held) {
    const event = store.events.get(id);
    if (!event || holding.removed) continue;
    const views = q.singleEvents
      ? expand(event, calendar, baseUrl, max)
      : seriesViews(event, calendar, baseUrl);
    for (const view of views) {
      if (view.status === 'cancelled' && !q.showDeleted) continue;
      // timeMin bounds an event's end, timeMax its start (both exclusive), as the reference says.
      const [start, end] = span(view);
      if (end > min && start < max) out.push(view);
    }
  }
  return out;
}

/** The series (or single event) and its changed or cancelled occurrences, as singleEvents=false lists them. */
function* seriesViews(
  event: SimEvent,
  calendar: SimCalendar,
  baseUrl: string,
): Generator<EventView> {
  yield eventView(event, calendar, baseUrl);
  for (const instanceId of event.overrides.keys()) {
    const original = originalOf(event, instanceId);
    if (original !== undefined) yield instanceView(event, original, calendar, baseUrl);
  }
}

function originalOf(event: SimEvent, instanceId: string): number | undefined {
  const basic = instanceId.slice(event.id.length + 1);
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(basic);
  if (!m) return undefined;
  return Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
  );
}

function span(view: EventView): [number, number] {
  const start = (view.start ?? view.originalStartTime) as EventTime | undefined;
  const end = (view.end ?? view.originalStartTime) as EventTime | undefined;
  if (!start || !end) return [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  return [startMs(start), startMs(end)];
}
