// The search that decides a mailbox's pending mail (search-first.ts): one search over the CRM's
// addresses and domains (or the mailbox's scope, for a CRM too large to search whole:
// crm/mailbox-terms.ts), from a little before the oldest pending mail. What it finds is fetched and
// logged as any sync would; what shares a thread with mail just logged follows it (a colleague's
// reply). What it does not find may be mail its index has not reached yet, so it stays pending and
// every later search looks again; once a search started `settleMs` after the mail was seen and
// still did not find it, the mail concerns no one and is let go. A mail that had its own look
// waits for the search of later mail to settle it, or for one of its own at `2 × settleMs`: on a
// mailbox with steady mail the settling costs nothing. The daily reconciliation, which searches the
// day again, is the net behind that judgement.

import { recordSkipped } from '../activity-store/skipped-messages.ts';
import { listMatchingIds, queryGroups } from '../crm/crm-search.ts';
import { mailboxSearchTerms } from '../crm/mailbox-terms.ts';
import { SearchRefused } from '../crm/search-query.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { enqueueMatch } from '../queue/enqueue.ts';
import { logMessages, STORE_SLICE } from '../sync/log-messages.ts';
import type { SearchFirstOptions, SyncContext } from '../sync/sync-context.ts';
import { forgetPending, letGoPending } from './pending-store.ts';
import { loggedThreads, searchPays } from './search-first.ts';

/** How far before the oldest pending mail the search looks: its date is the sender's clock. */
const WINDOW_MARGIN_MS = 24 * 60 * 60 * 1000;

export interface MatchResult {
  pending: number;
  searched: boolean;
  /** Found by the search (or fetched without one) and judged by the sync's rules. */
  found: number;
  /** Not found, but in a thread the found mail opened (waiting, or let go earlier): logged with it. */
  followed: number;
  logged: number;
  /** Let go: searched for long enough and not found. */
  settled: number;
  /** Still waiting for a later search. */
  waiting: number;
  /** Ids that failed to fetch: they stay pending and are tried again. */
  failed: string[];
}

type PendingRow = {
  id: string;
  thread_id: string;
  /** When the history named it, and when it wants a search of its own, in epoch milliseconds. */
  seen_ms: number;
  look_ms: number;
};

export async function matchPending(
  ctx: SyncContext,
  options: SearchFirstOptions,
): Promise<MatchResult> {
  const startedAt = Date.now();
  const { rows } = await ctx.db.execute<PendingRow>(sql`
    select gmail_message_id as id, thread_id,
           (extract(epoch from seen_at) * 1000)::float8 as seen_ms,
           (extract(epoch from look_at) * 1000)::float8 as look_ms from pending_matches
     where mailbox_id = ${ctx.mailbox.id} and let_go_at is null
     order by seen_at, gmail_message_id`);
  const result: MatchResult = {
    pending: rows.length,
    searched: false,
    found: 0,
    followed: 0,
    logged: 0,
    settled: 0,
    waiting: 0,
    failed: [],
  };
  if (rows.length === 0) return result;

  const terms = await mailboxSearchTerms(ctx);
  let hits: PendingRow[];
  const size = { queries: queryGroups(terms.terms).length, incomplete: terms.incomplete };
  const found = searchPays(size, rows.length, ctx.pacer)
    ? await searchPending(ctx, terms.terms, rows)
    : undefined;
  if (found) {
    hits = rows.filter((r) => found.has(r.id));
    result.searched = true;
  } else {
    // The CRM grew past what a search saves (or holds an address search cannot express, or one
    // Gmail refused to search): fetch.
    hits = rows;
  }
  const done = new Set<string>();
  await logAll(ctx, hits, result, done);
  result.found = done.size;
  // A reply in a thread the hits just opened is logged with it, found by search or not, and so is
  // one let go earlier.
  const rest = rows.filter((r) => !done.has(r.id) && !result.failed.includes(r.id));
  const threads = await loggedThreads(
    ctx.db,
    ctx.mailbox.id,
    rest.map((r) => r.thread_id),
  );
  await logAll(
    ctx,
    rest.filter((r) => threads.has(r.thread_id)),
    result,
    done,
  );
  const hitThreads = hits.filter((r) => done.has(r.id)).map((r) => r.thread_id);
  result.followed = done.size - result.found + (await followLetGo(ctx, hitThreads));
  // A hit judged unloggable may belong to a thread whose CRM mail search has not found yet (a
  // colleague's reply quoting the contact, indexed first): kept as let go, its thread's first
  // mail brings it in when found (followLetGo), as for mail that was never found. It was read and
  // judged: recorded as such, the reconciliation (which asks the same search) does not fetch it again.
  const unlogged = await notLogged(
    ctx,
    hits.filter((r) => done.has(r.id)).map((r) => r.id),
  );
  await forgetPending(
    ctx.db,
    ctx.mailbox.id,
    [...done].filter((id) => !unlogged.includes(id)),
  );
  await letGoPending(ctx.db, ctx.mailbox.id, unlogged);
  await recordSkipped(ctx.db, ctx.mailbox.id, unlogged, 'not_logged_by_rules');

  const settled = rows.filter(
    (r) => !done.has(r.id) && !result.failed.includes(r.id) && settledBy(r, startedAt, options),
  );
  for (const r of settled) done.add(r.id);
  result.settled = settled.length;
  await letGoPending(
    ctx.db,
    ctx.mailbox.id,
    settled.map((r) => r.id),
  );

  const waiting = rows.filter((r) => !done.has(r.id));
  result.waiting = waiting.length;
  if (waiting.length > 0) {
    // A failed fetch is tried again soon; a mail not found yet, at its next look.
    const retry =
      result.failed.length > 0
        ? Date.now() + ctx.timings.matchRetryAfterFailureMs
        : Number.POSITIVE_INFINITY;
    const next = Math.min(retry, ...waiting.map((r) => nextLook(r, startedAt, options)));
    await enqueueMatch(ctx.db, ctx.mailbox.id, new Date(Math.max(next, Date.now() + 1_000)));
  }
  return result;
}

