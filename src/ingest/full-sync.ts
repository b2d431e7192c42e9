// Full sync, bounded: the initial backfill after connect and the recovery when history is too old.
// The new cursor is read from getProfile BEFORE listing, so mail arriving meanwhile is replayed by
// the next incremental sync instead of being jumped over. Quota goes to mail that can be logged:
// Gmail's search is asked for the org's CRM addresses, not for every message of the window, and
// the mail its index has not caught up with yet is listed without a query (unindexed-tail.ts).

import { advanceCursor } from '../activity-store/store-activities.ts';
import { listMatchingIds, orgSearchTerms } from '../crm/crm-search.ts';
import { callGmail } from '../google/gmail-call.ts';
import { logMessages, STORE_SLICE } from '../sync/log-messages.ts';
import type { SyncContext } from '../sync/sync-context.ts';
import { newestIndexedIds, unindexedTail } from './unindexed-tail.ts';

/** Overlap with the last sync so a clock skew or a late delivery is not missed. */
const WINDOW_OVERLAP_MS = 60 * 60 * 1000;

export interface FullSyncResult {
  listed: number;
  fetched: number;
  logged: number;
  pending: string[];
  since: Date;
}

export async function fullSync(ctx: SyncContext): Promise<FullSyncResult> {
  const { data: profile } = await callGmail(ctx.pacer, 'getProfile', () =>
    ctx.gmail.users.getProfile({ userId: 'me' }),
  );
  const newCursor = Number(profile.historyId);
  const since = windowStart(ctx);
  const { terms } = await orgSearchTerms(ctx);
  // Asked before searching: whatever the index knows then, the searches below know too.
  const indexed = await newestIndexedIds(ctx);
  const found = await listMatchingIds(ctx, terms, since);
  const ids = [...found, ...(await unindexedTail(ctx, indexed, new Set(found)))];
  await ctx.progress?.total(ids);

  const result: FullSyncResult = { listed: ids.length, fetched: 0, logged: 0, pending: [], since };
  for (let i = 0; i < ids.length; i += STORE_SLICE) {
    const batch = await logMessages(ctx, ids.slice(i, i + STORE_SLICE), null);
    result.fetched += batch.fetched;
    result.logged += batch.logged;
    result.pending.push(...batch.pending);
  }
  if (result.pending.length === 0) {
    await advanceCursor(ctx.db, ctx.mailbox.id, newCursor, { full: true });
  }
  return result;
}

function windowStart(ctx: SyncContext): Date {
  const backfill = Date.now() - ctx.backfillDays * 24 * 60 * 60 * 1000;
  const last = ctx.mailbox.lastSyncAt?.getTime();
  return new Date(last ? Math.max(backfill, last - WINDOW_OVERLAP_MS) : backfill);
}
