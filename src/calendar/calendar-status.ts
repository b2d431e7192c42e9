// The calendar's part of GET /integrations/gmail/status: whether meetings are being logged, the
// last sync and the channel's end (CONTRACT.md), and when not, why and how to fix it.
import type { Db } from '../db/database.ts';
import { CALENDAR_SCOPE } from '../mailbox/consent-checks.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { readCalendarSync } from './calendar-store.ts';

export interface CalendarStatusView {
  connected: boolean;
  last_sync_at: string | null;
  channel_expires_at: string | null;
  /** Why meetings are not logged, or the last failure; null when all is well. */
  last_error: string | null;
  /** Where the user connects again to grant the calendar, when that is the fix. */
  reconnect_url: string | null;
}

const NOT_GRANTED =
  'calendar access was not granted: connect again and allow "View events on all your calendars"';

export async function readCalendarStatus(
  db: Db,
  mailbox: Mailbox | undefined,
  config: { syncCalendar: boolean; publicUrl: string },
): Promise<CalendarStatusView> {
  const row = mailbox ? await readCalendarSync(db, mailbox.id) : undefined;
  const view = {
    last_sync_at: row?.lastSyncAt?.toISOString() ?? null,
    channel_expires_at: row?.channelExpiresAt?.toISOString() ?? null,
  };
  const off = (last_error: string | null, reconnect = false): CalendarStatusView => ({
    connected: false,
    ...view,
    last_error,
    reconnect_url: reconnect ? `${config.publicUrl}/integrations/gmail/connect` : null,
  });
  if (!config.syncCalendar) return off('calendar sync is off on this service (SYNC_CALENDAR)');
  if (!mailbox) return off(null);
  if (mailbox.status === 'revoked') return off('the Google grant was revoked; connect again', true);
  const granted = mailbox.scopes.includes(CALENDAR_SCOPE);
  if (!granted || row?.lastError?.startsWith('calendar access not granted'))
    return off(NOT_GRANTED, true);
  return { connected: true, ...view, last_error: row?.lastError ?? null, reconnect_url: null };
}
