// Reconciliation: proves a mailbox complete against Gmail, and repairs what is not. Gmail's search
// is asked which mails of a window concern the CRM (the org's CRM addresses, the query the full
// sync uses); each one must be logged or deliberately skipped (a filter, the blocklist, a dead
// letter with its reason). Any other is a gap: fetched and stored through the sync's own pipeline.
// It costs the list calls plus one fetch per gap, never a re-read of the mailbox, and counts them.
// Mail that arrived after the mailbox's cursor is the sync's to take, not a gap.
//
// Window: the whole backfill window after a connect or a recovery; otherwise from the last
// reconciliation less a margin, because Gmail's search index trails delivery (a mail can reach the
// mailbox before search finds it) — the margin lets the next run see what this one could not.

import { recordSkipped } from '../activity-store/skipped-messages.ts';
import { listMatchingIds } from '../crm/crm-search.ts';
import { mailboxSearchTerms } from '../crm/mailbox-terms.ts';
import { countUnits } from '../google/counted-pacer.ts';
import { followLetGo } from '../search-first/match-pending.ts';
import { threadsOf } from '../search-first/search-first.ts';
import { logMessages, STORE_SLICE } from '../sync/log-messages.ts';
import type { SyncContext } from '../sync/sync-context.ts';
import { idsAfterCursor } from './reconcile-in-flight.ts';
import {
  classifyIds,
  lastReconciliation,
  type ReconcileResult,
  saveReconciliation,
} from './reconcile-store.ts';

/** How far before the last reconciliation the next one looks again (search lag, late mail). */
export const SEARCH_LAG_MARGIN_MS = 24 * 60 * 60 * 1000;

export type ReconcileWindow = 'backfill' | 'since_last';

export async function reconcileMailbox(
  ctx: SyncContext,
  window: ReconcileWindow,
): Promise<ReconcileResult> {
  const checkedAt = new Date();
  const windowStart = await reconcileWindowStart(ctx, window, checkedAt);
  const units = { spent: 0 };
  const counted: SyncContext = { ...ctx, pacer: countUnits(ctx.pacer, units) };

  const listed = await listMatchingIds(counted, (await mailboxSearchTerms(ctx)).terms, windowStart);
  const inFlight = await idsAfterCursor(counted);
  const ids = listed.filter((id) => !inFlight.has(id));
  const before = await classifyIds(ctx.db, ctx.mailbox.id, ids);
  const gaps = ids.filter((id) => !before.logged.has(id) && !before.skipped.has(id));

  ctx.progress?.begin('reconciliation');
  await ctx.progress?.total(gaps);
  const failed = new Set<string>();
  for (let i = 0; i < gaps.length; i += STORE_SLICE) {
    const batch = await logMessages(counted, gaps.slice(i, i + STORE_SLICE), null);
    for (const id of batch.pending) failed.add(id);
  }

  const after = await classifyIds(ctx.db, ctx.mailbox.id, gaps);
  const repaired = gaps.filter((id) => after.logged.has(id));
  // Mail let go while search missed a repaired thread's first mail (a colleague's reply) joins it.
  const followed = await followLetGo(counted, await threadsOf(ctx.db, ctx.mailbox.id, repaired));
  if (followed > 0) ctx.log.info({ followed }, 'replies let go joined their repaired threads');
  // Fetched and read, and the sync's own rules did not log it: deliberately skipped from now on.
  const notLogged = gaps.filter((id) => !after.logged.has(id) && !after.skipped.has(id));
  const filtered = notLogged.filter((id) => !failed.has(id));
  await recordSkipped(ctx.db, ctx.mailbox.id, filtered, 'not_logged_by_rules');
  // Dead-lettered during this very repair: the mail exists and could not be stored.
  const missing = [
    ...new Set([...failed, ...gaps.filter((id) => after.deadLettered.has(id))]),
  ].filter((id) => !after.logged.has(id));

  const result: ReconcileResult = {
    checkedAt,
    windowStart,
    expected: ids.length,
    logged: before.logged.size,
    skipped: before.skipped.size + filtered.length,
    repaired,
    missing,
    units: units.spent,
  };
  // Idle before the result shows, so a status that has the result never shows it still running.
  await ctx.progress?.end();
  await saveReconciliation(ctx.db, ctx.mailbox, result);
  return result;
}

async function reconcileWindowStart(
  ctx: SyncContext,
  window: ReconcileWindow,
  now: Date,
): Promise<Date> {
  const backfill = now.getTime() - ctx.backfillDays * 24 * 60 * 60 * 1000;
  if (window === 'backfill') return new Date(backfill);
  const last = await lastReconciliation(ctx.db, ctx.mailbox.id);
  if (!last) return new Date(backfill);
  return new Date(Math.max(backfill, last.getTime() - SEARCH_LAG_MARGIN_MS));
}
