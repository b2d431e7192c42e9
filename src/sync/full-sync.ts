// Full sync, bounded: the initial backfill after connect and the recovery when history is too old.
// The new cursor is read from getProfile BEFORE listing, so mail arriving meanwhile is replayed by
// the next incremental sync instead of being jumped over. Quota goes to mail that can be logged:
// Gmail's search is asked for the org's CRM addresses, not for every message of the window, and
// the mail its index has not caught up with yet is listed without a query (unindexed-tail.ts).
import { sql } from '../db/orm.ts';
import { callGmail } from '../google/gmail-call.ts';
import { logMessages, STORE_SLICE } from './log-messages.ts';
import { advanceCursor } from './store-activities.ts';
import type { SyncContext } from './sync-context.ts';
import { newestIndexedIds, unindexedTail } from './unindexed-tail.ts';

/** Addresses per search query: Gmail's `q` has a practical length limit. */
export const ADDRESSES_PER_QUERY = 20;
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
  const addresses = await orgAddresses(ctx);
  // Asked before searching: whatever the index knows then, the searches below know too.
  const indexed = await newestIndexedIds(ctx);
  const found = await listMatchingIds(ctx, addresses, since);
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

export async function orgAddresses(ctx: SyncContext): Promise<string[]> {
  const { rows } = await ctx.db.execute<{ email: string }>(sql`
    select distinct email from crm_entity_emails where org_id = ${ctx.mailbox.orgId} order by email`);
  const own = ctx.mailbox.email;
  // Gmail's search would read quotes and braces as syntax: such addresses are left to push/poll.
  return rows.map((r) => r.email).filter((e) => e !== own && /^[^\s"{}()]+@[^\s"{}()]+$/.test(e));
}

/** Ids of the mails from, to or copied to any of these addresses (or domains) since `since`. */
export async function listMatchingIds(
  ctx: SyncContext,
  addresses: string[],
  since: Date,
): Promise<string[]> {
  const after = Math.floor(since.getTime() / 1000);
  const ids = new Set<string>();
  for (let i = 0; i < addresses.length; i += ADDRESSES_PER_QUERY) {
    const group = addresses.slice(i, i + ADDRESSES_PER_QUERY);
    const terms = group.flatMap((a) => [`from:${a}`, `to:${a}`, `cc:${a}`]).join(' ');
    const q = `after:${after} -in:drafts {${terms}}`;
    let pageToken: string | undefined;
    do {
      const { data } = await callGmail(ctx.pacer, 'messages.list', () =>
        ctx.gmail.users.messages.list({
          userId: 'me',
          q,
          maxResults: 500,
          ...(pageToken ? { pageToken } : {}),
        }),
      );
      for (const m of data.messages ?? []) if (m.id) ids.add(m.id);
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
  }
  return [...ids];
}
