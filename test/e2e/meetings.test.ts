import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addContact, addDeal } from '../support/crm-seed.ts';
import { type E2E, startE2E, type TestUser } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-meet';
const DAY = 86_400_000;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();

interface MeetingItem {
  id: string;
  type: string;
  title: string;
  links: { entity_type: string; entity_id: string }[];
  visibility: string;
  meeting: {
    event_id: string;
    title: string;
    start: string;
    status: string;
    location: string | null;
    attendees: { email: string; response_status: string }[];
    recurring_event_id: string | null;
  };
}

describe('meetings from Google Calendar', () => {
  let e2e: E2E;
  let carla: string;
  let deal: string;
  let n = 0;

  beforeAll(async () => {
    e2e = await startE2E();
    const db = e2e.deps.database.db;
    carla = await addContact(db, ORG, 'Carla Client', 'carla@client.test');
    deal = await addDeal(db, ORG, 'Renewal', { contactId: carla });
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  /** A fresh rep with a connected mailbox and calendar (the channel open), for each test. */
  async function rep(opts: { untick?: string[] } = {}): Promise<{ user: TestUser; email: string }> {
    n += 1;
    const email = `rep${n}@vendor.test`;
    const user = { sub: `rep-${n}`, org: ORG, name: 'Rep' };
    if (opts.untick)
      await e2e.simControl(`mailboxes/${email}/consent`, {
        method: 'PUT',
        body: { untick: opts.untick },
      });
    expect((await e2e.connect(user, email)).status).toBe(200);
    if (!opts.untick)
      await waitFor(async () => (await calendarRow(email))?.channel_id, {
        timeoutMs: 15_000,
        what: 'the channel',
      });
    return { user, email };
  }

  async function calendarRow(email: string) {
    const { rows } = await e2e.database.pool.query<{
      channel_id: string | null;
      channel_resource_id: string | null;
      sync_token: string | null;
      last_notification_at: Date | null;
    }>(
      `select c.* from calendar_syncs c join mailboxes m on m.id = c.mailbox_id where m.email = $1`,
      [email],
    );
    return rows[0];
  }

  const createEvent = async (email: string, body: Record<string, unknown>) => {
    const res = await e2e.simControl(`mailboxes/${encodeURIComponent(email)}/calendar/events`, {
      body,
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const patchEvent = (email: string, id: string, body: Record<string, unknown>) =>
    e2e.simControl(`mailboxes/${encodeURIComponent(email)}/calendar/events/${id}`, {
      method: 'PATCH',
      body,
    });

  async function meetingsOf(
    user: TestUser,
    entityType = 'contact',
    entityId = carla,
  ): Promise<MeetingItem[]> {
    const res = await e2e.api(
      `/activities?entity_type=${entityType}&entity_id=${entityId}&type=meeting&limit=200`,
      { user },
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: MeetingItem[] }).items;
  }
  const mineOf = async (user: TestUser, eventId: string) =>
    (await meetingsOf(user)).filter(
      (m) => m.meeting.event_id === eventId || m.meeting.recurring_event_id === eventId,
    );

  async function eventsOf(type: string, eventId: string) {
    const { rows } = await e2e.database.pool.query<{ payload: { meeting?: { event_id: string } } }>(
      `select payload from events where type = $1 and payload -> 'meeting' ->> 'event_id' like $2`,
      [type, `${eventId}%`],
    );
    return rows;
  }

  it('when a meeting with a CRM contact is created, then it is a meeting activity within 2 s of its notification, linked to the contact and the open deal', async () => {
    const { user, email } = await rep();
    const start = at(2 * DAY);
    const id = await createEvent(email, {
      summary: 'Renewal call',
      start,
      end: at(2 * DAY + 1_800_000),
      attendees: ['carla@client.test', 'someone@else.test'],
      location: 'Room 4',
      conferenceUrl: 'https://meet.google.com/abc-defg-hij',
    });
    const [item] = await waitFor(
      async () => {
        const found = await mineOf(user, id);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 10_000, what: 'the meeting activity' },
    );
    expect(item).toMatchObject({
      type: 'meeting',
      title: 'Meeting: Renewal call',
      meeting: {
        event_id: id,
        calendar_id: email,
        title: 'Renewal call',
        start,
        all_day: false,
        location: 'Room 4',
        conference_url: 'https://meet.google.com/abc-defg-hij',
        organizer: email,
        status: 'confirmed',
        recurring_event_id: null,
      },
    });
    expect(item?.meeting.attendees.map((a) => a.email).sort()).toEqual(
      [email, 'carla@client.test', 'someone@else.test'].sort(),
    );
    expect(item?.links).toEqual(
      expect.arrayContaining([
        { entity_type: 'contact', entity_id: carla },
        { entity_type: 'deal', entity_id: deal },
      ]),
    );
    const { rows } = await e2e.database.pool.query<{ lag: number }>(
      `select extract(epoch from a.logged_at - c.last_notification_at)::float8 as lag
         from activities a join calendar_syncs c on c.mailbox_id = a.mailbox_id
        where a.gmail_message_id = $1`,
      [`calendar:${id}`],
    );
    expect(rows[0]?.lag).toBeLessThan(2);
    expect(await eventsOf('meeting.logged', id)).toHaveLength(1);
  });

  it('when the meeting is rescheduled and then cancelled, then its activity follows, with meeting.updated and meeting.cancelled', async () => {
    const { user, email } = await rep();
    const id = await createEvent(email, {
      summary: 'Demo',
      start: at(DAY),
      end: at(DAY + 3_600_000),
      attendees: ['carla@client.test'],
    });
    await waitFor(async () => (await mineOf(user, id)).length === 1, { what: 'logged' });
    const later = at(3 * DAY);
    expect((await patchEvent(email, id, { start: later, end: at(3 * DAY + 3_600_000) })).ok).toBe(
      true,
    );
    await waitFor(async () => (await mineOf(user, id))[0]?.meeting.start === later, {
      what: 'rescheduled',
    });
    expect(await eventsOf('meeting.updated', id)).toHaveLength(1);
    expect((await patchEvent(email, id, { status: 'cancelled' })).ok).toBe(true);
    await waitFor(async () => (await mineOf(user, id))[0]?.meeting.status === 'cancelled', {
      what: 'cancelled',
    });
    expect(await eventsOf('meeting.cancelled', id)).toHaveLength(1);
    expect(await mineOf(user, id)).toHaveLength(1);
  });

  it('when a notification carries a wrong channel token, then it is refused and nothing is queued; an unknown channel is acknowledged', async () => {
    const { email } = await rep();
    // A known stamp on the channel once it is recorded and its first message (`sync`), which
    // Google sends as it opens the channel, has been answered: stamped, or acknowledged as unknown
    // when it came before the row was written. No other message comes for an unchanged calendar.
    const row = await waitFor(
      async () => {
        const watched = await calendarRow(email);
        return watched?.channel_id ? watched : undefined;
      },
      { what: "the calendar's channel" },
    );
    await waitFor(
      async () => {
        const res = await e2e.simControl(
          `mailboxes/${encodeURIComponent(email)}/calendar/channels`,
        );
        const { notifications: n } = (await res.json()) as {
          notifications: { sent: number; acked: number; failed: number };
        };
        return n.sent > 0 && n.acked + n.failed === n.sent;
      },
      { what: 'every channel message answered' },
    );
    await e2e.database.pool.query(
      `update calendar_syncs set last_notification_at = '2000-01-01Z' where channel_id = $1`,
      [row?.channel_id],
    );
    // This mailbox's calendar jobs (other tests' mailboxes have their own).
    const jobs = async () =>
      (
        await e2e.database.pool.query(
          `select 1 from graphile_worker.jobs j join mailboxes m on j.key like 'calendar-%:' || m.id
            where m.email = $1`,
          [email],
        )
      ).rowCount;
    const before = await jobs();
    const post = (headers: Record<string, string>) =>
      fetch(`${e2e.url}/google/calendar/notifications`, {
        method: 'POST',
        headers: {
          'x-goog-channel-id': row?.channel_id ?? '',
          'x-goog-resource-id': row?.channel_resource_id ?? '',
          'x-goog-resource-state': 'exists',
          'x-goog-message-number': '7',
          ...headers,
        },
      });
    const refused = await post({ 'x-goog-channel-token': 'not-the-token' });
    expect(refused.status).toBe(401);
    expect((await refused.json()) as unknown).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await post({})).status).toBe(401);
    expect(await jobs()).toBe(before);
    expect((await calendarRow(email))?.last_notification_at).toEqual(new Date('2000-01-01Z'));
    expect(
      (await post({ 'x-goog-channel-id': 'no-such-channel', 'x-goog-channel-token': 'x' })).status,
    ).toBe(200);
    expect((await post({ 'x-goog-resource-state': 'bogus' })).status).toBe(400);
  });

  it('when the sync token has expired, then the window is listed again: nothing lost, nothing twice, deletions seen', async () => {
    const { user, email } = await rep();
    const kept = await createEvent(email, {
      summary: 'Kept',
      start: at(DAY),
      end: at(DAY + 1_800_000),
      attendees: ['carla@client.test'],
    });
    const dropped = await createEvent(email, {
      summary: 'Dropped',
      start: at(DAY),
      end: at(DAY + 1_800_000),
      attendees: ['carla@client.test'],
    });
    await waitFor(
      async () => (await mineOf(user, kept)).length + (await mineOf(user, dropped)).length === 2,
      { what: 'both logged' },
    );
    // Google loses the token while notifications are lost too.
    await e2e.simControl('faults', { method: 'PUT', body: { calendar: { drop: 1 } } });
    await e2e.simControl(`mailboxes/${email}/calendar/expire-sync-tokens`, { body: {} });
    const added = await createEvent(email, {
      summary: 'Added',
      start: at(2 * DAY),
      end: at(2 * DAY + 1_800_000),
      attendees: ['carla@client.test'],
    });
    await e2e.simControl(`mailboxes/${email}/calendar/events/${dropped}`, { method: 'DELETE' });
    await e2e.resetFaults();
    // The poll's sync (as the cron runs it) meets the 410.
    const { pollCalendars } = await import('../../src/calendar/calendar-poll.ts');
    await pollCalendars(e2e.deps.database.db, { jitterSeconds: 0 });
    // The listing logs the new meeting, then marks what it no longer shows: both, in that order.
    await waitFor(
      async () =>
        (await mineOf(user, added)).length === 1 &&
        (await mineOf(user, dropped))[0]?.meeting.status === 'cancelled',
      { timeoutMs: 15_000, what: 'the recovery' },
    );
    expect((await mineOf(user, kept))[0]?.meeting.status).toBe('confirmed');
    const { rows } = await e2e.database.pool.query<{ n: number; keys: number }>(
      `select count(*)::int as n, count(distinct gmail_message_id)::int as keys
         from activities a join mailboxes m on m.id = a.mailbox_id where m.email = $1`,
      [email],
    );
    expect(rows[0]).toEqual({ n: 3, keys: 3 });
    await waitFor(
      async () =>
        (await e2e.database.pool.query(`select 1 from events where type = 'calendar.resynced'`))
          .rowCount,
      { what: 'calendar.resynced' },
    );
    expect((await calendarRow(email))?.sync_token).toBeTruthy();
  });

  it('when the user unticked the calendar, then mail is logged and status says how to connect the calendar', async () => {
    const { user, email } = await rep({ untick: ['calendar.events.readonly'] });
    const { id } = await e2e.deliver(
      email,
      rawMail({ from: 'carla@client.test', to: email, subject: 'mail still works' }),
    );
    await waitFor(
      async () => {
        const { rowCount } = await e2e.database.pool.query(
          'select 1 from activities where gmail_message_id = $1',
          [id],
        );
        return rowCount === 1;
      },
      { timeoutMs: 15_000, what: 'the mail' },
    );
    const status = (await (await e2e.api('/integrations/gmail/status', { user })).json()) as {
      status: string;
      scopes: string[];
      calendar: { connected: boolean; last_error: string; reconnect_url: string };
    };
    expect(status.calendar).toMatchObject({
      connected: false,
      reconnect_url: `${e2e.url}/integrations/gmail/connect`,
      last_error: expect.stringContaining('calendar access was not granted'),
    });
    expect(status.scopes).not.toContain('https://www.googleapis.com/auth/calendar.events.readonly');
  });

  it('when a weekly meeting recurs, then each occurrence within 90 days is its own activity, and no further', async () => {
    const { user, email } = await rep();
    const first = Date.now() + DAY;
    const id = await createEvent(email, {
      summary: 'Weekly',
      start: new Date(first).toISOString(),
      end: new Date(first + 1_800_000).toISOString(),
      attendees: ['carla@client.test'],
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=20'],
    });
    const within = Math.floor((90 * DAY - DAY) / (7 * DAY)) + 1;
    await waitFor(async () => (await mineOf(user, id)).length === within, {
      timeoutMs: 15_000,
      what: 'occurrences',
    });
    const items = await mineOf(user, id);
    expect(new Set(items.map((i) => i.meeting.event_id)).size).toBe(within);
    expect(items.every((i) => i.meeting.recurring_event_id === id)).toBe(true);
  });

  it('when an event is private, then only its people and time are kept', async () => {
    const { user, email } = await rep();
    const id = await createEvent(email, {
      summary: 'Confidential pricing',
      description: 'our floor is 40k',
      location: 'Secret room',
      visibility: 'private',
      start: at(DAY),
      end: at(DAY + 1_800_000),
      attendees: ['carla@client.test'],
    });
    const [item] = await waitFor(
      async () => {
        const found = await mineOf(user, id);
        return found.length ? found : undefined;
      },
      { what: 'the private meeting' },
    );
    expect(item).toMatchObject({
      title: 'Meeting',
      visibility: 'metadata',
      meeting: { title: '', location: null },
    });
    expect(JSON.stringify(item)).not.toContain('40k');
  });

  it('when a meeting only has colleagues, or people not in the CRM, then nothing is logged; when the person is added later, then it is', async () => {
    const { user, email } = await rep();
    const internal = await createEvent(email, {
      summary: 'Standup',
      start: at(DAY),
      end: at(DAY + 600_000),
      attendees: ['boss@vendor.test'],
    });
    const later = await createEvent(email, {
      summary: 'Intro',
      start: at(-3 * DAY),
      end: at(-3 * DAY + 1_800_000),
      attendees: ['newbie@prospect.test'],
    });
    const marker = await createEvent(email, {
      summary: 'Marker',
      start: at(DAY),
      end: at(DAY + 600_000),
      attendees: ['carla@client.test'],
    });
    await waitFor(async () => (await mineOf(user, marker)).length === 1, { what: 'the marker' });
    const { rows } = await e2e.database.pool.query(
      'select 1 from activities where gmail_message_id = any($1)',
      [[`calendar:${internal}`, `calendar:${later}`]],
    );
    expect(rows).toHaveLength(0);
    const newbie = await addContact(e2e.deps.database.db, ORG, 'Newbie', 'newbie@prospect.test');
    await waitFor(
      async () =>
        (await meetingsOf(user, 'contact', newbie)).some((m) => m.meeting.event_id === later),
      {
        timeoutMs: 20_000,
        what: 'the retroactive meeting',
      },
    );
  });

  it('when the owner deletes a meeting activity, then a later change to the event never logs it again', async () => {
    const { user, email } = await rep();
    const id = await createEvent(email, {
      summary: 'Gone',
      start: at(DAY),
      end: at(DAY + 600_000),
      attendees: ['carla@client.test'],
    });
    const [item] = await waitFor(
      async () => {
        const found = await mineOf(user, id);
        return found.length ? found : undefined;
      },
      { what: 'logged' },
    );
    expect((await e2e.api(`/activities/${item?.id}`, { method: 'DELETE', user })).status).toBe(200);
    await patchEvent(email, id, { summary: 'Gone, renamed' });
    const marker = await createEvent(email, {
      summary: 'After',
      start: at(DAY),
      end: at(DAY + 600_000),
      attendees: ['carla@client.test'],
    });
    await waitFor(async () => (await mineOf(user, marker)).length === 1, {
      what: 'the marker after it',
    });
    expect(await mineOf(user, id)).toHaveLength(0);
  });

  it('when an operator looks, then /admin and the mailboxes table show each calendar', async () => {
    const { email } = await rep();
    const unticked = await rep({ untick: ['calendar.events.readonly'] });
    await waitFor(async () => (await calendarRow(email))?.sync_token, {
      what: 'a synced calendar',
    });
    const { listMailboxes, renderMailboxTable } = await import('../../src/cli/mailbox-table.ts');
    const table = renderMailboxTable(await listMailboxes(e2e.deps.database.db)).split('\n');
    expect(table[0]).toContain('CALENDAR');
    expect(table.find((l) => l.startsWith(email))).toMatch(/synced .*channel to /);
    expect(table.find((l) => l.startsWith(unticked.email))).toContain('not granted');
    const page = await e2e.api('/admin', {
      user: { sub: 'boss', org: ORG, admin: true } as TestUser,
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Calendar (UTC)');
  });

  it('when the user disconnects, then the channel is stopped at Google', async () => {
    const { user, email } = await rep();
    expect(
      (await e2e.api('/integrations/gmail/disconnect', { method: 'DELETE', user })).status,
    ).toBe(200);
    const res = await e2e.simControl(`mailboxes/${email}/calendar/channels`);
    const { channels } = (await res.json()) as { channels: { stopped: boolean }[] };
    expect(channels.length).toBeGreaterThan(0);
    expect(channels.every((c) => c.stopped)).toBe(true);
  });
});
