// The calendar's push channel (https://developers.google.com/workspace/calendar/api/guides/push):
// events.watch on the primary calendar, to PUBLIC_URL/google/calendar/notifications, with a secret
// token of our own that every notification must carry (only its sha256 is stored). Google renews
// nothing: a channel ends at its expiration, so a new one (a new id, as Google requires) is opened a
// day before, and the old one stopped. A failure is recorded and left to the next poll; meanwhile
// the poll's own syncs catch every change.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { type Calendar, callCalendar } from './calendar-client.ts';
import type { CalendarPacer } from './calendar-pacer.ts';
import { type CalendarSync, recordCalendarError, recordChannel } from './calendar-store.ts';

export const NOTIFICATION_PATH = '/google/calendar/notifications';
/** What we ask for; Google may give less (the answer's expiration is what is recorded). */
const CHANNEL_TTL_MS = 7 * 86_400_000;
const RENEW_BEFORE_MS = 86_400_000;

export interface ChannelDeps {
  db: Db;
  log: Logger;
  publicUrl: string;
}

export const hashChannelToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Constant-time: a wrong token of the right length takes as long to refuse as any other. */
export function channelTokenMatches(presented: string, storedHash: string | null): boolean {
  if (!storedHash) return false;
  const expected = Buffer.from(storedHash, 'hex');
  const actual = createHash('sha256').update(presented).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export function channelDue(
  row: Pick<CalendarSync, 'channelId' | 'channelExpiresAt'>,
  now = Date.now(),
): boolean {
  return (
    !row.channelId ||
    !row.channelExpiresAt ||
    row.channelExpiresAt.getTime() - now < RENEW_BEFORE_MS
  );
}

/** Opens a channel when none is live or the live one ends within a day; stops the one it replaces. */
export async function ensureChannel(
  deps: ChannelDeps,
  calendar: Calendar,
  pacer: CalendarPacer,
  row: CalendarSync,
): Promise<void> {
  if (!channelDue(row)) return;
  const token = randomBytes(32).toString('base64url');
  try {
    const { data } = await callCalendar(pacer, () =>
      calendar.events.watch({
        calendarId: 'primary',
        requestBody: {
          id: randomUUID(),
          type: 'web_hook',
          address: `${deps.publicUrl}${NOTIFICATION_PATH}`,
          token,
          expiration: String(Date.now() + CHANNEL_TTL_MS),
        },
      }),
    );
    await recordChannel(deps.db, row.mailboxId, {
      id: data.id ?? '',
      resourceId: data.resourceId ?? '',
      tokenHash: hashChannelToken(token),
      expiresAt: new Date(Number(data.expiration)),
    });
  } catch (error) {
    deps.log.warn({ err: error, mailbox_id: row.mailboxId }, 'calendar channel failed');
    await recordCalendarError(
      deps.db,
      row.mailboxId,
      'channel failed: notifications off until the next poll',
    );
    return;
  }
  if (row.channelId && row.channelResourceId) await stopChannel(deps, calendar, pacer, row);
}

/** Best effort: a channel Google no longer knows is already stopped. */
export async function stopChannel(
  deps: Pick<ChannelDeps, 'log'>,
  calendar: Calendar,
  pacer: CalendarPacer,
  row: Pick<CalendarSync, 'channelId' | 'channelResourceId' | 'mailboxId'>,
): Promise<void> {
  if (!row.channelId || !row.channelResourceId) return;
  const { channelId, channelResourceId } = row;
  await callCalendar(pacer, () =>
    calendar.channels.stop({ requestBody: { id: channelId, resourceId: channelResourceId } }),
  ).catch((err: unknown) =>
    deps.log.info({ err, mailbox_id: row.mailboxId }, 'calendar channel stop failed'),
  );
}
