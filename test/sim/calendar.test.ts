import type { calendar_v3 } from 'googleapis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { calendarFor, createEvent, googleError } from '../support/sim-calendar.ts';
import { control, failure, faults } from '../support/sim-gmail.ts';

const day = 86_400_000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** Every page of a listing; the sync token its last page carries. */
async function listAll(
  calendar: calendar_v3.Calendar,
  params: calendar_v3.Params$Resource$Events$List,
) {
  const items: calendar_v3.Schema$Event[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  for (;;) {
    const { data } = await calendar.events.list({
      calendarId: 'primary',
      ...params,
      ...(pageToken ? { pageToken } : {}),
    });
    pages += 1;
    items.push(...(data.items ?? []));
    if (!data.nextPageToken) return { items, syncToken: data.nextSyncToken ?? undefined, pages };
    expect(data.nextSyncToken).toBeUndefined();
    pageToken = data.nextPageToken;
  }
}

describe('the simulated Calendar API, through googleapis', () => {
  let sim: Simulator;
  let calendar: calendar_v3.Calendar;
  const OWNER = 'rep@vendor.test';

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    calendar = await calendarFor(sim, OWNER);
  });
  afterEach(() => faults(sim, { reset: true }));
  afterAll(async () => {
    await sim.close();
  });

  it('when a weekly meeting is listed with singleEvents, then each occurrence is an instance within timeMin/timeMax', async () => {
    const id = await createEvent(sim, OWNER, {
      summary: 'Weekly sync',
      start: '2030-01-07T10:00:00Z',
      end: '2030-01-07T10:30:00Z',
      attendees: ['carla@client.test'],
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=10'],
    });
    const { items } = await listAll(calendar, {
      singleEvents: true,
      timeMin: '2030-01-10T00:00:00Z',
      timeMax: '2030-02-01T00:00:00Z',
    });
    const mine = items.filter((e) => e.recurringEventId === id);
    expect(mine.map((e) => e.start?.dateTime)).toEqual([
      '2030-01-14T10:00:00.000Z',
      '2030-01-21T10:00:00.000Z',
      '2030-01-28T10:00:00.000Z',
    ]);
    expect(mine[0]?.id).toBe(`${id}_20300114T100000Z`);
    expect(mine[0]?.attendees?.map((a) => a.email)).toContain('carla@client.test');
    const instance = await calendar.events.get({
      calendarId: 'primary',
      eventId: `${id}_20300121T100000Z`,
    });
    expect(instance.data.originalStartTime?.dateTime).toBe('2030-01-21T10:00:00.000Z');
    // Without singleEvents the series comes once, with its rule.
    const series = (await listAll(calendar, {})).items.filter((e) => e.id === id);
    expect(series[0]?.recurrence).toEqual(['RRULE:FREQ=WEEKLY;COUNT=10']);
  });

  it('when the listing spans pages, then only the last page carries the sync token and nothing repeats', async () => {
    for (let i = 0; i < 7; i++)
      await createEvent(sim, 'pages@vendor.test', {
        summary: `m${i}`,
        start: at(day * (i + 1)),
        end: at(day * (i + 1) + 3_600_000),
      });
    const pager = await calendarFor(sim, 'pages@vendor.test');
    const { items, syncToken, pages } = await listAll(pager, { maxResults: 3, singleEvents: true });
    expect(pages).toBe(3);
    expect(new Set(items.map((e) => e.id)).size).toBe(7);
    expect(syncToken).toBeTruthy();
  });

  it('when events change after a sync, then the sync token lists them, a deletion as cancelled, and the next token nothing', async () => {
    const pager = await calendarFor(sim, 'changes@vendor.test');
    const keep = await createEvent(sim, 'changes@vendor.test', {
      summary: 'keep',
      start: at(day),
      end: at(day + 1_800_000),
    });
    const gone = await createEvent(sim, 'changes@vendor.test', {
      summary: 'gone',
      start: at(day),
      end: at(day + 1_800_000),
    });
    const first = await listAll(pager, { singleEvents: true, timeMin: at(-day) });
    const moved = at(2 * day);
    await control(sim, 'PATCH', `mailboxes/changes@vendor.test/calendar/events/${keep}`, {
      start: moved,
      end: at(2 * day + 1_800_000),
    });
    await control(sim, 'DELETE', `mailboxes/changes@vendor.test/calendar/events/${gone}`);
    const added = await createEvent(sim, 'changes@vendor.test', {
      summary: 'new',
      start: at(day),
      end: at(day + 1_800_000),
    });
    const next = await listAll(pager, { singleEvents: true, syncToken: first.syncToken as string });
    const byId = new Map(next.items.map((e) => [e.id, e]));
    expect([...byId.keys()].sort()).toEqual([keep, gone, added].sort());
    expect(byId.get(gone)?.status).toBe('cancelled');
    expect(byId.get(keep)?.start?.dateTime).toBe(moved);
    const after = await listAll(pager, { singleEvents: true, syncToken: next.syncToken as string });
    expect(after.items).toEqual([]);
  });

  it('when one occurrence of a series is cancelled, then the sync lists that instance alone as cancelled', async () => {
    const pager = await calendarFor(sim, 'series@vendor.test');
    const id = await createEvent(sim, 'series@vendor.test', {
      summary: 'Daily',
      start: '2030-03-01T09:00:00Z',
      end: '2030-03-01T09:15:00Z',
      recurrence: ['RRULE:FREQ=DAILY;COUNT=5'],
    });
    const first = await listAll(pager, { singleEvents: true });
    expect(first.items.filter((e) => e.recurringEventId === id)).toHaveLength(5);
    await control(
      sim,
      'DELETE',
      `mailboxes/series@vendor.test/calendar/events/${id}_20300303T090000Z`,
    );
    const next = await listAll(pager, { singleEvents: true, syncToken: first.syncToken as string });
    expect(next.items).toEqual([
      expect.objectContaining({
        id: `${id}_20300303T090000Z`,
        status: 'cancelled',
        recurringEventId: id,
      }),
    ]);
  });

  it('when a sync token is combined with timeMin, then 400', async () => {
    const { syncToken } = await listAll(calendar, { singleEvents: true });
    const refused = await failure(
      calendar.events.list({
        calendarId: 'primary',
        syncToken: syncToken as string,
        timeMin: at(0),
      }),
    );
    expect(refused.status).toBe(400);
  });

  it('when a token is edited, expired, outlived, or the ACL changes, then 410 fullSyncRequired', async () => {
    const pager = await calendarFor(sim, 'gone@vendor.test');
    const token = async () => (await listAll(pager, { singleEvents: true })).syncToken as string;
    const gone = async (t: string) => {
      const e = await googleError(
        pager.events.list({ calendarId: 'primary', singleEvents: true, syncToken: t }),
      );
      return { status: e.status, reason: e.reason };
    };
    const expected = { status: 410, reason: 'fullSyncRequired' };
    expect(await gone(`1${await token()}`)).toEqual(expected);
    let t = await token();
    await control(sim, 'POST', 'mailboxes/gone@vendor.test/calendar/expire-sync-tokens');
    expect(await gone(t)).toEqual(expected);
    t = await token();
    await control(sim, 'POST', 'mailboxes/gone@vendor.test/calendar/acl', {
      role: 'reader',
      scope: { type: 'user', value: 'x@y.test' },
    });
    expect(await gone(t)).toEqual(expected);
    t = await token();
    await faults(sim, { calendar: { sync_token_ttl_ms: 1 } });
    await new Promise((r) => setTimeout(r, 5));
    expect(await gone(t)).toEqual(expected);
  });

  it('when a user exceeds 600 requests a minute, then 403 userRateLimitExceeded; with the 429 form, 429 rateLimitExceeded', async () => {
    await faults(sim, { calendar: { quota_per_minute: 3 } });
    const quota = await calendarFor(sim, 'quota@vendor.test');
    const call = () => failure(quota.events.list({ calendarId: 'primary' }));
    for (let i = 0; i < 3; i++) expect((await call()).status).toBe(200);
    expect(await googleError(quota.events.list({ calendarId: 'primary' }))).toMatchObject({
      status: 403,
      reason: 'userRateLimitExceeded',
      domain: 'usageLimits',
    });
    await faults(sim, { calendar: { quota_error: '429' } });
    expect(await googleError(quota.events.list({ calendarId: 'primary' }))).toMatchObject({
      status: 429,
      reason: 'rateLimitExceeded',
    });
  });

  it('when the grant lacks a Calendar scope, or names another calendar, then 403 or 404', async () => {
    const gmailOnly = await calendarFor(sim, 'nocal@vendor.test', [
      'https://www.googleapis.com/auth/gmail.readonly',
    ]);
    expect((await failure(gmailOnly.events.list({ calendarId: 'primary' }))).status).toBe(403);
    expect((await failure(calendar.events.list({ calendarId: 'someone@else.test' }))).status).toBe(
      404,
    );
  });
});
