// A mailbox's calendar, synced the Calendar way (https://developers.google.com/workspace/calendar/api/guides/sync):
//   incremental  events.list with the stored sync token, every page, the new token stored only with
//                the last page's events;
//   full         the whole meeting window (timeMin = its start, recurring events expanded), at
//                connect or when Google answers 410 to the token: never a silent jump. A full
//                listing shows no deleted events, so a meeting of the window that it no longer
//                lists was deleted meanwhile and is marked cancelled (twentyhq/twenty#24096 lost
//                exactly these). Recorded as `calendar.resynced` when it replaces a lost token;
//   window       the window listed with timeMin and timeMax, token untouched: for a CRM record
//                added later, and to read occurrences as they come within 90 days.
// Every sync then moves the horizon if due, and opens or renews the push channel.

import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { EVENT } from '../events/event-types.ts';
import { recordEvent } from '../events/record-events.ts';
import type { GoogleConfig } from '../google/clients.ts';
import type { Logger } from '../logger.ts';
import { CALENDAR_SCOPE } from '../mailbox/consent-checks.ts';
import type { MailboxAuth } from '../mailbox/mailbox-auth.ts';
import { getMailbox, type Mailbox } from '../mailbox/mailbox-store.ts';
import { handleRevokedGrant } from '../mailbox/revocation.ts';
import type { OrgRulesSource } from '../org/org-rules.ts';
import type { CalendarSyncMode } from '../queue/job-names.ts';
import { ensureChannel } from './calendar-channel.ts';
import {
  type Calendar,
  callCalendar,
  isScopeMissing,
  isSyncTokenGone,
  makeCalendar,
} from './calendar-client.ts';
import type { CalendarPacer, CalendarPacerRegistry } from './calendar-pacer.ts';
import {
  type CalendarSync,
  ensureCalendarSync,
  forgetSyncToken,
  recordCalendarError,
} from './calendar-store.ts';
import { horizonDue, type MeetingWindow, meetingWindow } from './calendar-window.ts';
import { candidatesOf, ownerOf } from './meeting-candidates.ts';
import { meetingKey } from './meeting-draft.ts';
import { type StoredMeetings, storeMeetings } from './store-meetings.ts';

export interface CalendarDeps {
  db: Db;
  log: Logger;
  mailboxAuth: MailboxAuth;
  calendarPacers: CalendarPacerRegistry;
  google: GoogleConfig;
  publicUrl: string;
  retroDays: number;
  /** The org's never_log, max_visibility and erased people, as for mail. */
  orgRules: OrgRulesSource;
}

export type CalendarOutcome =
  | ({ kind: 'synced'; mode: CalendarSyncMode | 'recovered' } & StoredMeetings)
  | { kind: 'skipped'; reason: string };

/** The most events one page may carry ("can never be larger than 2500"): fewest requests. */
const PAGE_SIZE = 2_500;

interface Run {
  deps: CalendarDeps;
  mailbox: Mailbox;
  row: CalendarSync;
  calendar: Calendar;
  pacer: CalendarPacer;
  window: MeetingWindow;
  totals: StoredMeetings;
}

export async function syncCalendar(
  deps: CalendarDeps,
  mailboxId: string,
  mode: CalendarSyncMode,
): Promise<CalendarOutcome> {
  const mailbox = await getMailbox(deps.db, mailboxId);
  if (!deps.google.syncCalendar) return { kind: 'skipped', reason: 'SYNC_CALENDAR is off' };
  if (!mailbox || !['active', 'syncing', 'error'].includes(mailbox.status))
    return { kind: 'skipped', reason: mailbox?.status ?? 'unknown mailbox' };
  if (!mailbox.scopes.includes(CALENDAR_SCOPE))
    return { kind: 'skipped', reason: 'calendar not granted' };
  const row = await ensureCalendarSync(deps.db, mailbox);
  try {
    const access = await deps.mailboxAuth.accessFor(mailbox);
    const run: Run = {
      deps,
      mailbox,
      row,
      calendar: makeCalendar(deps.google, access.auth),
      pacer: deps.calendarPacers.forMailbox(mailbox.id),
      window: meetingWindow(deps.retroDays),
      totals: { logged: 0, updated: 0, cancelled: 0 },
    };
    const done = await runMode(run, mode);
    if (mode !== 'window' && horizonDue(row.horizonAt, run.window))
      await listWindow(run, row.horizonAt);
    if (mode !== 'window')
      await ensureChannel(
        deps,
        run.calendar,
        run.pacer,
        await ensureCalendarSync(deps.db, mailbox),
      );
    return { kind: 'synced', mode: done, ...run.totals };
  } catch (error) {
    if (await handleRevokedGrant(deps, mailbox, error))
      return { kind: 'skipped', reason: 'revoked' };
    if (isScopeMissing(error)) {
      await recordCalendarError(
        deps.db,
        mailbox.id,
        'calendar access not granted: connect again and allow it',
      );
      return { kind: 'skipped', reason: 'calendar not granted' };
    }
    await recordCalendarError(deps.db, mailbox.id, `calendar sync failed (${errorKind(error)})`);
    throw error;
  }
}

