// Full sync, bounded: the initial backfill after connect and the recovery when history is too old.
// The new cursor is read from getProfile BEFORE listing, so mail arriving meanwhile is replayed by
// the next incremental sync instead of being jumped over. Quota goes to mail that can be logged:
//   - Gmail's search is asked for the org's CRM addresses over the window, not for every message
//     (or, for a CRM too large to search whole, for the mailbox's scope: crm/mailbox-terms.ts,
//     learned first from LEARN_MAILS of the window when the mailbox has learned nothing);
//   - the window's listing (ids and threads only, 500 a call) names the mail in threads the mailbox
//     already logged or that this sync's CRM mail opens: a colleague's reply no CRM search finds
//     is fetched and logged with its thread, as the incremental sync does;
//   - the mail the index has not caught up with is read from the history (unindexed-tail.ts).
// A recovery covers from the last successful sync (less an hour's overlap), as far back as
// SYNC_RETRO_DAYS allows: the mail of a long outage is the CRM's history too. A backfill covers
// SYNC_BACKFILL_DAYS. When Gmail refuses to search some CRM address at all, every message of the
// window is fetched and judged instead (crm/search-query.ts).

import { listMatchingIds } from '../crm/crm-search.ts';
import { mailboxSearchTerms } from '../crm/mailbox-terms.ts';
import { SearchRefused } from '../crm/search-query.ts';
import { callGmail } from '../google/gmail-call.ts';
import { advanceCursor } from '../mailbox/mailbox-cursor.ts';
import { loggedThreads } from '../search-first/search-first.ts';
import { logMessages, STORE_SLICE } from '../sync/log-messages.ts';
import type { SyncContext } from '../sync/sync-context.ts';
import { type Listed, listIndexed, RECENT_MS, unindexedTail } from './unindexed-tail.ts';

/** Overlap with the last sync so a clock skew or a late delivery is not missed. */
const WINDOW_OVERLAP_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * A mailbox that has taught nothing yet, in an org whose CRM is too large to search whole, first
 * reads this many of the window's mails (logged or judged as any): they teach its correspondents
 * and its known non-CRM senders, and the rest of the window is searched by those
 * (crm/mailbox-terms.ts). A connection's cost is bounded by the mailbox, not the CRM.
 */
export const LEARN_MAILS = 200;

export interface FullSyncResult {
  listed: number;
  fetched: number;
  logged: number;
  pending: string[];
  since: Date;
}

export async function fullSync(
  ctx: SyncContext,
  opts: { recovery?: boolean } = {},
): Promise<FullSyncResult> {
  const { data: profile } = await callGmail(ctx.pacer, 'getProfile', () =>
    ctx.gmail.users.getProfile({ userId: 'me' }),
  );
  const newCursor = Number(profile.historyId);
  const since = windowStart(ctx, opts.recovery === true);
  // Asked before searching: whatever the index knows then, the searches below know too.
  const dayAgo = new Date(Date.now() - RECENT_MS);
  const window = await listIndexed(ctx, since < dayAgo ? since : dayAgo);
  const recent = since < dayAgo ? await listIndexed(ctx, dayAgo) : window;
  const found = await searchWindow(ctx, since, window);
  const known = new Set([...window, ...recent].map((m) => m.id));
  for (const id of found) known.add(id);
  const tail = await unindexedTail(ctx, newCursor, new Set(recent.map((m) => m.id)), known);
  const ids = await withThreads(ctx, found, tail, window);
  await ctx.progress?.total(ids);

  const result: FullSyncResult = { listed: ids.length, fetched: 0, logged: 0, pending: [], since };
  for (let i = 0; i < ids.length; i += STORE_SLICE) {
    const batch = await logMessages(ctx, ids.slice(i, i + STORE_SLICE), null, {
      notBefore: since,
    });
    result.fetched += batch.fetched;
    result.logged += batch.logged;
    result.pending.push(...batch.pending);
  }
  if (result.pending.length === 0) {
    // After a history 404 the profile's id replaces the cursor even below it: a cursor Gmail no
    // longer knows (a restored or moved mailbox) would answer 404 again and again.
    const reset = opts.recovery ? ({ reset: 'history_gone' } as const) : {};
    await advanceCursor(
      ctx.db,
      { mailboxId: ctx.mailbox.id, historyId: newCursor },
      {
        full: true,
        ...reset,
      },
    );
  }
  return result;
}

/** The CRM search over the window; every listed message when Gmail refuses some address. */
async function searchWindow(ctx: SyncContext, since: Date, window: Listed[]): Promise<string[]> {
  let { terms, scoped } = await mailboxSearchTerms(ctx);
  const learned = new Set<string>();
  if (scoped && terms.length === 0) {
    // Mail of the window that no listing order is trusted to rank: any LEARN_MAILS of it teach.
    const sample = window.slice(0, LEARN_MAILS).map((m) => m.id);
    for (let i = 0; i < sample.length; i += STORE_SLICE) {
      const batch = await logMessages(ctx, sample.slice(i, i + STORE_SLICE), null, {
        notBefore: since,
      });
      for (const id of sample.slice(i, i + STORE_SLICE))
        if (!batch.pending.includes(id)) learned.add(id);
    }
    ({ terms } = await mailboxSearchTerms(ctx));
  }
  try {
    const found = terms.length === 0 ? [] : await listMatchingIds(ctx, terms, since);
    return found.filter((id) => !learned.has(id));
  } catch (error) {
    if (!(error instanceof SearchRefused)) throw error;
    return [...new Set([...error.found, ...window.map((m) => m.id)])].filter(
      (id) => !learned.has(id),
    );
  }
}

/**
 * The ids to fetch, in the order that lets a reply follow its thread: the CRM mail found, the
 * unindexed tail, then the window's other mail in a thread already logged or opened by those.
 */
async function withThreads(
  ctx: SyncContext,
  found: string[],
  tail: Listed[],
  window: Listed[],
): Promise<string[]> {
  const first = [...new Set([...found, ...tail.map((m) => m.id)])];
  const taken = new Set(first);
  const rest = window.filter((m) => !taken.has(m.id));
  const threadOf = new Map([...window, ...tail].map((m) => [m.id, m.threadId]));
  const opened = new Set(first.flatMap((id) => threadOf.get(id) ?? []));
  const logged = await loggedThreads(ctx.db, ctx.mailbox.id, [
    ...new Set(rest.map((m) => m.threadId)),
  ]);
  const followers = rest.filter((m) => opened.has(m.threadId) || logged.has(m.threadId));
  return [...first, ...followers.map((m) => m.id)];
}

function windowStart(ctx: SyncContext, recovery: boolean): Date {
  const now = Date.now();
  const backfill = now - ctx.backfillDays * DAY_MS;
  const last = ctx.mailbox.lastSyncAt?.getTime();
  if (!last) return new Date(backfill);
  const bound = recovery ? now - (ctx.retroDays ?? ctx.backfillDays) * DAY_MS : backfill;
  return new Date(Math.max(bound, last - WINDOW_OVERLAP_MS));
}
