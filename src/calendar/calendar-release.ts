// At disconnect, before the grant is revoked: the calendar's channel is stopped (while the grant
// still opens the API) and forgotten. Handed to mailbox/disconnect.ts as a step, so the mailbox's
// code needs none of the calendar's.

import type { Db } from '../db/database.ts';
import type { GoogleConfig } from '../google/clients.ts';
import type { Logger } from '../logger.ts';
import type { MailboxAccess } from '../mailbox/mailbox-auth.ts';
import type { Mailbox } from '../mailbox/mailbox-store.ts';
import { stopChannel } from './calendar-channel.ts';
import { makeCalendar } from './calendar-client.ts';
import type { CalendarPacerRegistry } from './calendar-pacer.ts';
import { readCalendarSync, recordChannel } from './calendar-store.ts';

export function makeCalendarRelease(deps: {
  db: Db;
  log: Logger;
  google: GoogleConfig;
  calendarPacers: CalendarPacerRegistry;
}) {
  return async (mailbox: Mailbox, access: MailboxAccess): Promise<void> => {
    const row = await readCalendarSync(deps.db, mailbox.id);
    if (!row?.channelId) return;
    const calendar = makeCalendar(deps.google, access.auth);
    await stopChannel(deps, calendar, deps.calendarPacers.forMailbox(mailbox.id), row);
    await recordChannel(deps.db, mailbox.id, null);
  };
}
