// What every newly connected mailbox starts with, however it was connected (a user's consent or a
// Workspace's delegation): the watch, the cursor where the watch starts (or where Gmail's profile
// said it was, when the watch could not be made: the poll syncs it meanwhile), the initial full
// sync that fills in the window before it, a read of its send-as addresses, and (with the
// calendar granted and SYNC_CALENDAR on) a full listing of its calendar's window.
import type { Db } from '../db/database.ts';
import type { Gmail } from '../google/clients.ts';
import { enqueueCalendarSync } from '../queue/calendar-jobs.ts';
import { enqueueSync } from '../queue/enqueue.ts';
import { advanceCursor } from './mailbox-cursor.ts';
import { enqueueSendAsRefresh } from './send-as.ts';
import { startWatch, type WatchDeps } from './watch.ts';

export async function startFirstSync(
  deps: WatchDeps & { db: Db },
  mailboxId: string,
  gmail: Gmail,
  profileHistoryId: string | null | undefined,
  opts: { calendar: boolean },
): Promise<{ watching: boolean }> {
  const watch = await startWatch(deps, mailboxId, gmail);
  await deps.db.transaction(async (tx) => {
    const historyId = watch?.historyId ?? Number(profileHistoryId);
    await advanceCursor(tx, { mailboxId, historyId }, { reset: 'connected' });
    await enqueueSync(tx, mailboxId, { full: true });
    await enqueueSendAsRefresh(tx, mailboxId);
    if (opts.calendar) await enqueueCalendarSync(tx, mailboxId, 'full');
  });
  return { watching: watch !== undefined };
}