async function runMode(run: Run, mode: CalendarSyncMode): Promise<CalendarSyncMode | 'recovered'> {
  if (mode === 'window') {
    await listWindow(run, null);
    return 'window';
  }
  if (mode === 'full' || !run.row.syncToken) {
    await listFull(run);
    return 'full';
  }
  try {
    await listChanges(run, run.row.syncToken);
    return 'incremental';
  } catch (error) {
    if (!isSyncTokenGone(error)) throw error;
  }
  // The token is gone: forget it first, so a crash during the listing starts it over.
  await forgetSyncToken(run.deps.db, run.mailbox.id);
  const before = { ...run.totals };
  await listFull(run);
  await recordEvent(run.deps.db, {
    orgId: run.mailbox.orgId,
    mailboxId: run.mailbox.id,
    type: EVENT.calendarResynced,
    payload: {
      mailbox_id: run.mailbox.id,
      reason: 'sync_token_gone',
      since: run.window.start.toISOString(),
      logged: run.totals.logged - before.logged,
      cancelled: run.totals.cancelled - before.cancelled,
    },
  });
  run.deps.log.warn(
    { mailbox_id: run.mailbox.id },
    'calendar sync token gone: window listed again',
  );
  return 'recovered';
}

async function listChanges(run: Run, syncToken: string): Promise<void> {
  await pages(run, { syncToken }, async (items, last) => {
    await store(run, items, last?.nextSyncToken ? { syncToken: last.nextSyncToken } : undefined);
  });
}

async function listFull(run: Run): Promise<void> {
  const seen = new Set<string>();
  await pages(run, { timeMin: run.window.start.toISOString() }, async (items, last) => {
    for (const item of items)
      if (item.id && item.status !== 'cancelled') seen.add(meetingKey(item.id));
    await store(run, items);
    // The token comes with the last page: stored with the cancellations that complete the listing.
    if (last)
      await cancelUnseen(run, seen, {
        syncToken: last.nextSyncToken ?? '',
        full: true,
        horizonAt: run.window.end,
      });
  });
}

/** The window, or the part of it past `from` (the horizon), listed without touching the token. */
async function listWindow(run: Run, from: Date | null): Promise<void> {
  const timeMin = (from && from > run.window.start ? from : run.window.start).toISOString();
  await pages(run, { timeMin, timeMax: run.window.end.toISOString() }, async (items, last) => {
    await store(run, items, last ? { horizonAt: run.window.end } : undefined);
  });
}

type Page = {
  items?: import('./calendar-client.ts').CalendarEvent[] | null;
  nextPageToken?: string | null;
  nextSyncToken?: string | null;
};

/** Every page of one listing, each handed on; the last with its answer (its sync token). */
async function pages(
  run: Run,
  params: { syncToken?: string; timeMin?: string; timeMax?: string },
  onPage: (items: NonNullable<Page['items']>, last: Page | undefined) => Promise<void>,
): Promise<void> {
  let pageToken: string | undefined;
  for (;;) {
    const { data } = await callCalendar(run.pacer, () =>
      run.calendar.events.list({
        calendarId: 'primary',
        singleEvents: true,
        maxResults: PAGE_SIZE,
        ...params,
        ...(pageToken ? { pageToken } : {}),
      }),
    );
    const page = data as Page;
    pageToken = page.nextPageToken ?? undefined;
    await onPage(page.items ?? [], pageToken ? undefined : page);
    if (!pageToken) return;
  }
}

async function store(
  run: Run,
  items: NonNullable<Page['items']>,
  position?: Parameters<typeof storeMeetings>[3],
) {
  const owner = ownerOf(run.mailbox);
  const rules = await run.deps.orgRules.forOrg(run.mailbox.orgId);
  const page = await candidatesOf(run.deps.db, run.mailbox, owner, items, run.window, rules);
  const stored = await storeMeetings(run.deps.db, run.mailbox, page, position);
  run.totals.logged += stored.logged;
  run.totals.updated += stored.updated;
  run.totals.cancelled += stored.cancelled;
}

/** Meetings of the window a full listing no longer shows were deleted while no token saw it. */
async function cancelUnseen(
  run: Run,
  seen: Set<string>,
  position: Parameters<typeof storeMeetings>[3],
) {
  const { rows } = await run.deps.db.execute<{ key: string }>(sql`
    select gmail_message_id as key from activities
     where mailbox_id = ${run.mailbox.id} and type = 'meeting'
       and created_at >= ${run.window.start.toISOString()}::timestamptz
       and created_at <= ${run.window.end.toISOString()}::timestamptz
       and content -> 'meeting' ->> 'status' <> 'cancelled'`);
  const cancelled = rows.map((r) => r.key).filter((key) => !seen.has(key));
  const stored = await storeMeetings(run.deps.db, run.mailbox, { live: [], cancelled }, position);
  run.totals.cancelled += stored.cancelled;
}

function errorKind(error: unknown): string {
  const status = (error as { status?: number; response?: { status?: number } }).response?.status;
  return status ? `HTTP ${status}` : error instanceof Error ? error.name : 'unknown';
}
