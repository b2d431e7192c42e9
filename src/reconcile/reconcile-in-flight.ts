// Mail the sync has yet to take is not a gap. Gmail's history from the mailbox's cursor lists
// what arrived since the last sync (https://developers.google.com/gmail/api/guides/sync): those
// messages are on their way through push and sync, so the reconciliation leaves them alone. A
// record Gmail never lists (the loss the reconciliation exists for) is not among them. One
// `history.list` page costs 2 units.
import { sql } from '../db/orm.ts';
import { callGmail } from '../google/gmail-call.ts';
import { classifyGoogleError } from '../google/gmail-errors.ts';
import type { SyncContext } from '../sync/sync-context.ts';

export async function idsAfterCursor(ctx: SyncContext): Promise<Set<string>> {
  // Mail the history named and that waits for its search (search-first/) is on its way too.
  const { rows } = await ctx.db.execute<{ id: string }>(sql`
    select gmail_message_id as id from pending_matches
     where mailbox_id = ${ctx.mailbox.id} and let_go_at is null`);
  const ids = new Set<string>(rows.map((r) => r.id));
  const cursor = ctx.mailbox.historyId;
  if (cursor === null) return ids;
  let pageToken: string | undefined;
  try {
    do {
      const { data } = await callGmail(ctx.pacer, 'history.list', () =>
        ctx.gmail.users.history.list({
          userId: 'me',
          startHistoryId: String(cursor),
          historyTypes: ['messageAdded'],
          maxResults: 500,
          ...(pageToken ? { pageToken } : {}),
        }),
      );
      for (const h of data.history ?? [])
        for (const added of h.messagesAdded ?? []) if (added.message?.id) ids.add(added.message.id);
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
  } catch (error) {
    // History too old: the next sync recovers with a full sync; nothing is known to be in flight.
    if (classifyGoogleError(error).kind === 'gone') return new Set(rows.map((r) => r.id));
    throw error;
  }
  return ids;
}
