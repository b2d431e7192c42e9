// Incremental sync: history.list from the stored cursor, every page, then the new messages of each
// page stored with the cursor moved to the last record of that page
// (https://developers.google.com/gmail/api/guides/sync#partial_synchronization).
// Every record kind is listed, though only new mail, mail deleted before we fetched it, labels
// removed (mail rescued from spam or trash) and, under `on_gmail_delete: remove`, TRASH added call
// for work (history-candidates.ts): a page costs 2 units whatever it holds, and listing the label
// records too lets the cursor pass them, so after a sync the cursor is the mailbox's own historyId
// and a poll's or a trailing check's getProfile (1 unit) can tell whether anything changed since.
import type { gmail_v1 } from '@googleapis/gmail';
import { callGmail } from '../google/gmail-call.ts';
import { classifyGoogleError } from '../google/gmail-errors.ts';
import { deferToSearch } from '../search-first/search-first.ts';
import { logMessages, STORE_SLICE } from '../sync/log-messages.ts';
import type { SyncContext } from '../sync/sync-context.ts';
import { removeGmailDeleted } from './gmail-removals.ts';
import { candidates, removedIds } from './history-candidates.ts';

const OUTGOING = ['SENT', 'DRAFT'];

export interface HistoryResult {
  outcome: 'done' | 'history_gone';
  pages: number;
  fetched: number;
  logged: number;
  /** Activities removed because their mail was trashed or deleted in Gmail. */
  removed: number;
  pending: string[];
  /** The mailbox's historyId as Gmail answered the last page (it may be past the listed records). */
  gmailHistoryId: number;
  /** The owner sent or drafted mail: a bounce, an auto-reply or the send may follow within the second. */
  outgoing: boolean;
}

export async function syncHistory(ctx: SyncContext): Promise<HistoryResult> {
  const result: HistoryResult = {
    outcome: 'done',
    pages: 0,
    fetched: 0,
    logged: 0,
    removed: 0,
    pending: [],
    gmailHistoryId: 0,
    outgoing: false,
  };
  let pageToken: string | undefined;
  let cursor = Number(ctx.mailbox.historyId);
  const { settings } = ctx.mailbox;
  do {
    let data: gmail_v1.Schema$ListHistoryResponse;
    try {
      ({ data } = await callGmail(ctx.pacer, 'history.list', () =>
        ctx.gmail.users.history.list({
          userId: 'me',
          startHistoryId: String(ctx.mailbox.historyId),
          maxResults: 500,
          ...(pageToken ? { pageToken } : {}),
        }),
      ));
    } catch (error) {
      // Gmail keeps history for a limited time; past it the start id answers 404.
      if (classifyGoogleError(error).kind === 'gone') return { ...result, outcome: 'history_gone' };
      throw error;
    }
    const records = data.history ?? [];
    pageToken = data.nextPageToken ?? undefined;
    result.gmailHistoryId = Number(data.historyId ?? 0);
    result.outgoing ||= records.some((r) =>
      r.messagesAdded?.some((a) => a.message?.labelIds?.some((l) => OUTGOING.includes(l))),
    );
    // The cursor moves only past records actually listed, never to the answer's `historyId`: that
    // is the mailbox's current id, and a record below it may not be listable yet (a push can come
    // before its history record, https://developers.google.com/gmail/api/guides/push), so jumping
    // to it could pass that record for good.
    cursor = Math.max(cursor, ...records.map((r) => Number(r.id ?? 0)));
    result.pages += 1;
    // Before the page's mail is logged and the cursor moves past it: a replay removes nothing new.
    result.removed += await removeGmailDeleted(ctx.db, ctx.mailbox, removedIds(records, settings));
    // Mail in no logged thread waits for search, recorded before the cursor passes it.
    const ids = await deferToSearch(ctx, candidates(records, settings));
    // A page is stored a slice at a time (bounded memory); only its last slice moves the cursor.
    for (let i = 0; i === 0 || i < ids.length; i += STORE_SLICE) {
      const last = i + STORE_SLICE >= ids.length;
      const slice = ids.slice(i, i + STORE_SLICE);
      const batch = await logMessages(ctx, slice, last ? cursor : null, { newMail: true });
      result.fetched += batch.fetched;
      result.logged += batch.logged;
      result.pending.push(...batch.pending);
      if (batch.pending.length > 0) return result;
    }
  } while (pageToken);
  return result;
}
