// Incremental sync: history.list from the stored cursor, every page, then the new messages of each
// page stored with the cursor moved to the end of that page
// (https://developers.google.com/gmail/api/guides/sync#partial_synchronization).
import type { gmail_v1 } from '@googleapis/gmail';
import { callGmail } from '../google/gmail-call.ts';
import { classifyGoogleError } from '../google/gmail-errors.ts';
import { logMessages, STORE_SLICE } from './log-messages.ts';
import { skippedByLabels } from './mail-filter.ts';
import type { SyncContext } from './sync-context.ts';

export interface HistoryResult {
  outcome: 'done' | 'history_gone';
  pages: number;
  fetched: number;
  logged: number;
  pending: string[];
}

export async function syncHistory(ctx: SyncContext): Promise<HistoryResult> {
  const result: HistoryResult = { outcome: 'done', pages: 0, fetched: 0, logged: 0, pending: [] };
  let pageToken: string | undefined;
  do {
    let data: gmail_v1.Schema$ListHistoryResponse;
    try {
      ({ data } = await callGmail(ctx.pacer, 'history.list', () =>
        ctx.gmail.users.history.list({
          userId: 'me',
          startHistoryId: String(ctx.mailbox.historyId),
          historyTypes: ['messageAdded', 'labelAdded'],
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
    const lastRecord = records.at(-1)?.id;
    const cursor = pageToken ? Number(lastRecord ?? ctx.mailbox.historyId) : Number(data.historyId);
    const ids = candidateIds(records, ctx);
    result.pages += 1;
    // A page is stored a slice at a time (bounded memory); only its last slice moves the cursor.
    for (let i = 0; i === 0 || i < ids.length; i += STORE_SLICE) {
      const last = i + STORE_SLICE >= ids.length;
      const batch = await logMessages(ctx, ids.slice(i, i + STORE_SLICE), last ? cursor : null);
      result.fetched += batch.fetched;
      result.logged += batch.logged;
      result.pending.push(...batch.pending);
      if (batch.pending.length > 0) return result;
    }
  } while (pageToken);
  return result;
}

/** New or relabelled messages of a page, de-duplicated; drafts, spam, trash and excluded labels dropped unfetched. */
function candidateIds(records: gmail_v1.Schema$History[], ctx: SyncContext): string[] {
  const labels = new Map<string, string[]>();
  for (const record of records) {
    for (const { message } of [...(record.messagesAdded ?? []), ...(record.labelsAdded ?? [])]) {
      if (message?.id) labels.set(message.id, message.labelIds ?? []);
    }
  }
  return [...labels]
    .filter(([, labelIds]) => skippedByLabels(labelIds, ctx.mailbox.settings) === null)
    .map(([id]) => id);
}