/** What the search finds from a little before the oldest pending mail; undefined if refused. */
async function searchPending(
  ctx: SyncContext,
  terms: string[],
  rows: PendingRow[],
): Promise<Set<string> | undefined> {
  const oldest = Math.min(...rows.map((r) => r.seen_ms));
  try {
    return new Set(await listMatchingIds(ctx, terms, new Date(oldest - WINDOW_MARGIN_MS)));
  } catch (error) {
    if (error instanceof SearchRefused) return undefined;
    throw error;
  }
}

/** Judged: a search that began `settleMs` after the mail was seen did not find it. */
function settledBy(row: PendingRow, searchedAt: number, options: SearchFirstOptions): boolean {
  return searchedAt - row.seen_ms >= options.settleMs;
}

/** When a mail still waiting wants a search: its own look if still ahead, else the settling one. */
function nextLook(row: PendingRow, searchedAt: number, options: SearchFirstOptions): number {
  return row.look_ms > searchedAt ? row.look_ms : row.seen_ms + 2 * options.settleMs;
}

async function logAll(
  ctx: SyncContext,
  rows: PendingRow[],
  result: MatchResult,
  done: Set<string>,
): Promise<void> {
  const ids = rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += STORE_SLICE) {
    const slice = ids.slice(i, i + STORE_SLICE);
    // Never a contact from mail that waited for search: mail that makes contacts (sent mail under
    // `auto_create_contacts: sent`, all mail under `sent_and_received`) is fetched at once, and
    // mail found because a contact was just made must not make the next (as with any search).
    const batch = await logMessages(ctx, slice, null);
    result.logged += batch.logged;
    result.failed.push(...batch.pending);
    const failed = new Set(batch.pending);
    for (const id of slice) if (!failed.has(id)) done.add(id);
  }
}

/**
 * Mail let go earlier in these threads, now that the threads are logged (a first mail that search
 * found only late, or a reconciliation repaired): fetched and judged as a thread's reply is.
 * Returns how many were logged.
 */
export async function followLetGo(ctx: SyncContext, threadIds: string[]): Promise<number> {
  if (threadIds.length === 0) return 0;
  const { rows } = await ctx.db.execute<{ id: string }>(sql`
    select gmail_message_id as id from pending_matches
     where mailbox_id = ${ctx.mailbox.id} and let_go_at is not null
       and thread_id = any(${sqlArray([...new Set(threadIds)], 'text')})`);
  let logged = 0;
  const followed: string[] = [];
  for (let i = 0; i < rows.length; i += STORE_SLICE) {
    const slice = rows.slice(i, i + STORE_SLICE).map((r) => r.id);
    const batch = await logMessages(ctx, slice, null);
    logged += batch.logged;
    const failed = new Set(batch.pending);
    followed.push(...slice.filter((id) => !failed.has(id)));
  }
  await forgetPending(ctx.db, ctx.mailbox.id, followed);
  return logged;
}

/** Those of these ids this mailbox has no activity for. */
async function notLogged(ctx: SyncContext, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await ctx.db.execute<{ id: string }>(sql`
    select gmail_message_id as id from activities
     where mailbox_id = ${ctx.mailbox.id} and gmail_message_id = any(${sqlArray(ids, 'text')})`);
  const logged = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !logged.has(id));
}
